"""The project's own Whoosh engine for haystack (one of the two engines answering
``engine.SearchEngine``; what both share lives in ``engine.py``).

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
  new directory (``bulk_writer``: in worker processes for a large build), then ``swap_in()`` points
  the live path at it atomically (a symlink replaced with ``os.replace``), so readers never see a
  half-built index.
* **Highlighting only the shown page** (``snippets()``), from the database text, HTML-escaped
  (``snippet()``), stemming only the words that can match instead of analysing every word.
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

from haystack.backends import BaseEngine, log_query
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
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
from .engine import (
    SUBSTANTIVE_DELEGATIONS,
    ArchiveBackend,
    ArchiveSearchQuery,
    IndexBusy,
    content_words,
    field_kind,
    marked_passages,
    most_frequent_first,
    no_results,
    result,
)
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
    matches = [
        (m.start(), m.end(), found)
        for m in _candidates(terms).finditer(text)
        if (found := _stem_of(m.group())) in terms
    ]
    return marked_passages(text, matches, top=top, maxchars=maxchars, surround=surround)


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
    return most_frequent_first(counts.items())


def _count_many(values: list, docnums) -> list[tuple[str, int]]:
    return most_frequent_first(Counter(chain.from_iterable(map(values.__getitem__, docnums))).items())


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


class ArchiveWhooshBackend(ArchiveBackend, WhooshSearchBackend):
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
        kinds = {
            "text": lambda field: TEXT(analyzer=TEXT_ANALYZER, stored=False, spelling=True),
            "stored": lambda field: STORED(),
            "exact_many": lambda field: KEYWORD(commas=True, stored=False, scorable=False),
            "exact": lambda field: WHOOSH_ID(stored=False, sortable=True),
            "date": lambda field: DATETIME(stored=False, sortable=True),
            "integer": lambda field: NUMERIC(numtype=int, bits=64, stored=False, sortable=True),
            # names: analysed like the text, not stored, no column
            "names": lambda field: TEXT(analyzer=TEXT_ANALYZER, stored=False, field_boost=field.boost),
        }
        content = ""
        for field in fields.values():
            kind = field_kind(field)
            schema[field.index_fieldname] = kinds[kind](field)
            if kind == "text":
                content = field.index_fieldname
        return content, Schema(**schema)

    # -- the index on disk

    def has_index(self) -> bool:
        return self.index_path.exists() and whoosh_index.exists_in(str(self.index_path))

    def open_index(self):
        """The live index, or None when none has been built yet."""
        self._ready()
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
        searcher.archive_columns = _Columns(searcher, self.schema)
        searcher.vocabulary = Vocabulary(functools.partial(_spelling_words, searcher, self.content_field_name))
        _searchers.by_path[path] = (real, searcher)
        return searcher

    def forget_searcher(self) -> None:
        cached = _searchers.by_path.pop(str(self.index_path), None)
        if cached is not None:
            cached[1].close()

    # -- writing (the loops are ArchiveBackend's)

    def make_document(self, fields: dict) -> dict:
        return {key: self._from_python(value) for key, value in fields.items()}

    def live_writer(self) -> _Writer | None:
        ix = self.open_index()
        if ix is None:
            return None
        try:
            return _Writer(ix.writer(timeout=60))
        except whoosh_index.LockError as exc:
            raise IndexBusy(f"the search index at {self.path} is being written by another process") from exc

    def bulk_writer(self, directory: Path, procs: int) -> _Writer:
        """A writer into a new index in ``directory``. With ``procs`` > 1 Whoosh's multiprocessing
        writer analyses and writes the documents in that many worker processes while this one reads
        and prepares them from the database, and keeps one segment per worker (``multisegment``: no
        final merge; searching reads them all)."""
        ix = whoosh_index.create_in(str(directory), self.schema)
        if procs > 1:
            return _Writer(MortalMpWriter(ix, procs=procs, multisegment=True, limitmb=128, batchsize=BUILD_BATCH))
        return _Writer(ix.writer(limitmb=256))

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
        **kwargs,
    ):
        self._ready()
        if not query_string:
            return no_results()
        searcher = self.searcher()
        if searcher is None:
            return no_results(missing_index=True)
        query = self.parser.parse(str(query_string))
        if query is None or query is NullQuery:
            return no_results()
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
            extra = {k: v for k, v in stored.items() if k not in (DJANGO_CT, DJANGO_ID)}
            found.append(result(result_class, stored[DJANGO_CT], stored[DJANGO_ID], score, extra))
        return {"results": found, "hits": hits, "facets": facet_counts, "spelling_suggestion": None}

    def ids_in_time_order(self, searcher, sq, *, newest_first: bool, limit: int | None) -> list[int]:
        query = self.parser.parse(_query_string(sq))
        results = searcher.search(query, limit=limit, sortedby="chrono", reverse=newest_first)
        return [int(searcher.stored_fields(docnum)[DJANGO_ID]) for _key, docnum in results.top_n]

    def snippets(self, sq, texts: list[str], *, max_chars: int = 220) -> list[str]:
        """For each text, up to two fragments around the words ``sq`` searches the text for, as safe
        HTML (``snippet()``; "" when nothing matches)."""
        words = content_words(sq)
        return [snippet(text, words, maxchars=max_chars) for text in texts]

    def analyse(self, word: str) -> list[str]:
        return [t.text for t in TEXT_ANALYZER(word)]

    def indexed_stamps(self) -> dict[str, str]:
        """{django_id: stamp} for every live document (for the repair command)."""
        searcher = self.searcher()
        if searcher is None:
            return {}
        return {f[DJANGO_ID]: f.get("stamp", "") for f in searcher.reader().all_stored_fields()}


class _Writer:
    """A Whoosh writer as ``engine.ArchiveBackend`` drives it."""

    def __init__(self, writer) -> None:
        self.writer = writer

    def delete(self, field: str, value: str) -> None:
        self.writer.delete_by_term(field, value)

    def add(self, document: dict) -> None:
        self.writer.add_document(**document)

    def commit(self) -> None:
        self.writer.commit()

    def cancel(self) -> None:
        self.writer.cancel()


class ArchiveWhooshEngine(BaseEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveSearchQuery


def _spelling_words(searcher, fieldname: str, prefix: str) -> list[tuple[str, int]]:
    """(word, document frequency) of the unstemmed spelling words of ``fieldname`` starting with ``prefix``."""
    field = searcher.schema[fieldname].spelling_fieldname(fieldname)
    return [(word.decode(), info.doc_frequency()) for word, info in searcher.reader().iter_prefix(field, prefix)]


def _query_string(sq) -> str:
    """The engine query string haystack builds for an SQ tree."""
    from haystack.query import SearchQuerySet

    return SearchQuerySet().filter(sq).query.build_query()
