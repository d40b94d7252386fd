"""A haystack engine over tantivy (the Rust search library, through its Python binding): one of the
engines answering ``engine.SearchEngine``; what they share lives in ``engine.py``.

Selected with ``SEARCH_ENGINE=tantivy`` (archive/settings.py); Whoosh stays the default. Views,
templates, the query language and the tests do not know which engine runs: both take the same
``SQ`` trees and return the same facet counts (docs/search.md says when to choose which).

* **No query strings.** The ``SQ`` tree that ``query.to_sq()`` builds is translated node by node into
  tantivy ``Query`` objects (``engine.ArchiveSearchQuery`` hands it to the backend); what a reader typed never
  reaches tantivy's own query parser.
* **The same words as Whoosh**: runs of letters and digits, lower-cased, Whoosh's English stop words
  and single characters dropped, English-stemmed (tantivy's Snowball stemmer; Whoosh uses the older Porter
  one, so a few rare words stem differently). Query words are analysed by the same analyzer.
* **Facets** are tantivy term aggregations over fast (columnar) fields, all in one pass; "who says
  this most" (``delegation_substantive``) is the delegation counts minus their procedural ones.
* **Dates are whole days**: ``__lte``/``__gte``/``__range`` include the day named, ``__lt``/``__gt``
  exclude it (tests/test_search.py checks the edges on both engines).
* **Upkeep** like the Whoosh engine: a full build into a sibling directory, swapped in with one
  ``os.replace`` of a symbolic link; small writes (an import, a repair) through a short-lived writer;
  one searcher per process, reloaded when the index's ``meta.json`` changes.
* **Highlighting** of the page shown: the database text of each statement run through tantivy's
  snippet generator with the same analyzer and query (``snippets()``), every piece HTML-escaped,
  only ``<mark>`` as markup: about five times faster than the Whoosh highlighter, which was most of
  the time of a search page.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import string
import threading
import time
from pathlib import Path

import tantivy
from django.utils.html import escape
from haystack.backends import BaseEngine, BaseSearchBackend, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from whoosh.analysis import STOP_WORDS

from .engine import (
    RAW_WORD,
    ArchiveBackend,
    ArchiveSearchQuery,
    IndexBusy,
    SQTranslator,
    facet_aggregations,
    facet_rows,
    field_kind,
    no_results,
    result,
)
from .spelling import Vocabulary

log = logging.getLogger(__name__)

TEXT_TOKENIZER = "archive_text"
WORDS_TOKENIZER = "archive_words"
SPELLING_FIELD = "spelling_words"  # the text's words unstemmed, for suggestions
WRITER_HEAP = 128_000_000
WRITER_WAIT_SECONDS = 60


# Whoosh drops words shorter than two characters as it drops stop words ("S/PV.8698" is "pv 8698").
SHORT_WORDS = [*string.ascii_lowercase, *string.digits]


def text_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.custom_stopword(sorted(STOP_WORDS) + SHORT_WORDS))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def words_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.custom_stopword(SHORT_WORDS))
        .build()
    )


ANALYZER = text_analyzer()


class Searcher:
    """One tantivy searcher over one state of the index, with its words for suggestions."""

    def __init__(self, index: tantivy.Index, path: str, signature: tuple):
        self.index = index
        self.path = path
        self.signature = signature
        self.tantivy = index.searcher()
        self.vocabulary = Vocabulary(functools.partial(self.tantivy.terms_with_prefix, SPELLING_FIELD))

    def doc_count(self) -> int:
        return self.tantivy.num_docs

    def doc_frequency(self, field: str, term: str) -> int:
        return self.tantivy.doc_freq(field, term)


_lock = threading.Lock()
_searchers: dict[str, Searcher] = {}  # live path -> searcher (tantivy searchers are thread-safe)


def _signature(real: str) -> tuple | None:
    try:
        st = os.stat(os.path.join(real, "meta.json"))
    except FileNotFoundError:
        return None
    return (real, st.st_ino, st.st_mtime_ns, st.st_size)


class TantivySearchBackend(SQTranslator, ArchiveBackend, BaseSearchBackend):
    """See the module docstring."""

    engine_name = "tantivy"

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.path = connection_options.get("PATH")
        if not self.path:
            raise ValueError(f"HAYSTACK_CONNECTIONS['{connection_alias}'] needs a PATH for the tantivy index")
        self.setup_complete = False
        self.content_field_name = "text"
        self.fields: dict[str, object] = {}

    def setup(self) -> None:
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.fields = {f.index_fieldname: f for f in fields.values()}
        self.content_field_name, self.schema = self.build_schema(fields)
        self.setup_complete = True

    def build_schema(self, fields):
        builder = tantivy.SchemaBuilder()
        for name in (ID, DJANGO_CT, DJANGO_ID):
            builder.add_text_field(name, stored=True, tokenizer_name="raw")
        content = ""
        for field in fields.values():
            name, kind = field.index_fieldname, field_kind(field)
            if kind == "text":
                content = name
                builder.add_text_field(name, tokenizer_name=TEXT_TOKENIZER)
                builder.add_text_field(SPELLING_FIELD, tokenizer_name=WORDS_TOKENIZER, index_option="basic")
            elif kind == "stored":
                builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
            elif kind in ("exact", "exact_many"):
                builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
            elif kind == "date":
                builder.add_date_field(name, indexed=True, fast=True)
            elif kind == "integer":
                builder.add_integer_field(name, indexed=True, fast=True)
            else:  # names: analysed like the text
                builder.add_text_field(name, tokenizer_name=TEXT_TOKENIZER)
        return content, builder.build()

    # -- the index on disk

    def has_index(self) -> bool:
        return _signature(os.path.realpath(self.index_path)) is not None

    def _open(self, directory: str, *, create: bool = False) -> tantivy.Index:
        self._ready()
        index = tantivy.Index(self.schema, path=directory, reuse=not create)
        index.register_tokenizer(TEXT_TOKENIZER, text_analyzer())
        index.register_tokenizer(WORDS_TOKENIZER, words_analyzer())
        index.config_reader(reload_policy="manual")
        return index

    def searcher(self) -> Searcher | None:
        """The searcher over the live index, replaced only when the index changed."""
        path = str(self.index_path)
        real = os.path.realpath(path)
        signature = _signature(real)
        if signature is None:
            return None
        cached = _searchers.get(path)
        if cached is not None and cached.signature == signature:
            return cached
        with _lock:
            cached = _searchers.get(path)
            if cached is not None and cached.signature == signature:
                return cached
            if cached is not None and cached.signature[0] == real:
                cached.index.reload()
                index = cached.index
            else:
                index = self._open(real)
            searcher = _searchers[path] = Searcher(index, path, signature)
            return searcher

    def forget_searcher(self) -> None:
        with _lock:
            _searchers.pop(str(self.index_path), None)

    # -- documents

    def make_document(self, fields: dict) -> tantivy.Document:
        doc = tantivy.Document()
        for key, value in fields.items():
            for one in value if isinstance(value, list | tuple) else (value,):
                self._add(doc, key, one)
        return doc

    def _add(self, doc: tantivy.Document, name: str, value) -> None:
        field = self.fields.get(name)
        kind = getattr(field, "field_type", "")
        if kind in ("date", "datetime"):
            doc.add_date(name, _as_datetime(value))
        elif kind == "integer":
            doc.add_integer(name, int(value))
        else:
            doc.add_text(name, str(value))
            if name == self.content_field_name:
                doc.add_text(SPELLING_FIELD, str(value))

    # -- writing (the loops are ArchiveBackend's)

    def _writer(self, index: tantivy.Index, *, heap: int = 50_000_000) -> _Writer:
        waited = 0.0
        while True:
            try:
                return _Writer(index.writer(heap_size=heap))
            except ValueError as exc:
                if "lock" not in str(exc).lower() or waited >= WRITER_WAIT_SECONDS:
                    if "lock" in str(exc).lower():
                        raise IndexBusy(f"the search index at {self.path} is being written by another process") from exc
                    raise
                time.sleep(0.5)
                waited += 0.5

    def live_writer(self) -> _Writer | None:
        searcher = self.searcher()
        return None if searcher is None else self._writer(searcher.index)

    def bulk_writer(self, directory: Path, procs: int) -> _Writer:
        """A writer into a new index in ``directory`` (tantivy's writer analyses on its own threads,
        so ``procs``, the Whoosh engine's worker count, is not needed here)."""
        return self._writer(self._open(str(directory), create=True), heap=WRITER_HEAP)

    # -- reading

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        fields="",
        highlight=False,
        facets=None,
        date_facets=None,
        query_facets=None,
        narrow_queries=None,
        spelling_query=None,
        within=None,
        dwithin=None,
        distance_point=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        query_tree=None,
        **kwargs,
    ):
        self._ready()
        query = self.searched(
            query_string,
            query_tree,
            tantivy.Query.all_query(),
            narrow_queries=narrow_queries,
            date_facets=date_facets,
            query_facets=query_facets,
            within=within,
            dwithin=dwithin,
            highlight=highlight,
        )
        if query is None:
            return no_results()
        searcher = self.searcher()
        if searcher is None:
            return no_results(missing_index=True)
        if models:
            from haystack.utils import get_model_ct

            cts = [(tantivy.Occur.Should, self._term(DJANGO_CT, get_model_ct(m))) for m in models]
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.boolean_query(cts))]
            )
        order = {}
        if sort_by:
            if len(sort_by) > 1:
                raise NotImplementedError("the tantivy engine sorts on one field")
            name = sort_by[0].lstrip("-")
            order = {
                "order_by_field": name,
                "order": tantivy.Order.Desc if sort_by[0].startswith("-") else tantivy.Order.Asc,
            }
        limit = (end_offset if end_offset is not None else searcher.doc_count()) - start_offset
        found = searcher.tantivy.search(query, limit=max(limit, 1), offset=start_offset, count=True, **order)
        result_class = result_class or SearchResult
        results = []
        for score, address in found.hits if limit > 0 else ():
            stored = searcher.tantivy.doc(address).to_dict()
            extra = {k: v[0] for k, v in stored.items() if k not in (ID, DJANGO_CT, DJANGO_ID)}
            results.append(
                result(result_class, stored[DJANGO_CT][0], stored[DJANGO_ID][0], score if not order else 0, extra)
            )
        facet_counts = {}
        if facets:
            facet_counts = {"fields": self.facet_counts(searcher, query, list(facets)), "dates": {}, "queries": {}}
        return {"results": results, "hits": found.count, "facets": facet_counts, "spelling_suggestion": None}

    def ids_in_time_order(self, searcher: Searcher, sq, *, newest_first: bool, limit: int | None) -> list[int]:
        query = self.translate(sq)
        if query is None:
            return []
        order = tantivy.Order.Desc if newest_first else tantivy.Order.Asc
        size = searcher.doc_count() if limit is None else limit
        if size <= 0:
            return []
        found = searcher.tantivy.search(query, limit=size, order_by_field="chrono", order=order)
        return [int(searcher.tantivy.doc(address).to_dict()[DJANGO_ID][0]) for _score, address in found.hits]

    def facet_counts(self, searcher: Searcher, query, names: list[str]) -> dict[str, list[tuple[str, int]]]:
        """Counts per value of each field, in one aggregation pass, most frequent first."""
        return facet_rows(searcher.tantivy.aggregate(query, facet_aggregations(names)), names)

    def more_like_this(
        self,
        model_instance,
        additional_query_string=None,
        start_offset=0,
        end_offset=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        query_tree=None,
        **kwargs,
    ):
        """Statements whose words are most like this one's (its own document left out)."""
        from haystack import connections
        from haystack.utils import get_identifier

        self._ready()
        searcher = self.searcher()
        if searcher is None:
            return {"results": [], "hits": 0}
        search_index = connections[self.connection_alias].get_unified_index().get_index(type(model_instance))
        text = search_index.full_prepare(model_instance).get(self.content_field_name) or ""
        like = tantivy.Query.more_like_this_document_fields_query(
            self.schema, {self.content_field_name: [text]}, min_doc_frequency=1, min_term_frequency=1
        )
        clauses = [(tantivy.Occur.Must, like), (tantivy.Occur.MustNot, self._term(ID, get_identifier(model_instance)))]
        narrowed = self.translate(query_tree) if query_tree is not None and query_tree.children else None
        if narrowed is not None:  # SearchQuerySet().filter(...).more_like_this(obj)
            clauses.append((tantivy.Occur.Must, narrowed))
        query = tantivy.Query.boolean_query(clauses)
        limit = (end_offset or start_offset + 10) - start_offset
        found = searcher.tantivy.search(query, limit=max(limit, 1), offset=start_offset, count=True)
        result_class = result_class or SearchResult
        results = []
        for score, address in found.hits:
            stored = searcher.tantivy.doc(address).to_dict()
            results.append(result(result_class, stored[DJANGO_CT][0], stored[DJANGO_ID][0], score, {}))
        return {"results": results, "hits": found.count}

    # -- SQ -> tantivy

    def all_of(self, wanted: list, unwanted: list):
        clauses = [(tantivy.Occur.Must, q) for q in wanted or [tantivy.Query.all_query()]]
        return tantivy.Query.boolean_query(clauses + [(tantivy.Occur.MustNot, q) for q in unwanted])

    def any_of(self, queries: list):
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def all_but(self, query):
        return _all_but(query)

    def _term(self, name: str, value):
        return tantivy.Query.term_query(self.schema, name, value)

    def match(self, name: str, kind: str, value, exact: bool):
        if kind in ("date", "datetime"):
            return self.value_range(name, kind, "range", (value, value))
        if kind == "integer":
            return self._term(name, int(value))
        if kind == "exact":
            return self._term(name, str(value))
        # analysed text: word by word, so a stop word leaves a gap in a phrase as it does in the index
        positioned = [
            (position, tokens[0])
            for position, word in enumerate(RAW_WORD.findall(str(value)))
            if (tokens := ANALYZER.analyze(word))
        ]
        if not positioned:
            return None
        if len(positioned) == 1:
            return self._term(name, positioned[0][1])
        if exact:
            first = positioned[0][0]
            return tantivy.Query.phrase_query(self.schema, name, [(p - first, t) for p, t in positioned])
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, self._term(name, t)) for _, t in positioned])

    def value_range(self, name: str, kind: str, filter_type: str, value):
        low = high = None
        include_low = include_high = True
        if filter_type == "range":
            low, high = value
        elif filter_type in ("gte", "gt"):
            low, include_low = value, filter_type == "gte"
        else:
            high, include_high = value, filter_type == "lte"
        if kind in ("date", "datetime"):
            field_type = tantivy.FieldType.Date
            # A day (not a moment) stands for all of that day: "up to the 10th" includes the 10th,
            # "before the 10th" does not. Documents are indexed at midnight of their day, so the
            # bound is midnight of the day named, inclusive or not as asked (no day arithmetic:
            # 9999-12-31 has no day after it).
            low, high = (None if v is None else _bounded(_as_datetime(v)) for v in (low, high))
        elif kind == "integer":
            field_type = tantivy.FieldType.Integer
            low, high = (None if v is None else int(v) for v in (low, high))
        else:
            raise NotImplementedError(f"ranges on the {kind or 'text'} field {name}")
        return tantivy.Query.range_query(
            self.schema, name, field_type, low, high, include_lower=include_low, include_upper=include_high
        )

    def snippets(self, sq, texts: list[str], *, max_chars: int = 220) -> list[str]:
        """For each text, the passage that best matches the query as safe HTML: every piece
        HTML-escaped, matched words in ``<mark>``, an ellipsis where text was left out ("" when
        nothing matches). Tantivy's snippet generator with the index's own analyzer."""
        searcher = self.searcher()
        query = self.translate(sq) if searcher is not None else None
        if query is None:
            return ["" for _ in texts]
        generator = tantivy.SnippetGenerator.create(searcher.tantivy, query, self.schema, self.content_field_name)
        generator.set_max_num_chars(max_chars)
        out = []
        for text in texts:
            doc = tantivy.Document()
            doc.add_text(self.content_field_name, text)
            out.append(_marked(generator.snippet_from_doc(doc), len(text.encode())))
        return out

    # -- what upkeep and suggestions ask of an engine

    def analyse(self, word: str) -> list[str]:
        return ANALYZER.analyze(word)

    def indexed_stamps(self) -> dict[str, str]:
        """{django_id: stamp} for every live document (for the repair command)."""
        searcher = self.searcher()
        if searcher is None or not searcher.doc_count():
            return {}
        found = searcher.tantivy.search(tantivy.Query.all_query(), limit=searcher.doc_count(), count=False)
        out = {}
        for _, address in found.hits:
            stored = searcher.tantivy.doc(address).to_dict()
            out[stored[DJANGO_ID][0]] = (stored.get("stamp") or [""])[0]
        return out


# Tantivy keeps dates as nanoseconds since 1970 in 64 bits: a bound outside (year 1 or 9999, as an
# open range is written) is moved to the edge, which every document lies inside.
EARLIEST, LATEST = dt.datetime(1678, 1, 1), dt.datetime(2262, 1, 1)


def _bounded(moment: dt.datetime) -> dt.datetime:
    return min(max(moment, EARLIEST), LATEST)


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _marked(snippet, text_bytes: int) -> str:
    """A tantivy snippet as escaped HTML with ``<mark>`` (its ranges are UTF-8 byte offsets)."""
    marks = snippet.highlighted()
    if not marks:
        return ""
    fragment = snippet.fragment().encode()
    pieces, at = [], 0
    for mark in marks:
        pieces += [
            escape(fragment[at : mark.start].decode()),
            "<mark>",
            escape(fragment[mark.start : mark.end].decode()),
            "</mark>",
        ]
        at = mark.end
    pieces.append(escape(fragment[at:].decode()))
    where = snippet.fragment_range()
    return ("… " if where.start > 0 else "") + "".join(pieces).strip() + (" …" if where.end < text_bytes else "")


def _all_but(query):
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, query)]
    )


class _Writer:
    """A tantivy writer as ``engine.ArchiveBackend`` drives it."""

    def __init__(self, writer) -> None:
        self.writer = writer

    def delete(self, field: str, value: str) -> None:
        self.writer.delete_documents_by_term(field, value)

    def add(self, document: tantivy.Document) -> None:
        self.writer.add_document(document)

    def commit(self) -> None:
        self.writer.commit()
        self.writer.wait_merging_threads()  # releases the writer lock

    def cancel(self) -> None:
        self.writer.rollback()


class TantivyEngine(BaseEngine):
    backend = TantivySearchBackend
    query = ArchiveSearchQuery
