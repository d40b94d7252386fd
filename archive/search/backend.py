"""The project's own Whoosh engine for haystack.

Haystack's shipped Whoosh backend is kept as the search API but is wasteful where it matters
(docs/search.md, bench/search_bench.py):

* **Lean schema.** Nothing is stored but the document identifiers and a freshness stamp (the text
  lives in the database; the page being shown is highlighted from there). Only the fields that are
  sorted or faceted on get a column. Exact fields (``ExactField``) are Whoosh ``ID`` fields, not
  stemmed text, so facets come back as "fra", "president", "2020", never "franc".
* **A long-lived searcher per thread**, refreshed only when the index changed (a new generation, or
  a rebuild swapped the directory), instead of a new index object and searcher for every query.
* **No match-all narrowing search** (``HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False``) and filters
  passed to Whoosh as queries, not as materialised result sets.
* **Bulk building**: ``build_index()`` adds every document with ``add_document`` in one writer into a
  new directory, then ``swap_in()`` points the live path at it atomically (a symlink replaced with
  ``os.replace``), so readers never see a half-built index.
* **Highlighting only the shown page**, from the database text, HTML-escaped (``snippet()``).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from django.utils.html import escape
from haystack.backends import BaseEngine, log_query
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.fields import CharField, MultiValueField
from haystack.models import SearchResult
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.highlight import ContextFragmenter, Formatter, highlight
from whoosh.qparser import QueryParser
from whoosh.query import And as WhooshAnd
from whoosh.query import NullQuery
from whoosh.sorting import Count, FieldFacet, FunctionFacet

from .ranges import WholeDayRanges

log = logging.getLogger(__name__)


def _cache_missing_columns() -> None:
    """Whoosh 2.7's per-document reader looks for a length column with ``os.stat`` on *every*
    posting of a field that has none (ID and keyword fields, the spelling words), and does not
    remember the answer: two thirds of the time of a bulk commit. A finished segment's files never
    change, so the answer is remembered here (once per reader and field)."""
    from whoosh.codec import whoosh3

    reader_class = whoosh3.W3PerDocReader
    if getattr(reader_class, "_archive_patched", False):
        return
    original = reader_class._cached_reader
    missing = object()

    def _cached_reader(self, fieldname, column):
        readers = self._readers
        found = readers.get(fieldname, None)
        if found is missing:
            return None
        if found is not None:
            return found
        found = original(self, fieldname, column)
        if found is None:
            readers[fieldname] = missing
        return found

    reader_class._cached_reader = _cached_reader
    reader_class._archive_patched = True


_cache_missing_columns()

# One analyzer for the text, the query and the highlighter: words are runs of letters and digits
# (so "S/PV.8698" is the words "pv" and "8698", as the query parser splits it), lower-cased,
# stop words dropped, English-stemmed.
TEXT_ANALYZER = StemmingAnalyzer(expression=r"\w+", cachesize=-1)


class ExactField(CharField):
    """An un-analysed value (a key, a role, a year): filtered with ``=`` and faceted as it is."""

    field_type = "exact"


class ExactMultiField(MultiValueField):
    """Several un-analysed values (the resolutions a statement cites)."""

    field_type = "exact"


class SnippetFormatter(Formatter):
    """Every piece of text HTML-escaped; matched words in ``<mark>``; fragments joined by an ellipsis."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(text[token.startchar : token.endchar]) + "</mark>"


def analysed_terms(words: Iterable[str]) -> set[str]:
    return {t.text for w in words for t in TEXT_ANALYZER(w)}


def snippet(text: str, words: Iterable[str], *, top: int = 2, maxchars: int = 220) -> str:
    """Up to ``top`` fragments of ``text`` around the matched ``words``, as safe HTML ("" if none)."""
    terms = analysed_terms(words)
    if not terms or not text:
        return ""
    # Analysing a whole long statement is most of the cost: first keep the paragraphs that can
    # hold a match (a stem is nearly always a prefix of the word it came from), the whole text
    # when none seems to.
    lowered = [(p, p.lower()) for p in text.split("\n\n")]
    likely = [p for p, low in lowered if any(t in low for t in terms)]
    if likely:
        text = "\n\n".join(likely[: top + 1])
    return highlight(text, terms, TEXT_ANALYZER, ContextFragmenter(maxchars=maxchars, surround=60),
                     SnippetFormatter(), top=top)


# A pseudo-facet: delegations of the matches, the chair's procedural turns left out ("who says this
# most"), counted in the same pass as the other facets instead of by a second search.
SUBSTANTIVE_DELEGATIONS = "delegation_substantive"


def _substantive_delegation_facet() -> FunctionFacet:
    columns: dict[int, tuple] = {}

    def key(segment_searcher, docid):
        reader = segment_searcher.reader()
        cols = columns.get(id(reader))
        if cols is None:
            cols = columns[id(reader)] = (
                reader.column_reader("delegation_exact"), reader.column_reader("procedural"),
            )
        delegation, procedural = cols
        if procedural[docid] in ("1", b"1"):
            return None
        value = delegation[docid]
        if isinstance(value, bytes):
            value = value.decode()
        return value or None

    return FunctionFacet(key, maptype=Count)


class _SearcherCache(threading.local):
    def __init__(self) -> None:
        self.by_path: dict[str, tuple[str, object]] = {}


_searchers = _SearcherCache()


class ArchiveWhooshBackend(WhooshSearchBackend):
    """See the module docstring."""

    def setup(self) -> None:
        from haystack import connections

        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.setup_complete = True

    def build_schema(self, fields):
        schema = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True),
        }
        content = ""
        for field in fields.values():
            name = field.index_fieldname
            if field.document:
                content = name
                schema[name] = TEXT(analyzer=TEXT_ANALYZER, stored=False, spelling=True)
            elif not field.indexed:
                schema[name] = STORED()
            elif field.field_type == "exact" and field.is_multivalued:
                schema[name] = KEYWORD(commas=True, stored=False, scorable=False)
            elif field.field_type == "exact":
                schema[name] = WHOOSH_ID(stored=False, sortable=True)
            elif field.field_type in ("date", "datetime"):
                schema[name] = DATETIME(stored=False, sortable=True)
            elif field.field_type == "integer":
                schema[name] = NUMERIC(numtype=int, bits=64, stored=False, sortable=True)
            else:  # names: analysed like the text, not stored, no column
                schema[name] = TEXT(analyzer=TEXT_ANALYZER, stored=False, field_boost=field.boost)
        return content, Schema(**schema)

    # -- the index on disk

    @property
    def index_path(self) -> Path:
        return Path(self.path)

    def has_index(self) -> bool:
        return self.index_path.exists() and whoosh_index.exists_in(str(self.index_path))

    def open_index(self):
        """The live index, or None when none has been built yet."""
        if not self.setup_complete:
            self.setup()
        if not self.has_index():
            return None
        return whoosh_index.open_dir(str(self.index_path), schema=self.schema)

    def searcher(self):
        """This thread's searcher over the live index, refreshed only when the index changed."""
        path = str(self.index_path)
        real = os.path.realpath(path)
        cached = _searchers.by_path.get(path)
        if cached is not None:
            cached_real, searcher = cached
            if cached_real == real and os.path.isdir(real):
                try:
                    if searcher.up_to_date():
                        return searcher
                except (OSError, whoosh_index.EmptyIndexError):
                    pass
            # Changed: a new searcher (Searcher.refresh() can keep a reader that misses deletions).
            searcher.close()
            del _searchers.by_path[path]
        ix = self.open_index()
        if ix is None:
            return None
        searcher = ix.searcher()
        _searchers.by_path[path] = (real, searcher)
        return searcher

    def forget_searcher(self) -> None:
        cached = _searchers.by_path.pop(str(self.index_path), None)
        if cached is not None:
            cached[1].close()

    def document(self, search_index, obj) -> dict | None:
        """The Whoosh document for one object (None when the index skips it)."""
        try:
            prepared = search_index.full_prepare(obj)
        except SkipDocument:
            return None
        doc = {}
        for key, value in prepared.items():
            if key == "boost" or value is None or value == "" or value == []:
                continue
            doc[key] = self._from_python(value)
        return doc

    # -- writing

    def update(self, index, iterable, commit=True):
        """Add or replace documents in the live index (small batches: an import, a repair)."""
        ix = self.open_index()
        if ix is None:
            log.info("No search index at %s yet: nothing updated (run rebuild_search_index)", self.path)
            return
        writer = ix.writer(timeout=60)
        try:
            for obj in iterable:
                doc = self.document(index, obj)
                if doc is not None:
                    writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def remove_ids(self, identifiers: Iterable[str]) -> int:
        ix = self.open_index()
        if ix is None:
            return 0
        writer = ix.writer(timeout=60)
        count = 0
        for identifier in identifiers:
            count += writer.delete_by_term(ID, identifier)
        writer.commit()
        return count

    def remove(self, obj_or_string, commit=True):
        from haystack.utils import get_identifier

        self.remove_ids([get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        new = self.new_build_dir()
        whoosh_index.create_in(str(new), self.schema)
        self.swap_in(new)

    def new_build_dir(self) -> Path:
        parent = self.index_path.parent
        parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(1000):
            candidate = parent / f"{self.index_path.name}.{stamp}-{n}"
            if not candidate.exists():
                candidate.mkdir()
                return candidate
        raise OSError(f"cannot make a build directory beside {self.index_path}")

    def build_index(self, search_index, objects: Iterable, directory: Path, progress=None) -> int:
        """Write every object into a fresh index in ``directory`` with one bulk writer."""
        if not self.setup_complete:
            self.setup()
        ix = whoosh_index.create_in(str(directory), self.schema)
        writer = ix.writer(limitmb=256)
        count = 0
        try:
            for obj in objects:
                doc = self.document(search_index, obj)
                if doc is not None:
                    writer.add_document(**doc)
                    count += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def swap_in(self, directory: Path) -> Path | None:
        """Make ``directory`` the live index in one step; returns the directory it replaced.

        The live path is a symbolic link to a sibling directory, replaced with ``os.replace``
        (atomic on POSIX). A live path that is still a plain directory (an older layout) is moved
        aside first."""
        live = self.index_path
        old: Path | None = None
        if live.is_symlink():
            old = Path(os.path.realpath(live))
        elif live.exists():
            old = live.with_name(f"{live.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
            live.rename(old)
        link = live.with_name(f".{live.name}.link-{os.getpid()}")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(directory.name if directory.parent == live.parent else directory)
        os.replace(link, live)
        return old

    @staticmethod
    def discard(directory: Path | None) -> None:
        if directory is not None and directory.exists() and not directory.is_symlink():
            shutil.rmtree(directory, ignore_errors=True)

    # -- reading

    @log_query
    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, fields="",
               highlight=False, facets=None, date_facets=None, query_facets=None, narrow_queries=None,
               spelling_query=None, within=None, dwithin=None, distance_point=None, models=None,
               limit_to_registered_models=None, result_class=None, **kwargs):
        if not self.setup_complete:
            self.setup()
        empty = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}
        if not query_string:
            return empty
        searcher = self.searcher()
        if searcher is None:
            return {**empty, "missing_index": True}
        query = self.parser.parse(str(query_string))
        if query is None or query is NullQuery:
            return empty
        filters = [self.parser.parse(str(nq)) for nq in (narrow_queries or ())]
        if models:
            from haystack.utils import get_model_ct

            filters.append(self.parser.parse(" OR ".join(f"{DJANGO_CT}:{get_model_ct(m)}" for m in models)))
        filters = [f for f in filters if f is not None and f is not NullQuery]
        search_filter = (WhooshAnd(filters) if len(filters) > 1 else filters[0]) if filters else None

        sortedby, reverse = None, False
        if sort_by:
            names = [s.lstrip("-") for s in sort_by]
            reverse = sort_by[0].startswith("-")
            sortedby = names[0] if len(names) == 1 else names
        groupedby = {}
        for name in facets or ():
            if name == SUBSTANTIVE_DELEGATIONS:
                groupedby[name] = _substantive_delegation_facet()
            else:
                multi = isinstance(self.schema[name], KEYWORD)
                groupedby[name] = FieldFacet(name, allow_overlap=multi, maptype=Count)

        page_num, page_length = self.calculate_page(start_offset, end_offset)
        results = searcher.search(query, limit=page_num * page_length, sortedby=sortedby, reverse=reverse,
                                  groupedby=groupedby or None, filter=search_filter)
        hits = len(results)
        facet_counts: dict = {}
        if facets:
            facet_counts = {"fields": {}, "dates": {}, "queries": {}}
            for name in facets:
                groups = results.groups(name)
                groups.pop(None, None)
                facet_counts["fields"][name] = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
        result_class = result_class or SearchResult
        found = []
        first = (page_num - 1) * page_length
        for i in range(first, min(first + page_length, results.scored_length())):
            stored = results[i].fields()
            app_label, model_name = stored[DJANGO_CT].split(".")
            extra = {k: v for k, v in stored.items() if k not in (DJANGO_CT, DJANGO_ID)}
            found.append(result_class(app_label, model_name, stored[DJANGO_ID], results.score(i) or 0, **extra))
        return {"results": found, "hits": hits, "facets": facet_counts, "spelling_suggestion": None}

    def suggest_words(self, word: str, limit: int = 3) -> list[str]:
        """Words of the indexed text close to ``word`` (unstemmed), best first."""
        searcher = self.searcher()
        if searcher is None:
            return []
        corrector = searcher.corrector(self.content_field_name)
        return list(corrector.suggest(word.lower(), limit=limit))

    def doc_count(self) -> int:
        searcher = self.searcher()
        return 0 if searcher is None else searcher.doc_count()

    def indexed_stamps(self) -> dict[str, str]:
        """{django_id: stamp} for every live document (for the repair command)."""
        searcher = self.searcher()
        if searcher is None:
            return {}
        return {f[DJANGO_ID]: f.get("stamp", "") for f in searcher.reader().all_stored_fields()}


class ArchiveWhooshSearchQuery(WholeDayRanges, WhooshSearchQuery):
    pass


class ArchiveWhooshEngine(BaseEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveWhooshSearchQuery


def get_backend() -> ArchiveWhooshBackend:
    from haystack import connections

    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    return backend
