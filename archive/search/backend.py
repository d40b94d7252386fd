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
* **Highlighting only the shown page**, from the database text, HTML-escaped (``snippet()``),
  stemming only the words that can match instead of analysing every word.
"""

from __future__ import annotations

import functools
import heapq
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from django.utils.html import escape
from haystack.backends import BaseEngine, log_query
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.fields import CharField, MultiValueField
from haystack.models import SearchResult
from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.collectors import FilterCollector, ScoredCollector
from whoosh.fields import DATETIME, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.lang.porter import stem
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.qparser import QueryParser
from whoosh.query import And as WhooshAnd
from whoosh.query import NullQuery
from whoosh.query import Phrase as WhooshPhrase
from whoosh.query import Term as WhooshTerm

from . import builds
from .ranges import WholeDayRanges
from .spelling import Vocabulary

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


def analysed_terms(words: Iterable[str]) -> set[str]:
    return {t.text for w in words for t in TEXT_ANALYZER(w)}


@functools.lru_cache(maxsize=200_000)
def _stem_of(word: str) -> str | None:
    """What the text analyzer makes of one word (None for a stop word or a one-letter word)."""
    low = word.lower()
    if len(low) < 2 or low in STOP_WORDS:
        return None
    return stem(low)


@functools.lru_cache(maxsize=1024)
def _candidates(terms: frozenset[str]) -> re.Pattern:
    """Words that may stem to one of ``terms``. A Porter stem only rewrites the end of a word, so
    every word it came from starts with the stem less its last letter ("happi" <- "happy")."""
    prefixes = sorted({t[:-1] if len(t) > 1 else t for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, prefixes)) + r")\w*", re.IGNORECASE)


def snippet(text: str, words: Iterable[str], *, top: int = 2, maxchars: int = 220, surround: int = 60) -> str:
    """Up to ``top`` fragments of ``text`` around the matched ``words``, as safe HTML ("" if none).

    Words match as they do in the index (the same stems). Matches less than ``maxchars`` apart
    share a fragment; fragments are ranked as Whoosh's highlighter ranks them (matches times the
    number of different words matched) and shown in text order, each with up to ``surround``
    characters around, every piece HTML-escaped and only our ``<mark>`` as markup. One regular
    expression finds the candidate words, so only those are stemmed: Whoosh's own highlighter
    analyses every word of the statement."""
    terms = frozenset(analysed_terms(words))
    if not terms or not text:
        return ""
    matches = [(m.start(), m.end(), found) for m in _candidates(terms).finditer(text)
               if (found := _stem_of(m.group())) in terms]
    if not matches:
        return ""
    groups: list[list[tuple[int, int, str]]] = [[matches[0]]]
    for match in matches[1:]:
        if match[1] - groups[-1][0][0] <= maxchars:
            groups[-1].append(match)
        else:
            groups.append([match])
    ranked = sorted(range(len(groups)), key=lambda i: (-len(groups[i]) * len({g[2] for g in groups[i]}), i))
    return " … ".join(_fragment(text, groups[i], surround) for i in sorted(ranked[:top]))


def _fragment(text: str, group: list[tuple[int, int, str]], surround: int) -> str:
    start = max(0, group[0][0] - surround)
    while 0 < start < group[0][0] and text[start - 1].isalnum():  # begin at a word
        start += 1
    end = min(len(text), group[-1][1] + surround)
    while group[-1][1] < end < len(text) and text[end].isalnum():  # end after a word
        end -= 1
    out, at = [], start
    for begin, finish, _ in group:
        out += [escape(text[at:begin]), "<mark>", escape(text[begin:finish]), "</mark>"]
        at = finish
    out.append(escape(text[at:end]))
    return "".join(out).strip()


# A pseudo-facet: delegations of the matches, the chair's procedural turns left out ("who says this
# most"), counted in the same pass as the other facets instead of by a second search.
SUBSTANTIVE_DELEGATIONS = "delegation_substantive"


class _SegmentColumns:
    """The facet and sort values of one segment's documents, read once into Python lists (a
    finished segment never changes; deletions only hide documents, and hidden documents never
    match). Counting a facet is then ``Counter(map(values.__getitem__, docnums))``: no per-hit
    stored-field load, no per-hit categorizer call."""

    def __init__(self, doc_count: int) -> None:
        self.doc_count = doc_count
        self.values: dict[str, list] = {}

    def get(self, name: str, reader, schema) -> list:
        found = self.values.get(name)
        if found is None:
            found = self.values[name] = self._read(name, reader, schema)
        return found

    def _read(self, name: str, reader, schema) -> list:
        if name == SUBSTANTIVE_DELEGATIONS:
            delegations = self.get("delegation_exact", reader, schema)
            procedural = self.get("procedural", reader, schema)
            return [None if p == "1" else d for d, p in zip(delegations, procedural, strict=True)]
        if isinstance(schema[name], KEYWORD):  # several values a document, no column: from the postings
            lists: list = [()] * self.doc_count
            for btext in reader.lexicon(name):
                text = btext.decode()
                for docnum in reader.postings(name, btext).all_ids():
                    lists[docnum] = (*lists[docnum], text)
            return lists
        if reader.has_column(name):
            return list(reader.column_reader(name, translate=True))
        return [None] * self.doc_count


# Segment columns by segment id, shared by every thread's searcher; only live segments are kept.
_segment_columns: dict[str, _SegmentColumns] = {}
_segment_columns_lock = threading.Lock()


class _Columns:
    """Facet and sort values of every document of one searcher, by global document number."""

    def __init__(self, searcher, schema) -> None:
        self.schema = schema
        self.segments: list[tuple[_SegmentColumns, object]] = []
        with _segment_columns_lock:
            live = {}
            for reader, _offset in searcher.reader().leaf_readers():  # in document-number order
                segment = reader.segment()
                if segment is None:  # an index with no segment yet (empty): nothing to cache
                    self.segments.append((_SegmentColumns(reader.doc_count_all()), reader))
                    continue
                key = segment.segment_id()
                cached = _segment_columns.get(key)
                if cached is None or cached.doc_count != reader.doc_count_all():
                    cached = _SegmentColumns(reader.doc_count_all())
                live[key] = cached
                self.segments.append((cached, reader))
            _segment_columns.clear()
            _segment_columns.update(live)
        self.values: dict[str, list] = {}

    def get(self, name: str) -> list:
        found = self.values.get(name)
        if found is None:
            parts = [segment.get(name, reader, self.schema) for segment, reader in self.segments]
            found = parts[0] if len(parts) == 1 else [v for part in parts for v in part]
            self.values[name] = found
        return found


class _RankAllCollector(ScoredCollector):
    """Scores every match once, keeping the best ``limit`` and the set of all matches: the count,
    the facets and the page from one pass (a phrase's positions are not matched twice). The
    minimum score is never raised, so Whoosh never prunes a branch that cannot reach the top."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def _collect(self, global_docnum, score):
        self.docset.add(global_docnum)
        items = self.items
        if len(items) < self.limit:
            heapq.heappush(items, (score, 0 - global_docnum))
        elif score > items[0][0]:
            heapq.heapreplace(items, (score, 0 - global_docnum))
        return 0 - score

    def results(self):
        items = sorted(self.items, reverse=True)
        return self._results([(score, 0 - negated) for score, negated in items], docset=self.docset)


class AdjacentPhrase(WhooshPhrase):
    """An exact phrase (words side by side) matched with set arithmetic on each candidate
    document's positions, instead of Whoosh's span objects (``SpanNear2``: a Python object per
    position, the slowest part of a phrase search). Same documents, same scores (the sum of the
    words' scores, as Whoosh scores a phrase)."""

    def matcher(self, searcher, context=None):
        if self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        field = searcher.schema[self.fieldname]
        words = [field.to_bytes(w) for w in self.words]
        unique = list(dict.fromkeys(words))
        reader = searcher.reader()
        if any((self.fieldname, w) not in reader for w in unique):
            return NullMatcher()
        matchers = [WhooshTerm(self.fieldname, w).matcher(searcher, context) for w in unique]
        offsets = [[i for i, w in enumerate(words) if w == u] for u in unique]
        ids, scores = [], []
        while all(m.is_active() for m in matchers):
            target = max(m.id() for m in matchers)
            if any(m.id() != target for m in matchers):
                for m in matchers:
                    if m.id() < target:
                        m.skip_to(target)
                continue
            starts = None
            for m, at in zip(matchers, offsets, strict=True):
                positions = m.value_as("positions")
                for i in at:
                    shifted = {p - i for p in positions}
                    starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            if starts:
                ids.append(target)
                scores.append(sum(m.score() * len(at) for m, at in zip(matchers, offsets, strict=True)) * self.boost)
            for m in matchers:
                m.next()
        return ListMatcher(ids, weights=scores) if ids else NullMatcher()


def _fast_phrases(q):
    if type(q) is WhooshPhrase:
        return AdjacentPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)
    return q


def _count(values: list, docnums) -> list[tuple[str, int]]:
    counts = Counter(map(values.__getitem__, docnums))
    counts.pop(None, None)
    counts.pop("", None)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _count_many(values: list, docnums) -> list[tuple[str, int]]:
    counts = Counter(chain.from_iterable(map(values.__getitem__, docnums)))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# Documents handed to a worker process at a time by a parallel rebuild.
BUILD_BATCH = 100


class MortalSubWriterTask(SubWriterTask):
    """A worker of Whoosh's multiprocessing writer that dies with the process that started it
    (a killed rebuild would otherwise leave it waiting on its job queue for ever)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parent_pid = os.getpid()
        self.daemon = True

    def run(self) -> None:
        builds.die_with_parent(self.parent_pid)
        super().run()


class MortalMpWriter(MpWriter):
    """Whoosh's multiprocessing writer, with workers that die with this process."""

    def _new_task(self):
        task = MortalSubWriterTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task


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

    def index_meetings(self, search_index, meeting_ids: list[int]) -> int:
        """Re-index every statement of these meetings (the import hook; see upkeep.index_meetings):
        their documents deleted by meeting and written again, in one writer."""
        from archive.models import Meeting

        ix = self.open_index()
        if ix is None:
            return 0
        slugs = list(Meeting.objects.filter(pk__in=meeting_ids).values_list("slug", flat=True))
        try:
            writer = ix.writer(timeout=60)
        except whoosh_index.LockError:
            log.warning("Search index busy: %d meetings not re-indexed (run repair_search_index)", len(meeting_ids))
            return 0
        count = 0
        try:
            for slug in slugs:
                writer.delete_by_term("meeting_exact", slug)
            for statement in search_index.index_queryset().filter(meeting_id__in=meeting_ids).iterator(chunk_size=500):
                doc = self.document(search_index, statement)
                if doc is not None:
                    writer.add_document(**doc)
                    count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def matching_ids(self, sq, *, newest_first: bool = True, limit: int | None = None) -> list[int] | None:
        """Database ids of every statement ``sq`` (a compiled SQ tree) matches, in time order (the
        ``chrono`` column), newest first by default; ``limit``: only that many. None when no index
        has been built. For feeds, exports and alerts, which need the whole set, not a page."""
        if not self.setup_complete:
            self.setup()
        searcher = self.searcher()
        if searcher is None:
            return None
        query = self.parser.parse(_query_string(sq))
        results = searcher.search(query, limit=limit, sortedby="chrono", reverse=newest_first)
        return [int(searcher.stored_fields(docnum)[DJANGO_ID]) for _key, docnum in results.top_n]

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
        searcher.archive_columns = _Columns(searcher, self.schema)
        searcher.archive_vocabulary = Vocabulary(functools.partial(_spelling_words, searcher, self.content_field_name))
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
        return builds.new_build_dir(self.index_path)

    def build_index(self, search_index, objects: Iterable, directory: Path, progress=None, procs: int = 1) -> int:
        """Write every object into a fresh index in ``directory`` with one bulk writer.

        With ``procs`` > 1 Whoosh's multiprocessing writer analyses and writes the documents in
        that many worker processes while this one reads and prepares them from the database, and
        keeps one segment per worker (``multisegment``: no final merge; searching reads them all)."""
        if not self.setup_complete:
            self.setup()
        ix = whoosh_index.create_in(str(directory), self.schema)
        if procs > 1:
            writer = MortalMpWriter(ix, procs=procs, multisegment=True, limitmb=128, batchsize=BUILD_BATCH)
        else:
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
        """Make ``directory`` the live index in one step; returns the directory it replaced."""
        return builds.swap_in(self.index_path, directory)

    @staticmethod
    def discard(directory: Path | None) -> None:
        builds.discard(directory)

    def clean_leftovers(self) -> list[Path]:
        """Remove the build folders of rebuilds that died (see archive/search/builds.py)."""
        return builds.clean_leftovers(self.index_path)

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
        query = query.accept(_fast_phrases)
        filters = [self.parser.parse(str(nq)) for nq in (narrow_queries or ())]
        if models:
            from haystack.utils import get_model_ct

            filters.append(self.parser.parse(" OR ".join(f"{DJANGO_CT}:{get_model_ct(m)}" for m in models)))
        filters = [f for f in filters if f is not None and f is not NullQuery]
        search_filter = (WhooshAnd(filters) if len(filters) > 1 else filters[0]) if filters else None

        columns: _Columns = searcher.archive_columns
        allowed = set(searcher.docs_for_query(search_filter)) if search_filter is not None else None
        page_num, page_length = self.calculate_page(start_offset, end_offset)
        first, wanted = (page_num - 1) * page_length, page_num * page_length
        ranked: list[tuple[int, float]] = []  # (docnum, score) of the first ``wanted``
        if sort_by:
            if len(sort_by) > 1:
                raise ValueError(f"sorting by one field only, not {sort_by}")
            # Every match, unscored, then the first ``wanted`` by the sort column.
            matched = set(searcher.docs_for_query(query))
            if allowed is not None:
                matched &= allowed
            values = columns.get(sort_by[0].lstrip("-"))
            pick = heapq.nlargest if sort_by[0].startswith("-") else heapq.nsmallest
            ranked = [(d, 0.0) for d in pick(wanted, matched, key=lambda d: (values[d], d))]
        else:
            collector = _RankAllCollector(wanted)
            searcher.search_with_collector(
                query, collector if allowed is None else FilterCollector(collector, allow=allowed)
            )
            results = collector.results()
            matched = collector.docset
            ranked = [(results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())]
        hits = len(matched)

        facet_counts: dict = {}
        if facets:
            facet_counts = {"fields": {}, "dates": {}, "queries": {}}
            for name in facets:
                if name != SUBSTANTIVE_DELEGATIONS and isinstance(self.schema[name], KEYWORD):
                    facet_counts["fields"][name] = _count_many(columns.get(name), matched)
                else:
                    facet_counts["fields"][name] = _count(columns.get(name), matched)
        result_class = result_class or SearchResult
        found = []
        for docnum, score in ranked[first:wanted]:
            stored = searcher.stored_fields(docnum)
            app_label, model_name = stored[DJANGO_CT].split(".")
            extra = {k: v for k, v in stored.items() if k not in (DJANGO_CT, DJANGO_ID)}
            found.append(result_class(app_label, model_name, stored[DJANGO_ID], score, **extra))
        return {"results": found, "hits": hits, "facets": facet_counts, "spelling_suggestion": None}

    def unknown_word(self, word: str) -> bool:
        """Whether ``word``, analysed as this engine indexes the text, matches no statement (a stop
        word is not unknown: it is never searched for)."""
        searcher = self.searcher()
        terms = [t.text for t in TEXT_ANALYZER(word)]
        return searcher is not None and bool(terms) and searcher.doc_frequency(self.content_field_name, terms[0]) == 0

    def vocabulary(self) -> Vocabulary | None:
        """The words of the indexed text, unstemmed, for suggestions (None when no index is built)."""
        searcher = self.searcher()
        return None if searcher is None else searcher.archive_vocabulary

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


def _spelling_words(searcher, fieldname: str, prefix: str) -> list[tuple[str, int]]:
    """(word, document frequency) of the unstemmed spelling words of ``fieldname`` starting with ``prefix``."""
    field = searcher.schema[fieldname].spelling_fieldname(fieldname)
    return [(word.decode(), info.doc_frequency()) for word, info in searcher.reader().iter_prefix(field, prefix)]


def _query_string(sq) -> str:
    """The engine query string haystack builds for an SQ tree."""
    from haystack.query import SearchQuerySet

    return SearchQuerySet().filter(sq).query.build_query()
