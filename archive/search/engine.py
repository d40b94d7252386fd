"""The search engine interface, and what every engine shares.

``SearchEngine`` is what the archive asks of an engine: ``service`` (a page of results, snippets,
suggestions), ``matching`` (every match, in time order), ``upkeep`` (rebuild, import hook, repair)
and the commands. Three engines answer it, the project's Whoosh engine (``backend.py``), tantivy
(``tantivy_backend.py``) and OpenSearch (``opensearch_backend.py``, a server); callers hold
whichever ``get_backend()`` returns and never ask which.

Where an index lives is a ``Location``: a folder for the engines that keep their index on disk
(the live path a symbolic link to the build swapped in last), an index name on a server for
OpenSearch (the live name an alias of the build swapped in last). Callers only hand a location
back to the engine that made it.

``ArchiveBackend`` holds the parts the engines share, mixed in before haystack's backend class:
build folders (``builds``), preparing a document, the write loop (deletes and additions in one
writer, cancelled on any error), the import hook and repair's writes, the facet aggregations (the
same request on tantivy and OpenSearch) and the passages of a snippet. An engine supplies its own
schema, searcher, writers, query translation and highlighting. Each engine module imports this one
(and ``builds``, ``spelling``, ``ranges``), never another engine.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.utils.html import escape
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import ID
from haystack.exceptions import SkipDocument
from haystack.fields import CharField, MultiValueField
from haystack.inputs import BaseInput

from . import builds
from .ranges import WholeDayRanges
from .spelling import Vocabulary

log = logging.getLogger(__name__)

# A pseudo-facet: delegations of the matches, the chair's procedural turns left out ("who says this
# most"), counted in the same pass as the other facets instead of by a second search.
SUBSTANTIVE_DELEGATIONS = "delegation_substantive"
FACET_SIZE = 10_000  # every value: delegations, years, roles, languages, resolutions cited

# Where an index lives: a folder (Whoosh, tantivy) or an index name on a server (OpenSearch).
Location = Path | str

# A word of the text for suggestions: a run of letters and digits (what tantivy's simple tokenizer
# takes for one word; Whoosh's ``\w+`` also takes "_"), lower-cased, one-character words left out.
RAW_WORD = re.compile(r"[^\W_]+")


def spelling_words(text: str) -> list[str]:
    """The distinct words of ``text`` offered as suggestions, unstemmed, in first-seen order."""
    return list(dict.fromkeys(w for w in (m.lower() for m in RAW_WORD.findall(text)) if len(w) > 1))


class ExactField(CharField):
    """An un-analysed value (a key, a role, a year): filtered with ``=`` and faceted as it is."""

    field_type = "exact"


class ExactMultiField(MultiValueField):
    """Several un-analysed values (the resolutions a statement cites)."""

    field_type = "exact"


def field_kind(field) -> str:
    """What a field of the statement index is to every engine's schema: "text" (the document:
    analysed, its unstemmed words kept for suggestions), "stored" (kept, never searched), "exact" and
    "exact_many" (one or several un-analysed values, with a column for filters, facets and sorting),
    "date" and "integer" (with a column: ranges, sorting), "names" (analysed like the text)."""
    if field.document:
        return "text"
    if not field.indexed:
        return "stored"
    if field.field_type == "exact":
        return "exact_many" if field.is_multivalued else "exact"
    if field.field_type in ("date", "datetime"):
        return "date"
    if field.field_type == "integer":
        return "integer"
    return "names"


class IndexBusy(RuntimeError):
    """Another process holds the index's writer lock (past the time an engine waits for it)."""


class EngineUnavailable(IndexBusy):
    """The engine's server cannot be reached or refused a request. Like a busy index, an import
    leaves the documents to ``repair_search_index``; a search, /readyz and the commands report it."""


@runtime_checkable
class SearchEngine(Protocol):
    """What callers use. ``sq`` is the ``SQ`` tree ``query.to_sq()`` builds; ``search_index`` the
    haystack ``SearchIndex`` of statements (``upkeep.statement_index()``)."""

    @property
    def index_path(self) -> Location:
        """The live index: a symbolic link to the build folder swapped in last, or the alias of the
        build index swapped in last on a server."""

    def has_index(self) -> bool:
        """Whether an index has been built (none: searches say so, imports skip indexing); a server
        that cannot be reached raises ``EngineUnavailable``."""

    def doc_count(self) -> int: ...

    def live_build(self) -> Location | None:
        """The build the live index is now: the folder its link points to, or the index its alias
        names (None when none is built)."""

    # -- searching

    def search(self, query_string, **kwargs) -> dict:
        """Haystack's: one page of results (``sort_by``, offsets), hits, field facets
        (``SUBSTANTIVE_DELEGATIONS`` among them); ``{"missing_index": True}`` when none is built."""

    def matching_ids(self, sq, *, newest_first: bool = True, limit: int | None = None) -> list[int] | None:
        """Database ids of every statement ``sq`` matches, in ``chrono`` order (None: no index)."""

    def snippets(self, sq, texts: list[str], *, max_chars: int = 220) -> list[str]:
        """For each text, its passages matching ``sq`` as safe HTML (every piece escaped, matched
        words in ``<mark>``; "" when nothing matches)."""

    def unknown_word(self, word: str) -> bool:
        """Whether ``word``, analysed as the engine indexes the text, matches no statement."""

    def vocabulary(self) -> Vocabulary | None:
        """The indexed words, unstemmed, for suggestions (None: no index)."""

    # -- keeping the index

    def index_meetings(self, search_index, meeting_ids: list[int]) -> int:
        """Replace the documents of these meetings by their statements now; 0 when no index is
        built or the index is busy (logged: repair catches up)."""

    def update(self, index, iterable, commit=True) -> None:
        """Add or replace the documents of these objects in the live index."""

    def remove_ids(self, identifiers: Iterable[str]) -> None:
        """Remove documents by haystack identifier (``archive.statement.<pk>``)."""

    def indexed_stamps(self) -> dict[str, str]:
        """{django_id: stamp} of every live document (repair compares them with the database)."""

    def new_build_dir(self) -> Location:
        """A new empty build beside the live index, held by this process: a folder
        (``builds.new_build_dir``) or an index on the server."""

    def build_index(self, search_index, objects: Iterable, build: Location, progress=None, procs: int = 1) -> int:
        """Write every object into the fresh index ``build``; returns the documents written."""

    def swap_in(self, build: Location) -> Location | None:
        """Make ``build`` the live index in one step; returns the build it replaced."""

    def discard(self, build: Location | None) -> None: ...

    def clean_leftovers(self) -> list[Location]:
        """Remove what killed rebuilds left beside the live index; returns the builds removed."""

    def forget_searcher(self) -> None:
        """Drop this process's searcher (the next search opens the live index afresh)."""

    def clear(self, models=None, commit=True) -> None:
        """Make the live index an empty one."""


class IndexWriter(Protocol):
    """One engine writer, as ``ArchiveBackend`` drives it."""

    def delete(self, field: str, value: str) -> None: ...

    def add(self, document) -> None: ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


def prepared_fields(search_index, obj) -> dict | None:
    """The values the index holds for one object, empty ones left out (None when the index skips it)."""
    try:
        prepared = search_index.full_prepare(obj)
    except SkipDocument:
        return None
    return {k: v for k, v in prepared.items() if k != "boost" and v is not None and v != "" and v != []}


def most_frequent_first(counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Facet rows, most frequent first, then by value."""
    return sorted(counts, key=lambda kv: (-kv[1], kv[0]))


def facet_aggregations(names: Iterable[str]) -> dict:
    """The facet counts of ``names`` as one request of terms aggregations (tantivy and OpenSearch
    take the same): "who says this most" is each delegation's count with its procedural turns
    counted apart, to be taken off (``facet_rows``)."""
    aggs = {}
    for name in names:
        if name == SUBSTANTIVE_DELEGATIONS:
            aggs[name] = {
                "terms": {"field": "delegation_exact", "size": FACET_SIZE},
                "aggs": {"procedural": {"terms": {"field": "procedural", "size": 2}}},
            }
        else:
            aggs[name] = {"terms": {"field": name, "size": FACET_SIZE}}
    return aggs


def facet_rows(answer: dict, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """The answer to ``facet_aggregations``: (value, count) rows per name, most frequent first."""
    out = {}
    for name in names:
        rows = []
        for bucket in answer.get(name, {}).get("buckets", []):
            count = bucket["doc_count"]
            if name == SUBSTANTIVE_DELEGATIONS:
                count -= sum(b["doc_count"] for b in bucket["procedural"]["buckets"] if str(b["key"]) == "1")
            if count:
                rows.append((str(bucket["key"]), count))
        out[name] = most_frequent_first(rows)
    return out


def content_words(sq) -> list[str]:
    """The words an SQ tree searches the text for, negated parts left out (what is highlighted)."""
    if sq.negated:
        return []
    words = []
    for child in sq.children:
        if isinstance(child, tuple):
            expression, value = child
            if sq.split_expression(expression)[0] == "content":
                words += str(value.query_string if isinstance(value, BaseInput) else value).split()
        else:
            words += content_words(child)
    return words


def marked_passages(
    text: str, matches: list[tuple[int, int, str]], *, top: int = 2, maxchars: int = 220, surround: int = 60
) -> str:
    """Up to ``top`` passages of ``text`` around ``matches`` ((start, end, term) in text order), as
    safe HTML ("" when there are none). Matches less than ``maxchars`` apart share a passage;
    passages are ranked as Whoosh's highlighter ranks them (matches times the number of different
    terms matched) and shown in text order, each with up to ``surround`` characters around, every
    piece HTML-escaped and only ``<mark>`` as markup."""
    if not matches:
        return ""
    groups: list[list[tuple[int, int, str]]] = [[matches[0]]]
    for match in matches[1:]:
        if match[1] - groups[-1][0][0] <= maxchars:
            groups[-1].append(match)
        else:
            groups.append([match])
    ranked = sorted(range(len(groups)), key=lambda i: (-len(groups[i]) * len({g[2] for g in groups[i]}), i))
    return " … ".join(_passage(text, groups[i], surround) for i in sorted(ranked[:top]))


def _passage(text: str, group: list[tuple[int, int, str]], surround: int) -> str:
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


def no_results(**extra) -> dict:
    """What ``search()`` answers when nothing is searched (or, with ``missing_index``, nothing built)."""
    return {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None, **extra}


def result(result_class, django_ct: str, django_id: str, score: float, extra: dict):
    """A haystack result from an engine's stored identifiers."""
    app_label, model_name = django_ct.split(".")
    return result_class(app_label, model_name, django_id, score, **extra)


def write_all(
    writer: IndexWriter,
    documents: Iterable,
    *,
    delete_terms: Iterable[tuple[str, str]] = (),
    progress: Callable[[int], None] | None = None,
) -> int:
    """Deletions, then documents (None: skipped, still counted by ``progress``), committed once;
    the writer cancelled on any error. Returns the documents added."""
    count = 0
    try:
        for field, value in delete_terms:
            writer.delete(field, value)
        for document in documents:
            if document is not None:
                writer.add(document)
                count += 1
            if progress is not None:
                progress(1)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


class ArchiveBackend:
    """The parts of ``SearchEngine`` every engine implements alike. An engine adds: ``setup()``
    (``schema``, ``content_field_name``), ``has_index()``, ``searcher()`` (None when no index is
    built; else an object with ``doc_count()``, ``doc_frequency(field, term)`` and ``vocabulary``,
    kept until the index changes) and ``forget_searcher()``, ``analyse(word)`` (the terms the text
    analyzer makes of it), ``make_document(fields)``, ``live_writer()`` (an ``IndexWriter``; None when
    no index is built, ``IndexBusy`` when locked), ``bulk_writer(directory, procs)``,
    ``ids_in_time_order(searcher, sq, newest_first, limit)``, and the reading methods of the interface
    (``search``, ``snippets``, ``indexed_stamps``)."""

    path: str
    setup_complete: bool
    content_field_name: str

    # Queries are written in haystack's Whoosh syntax by ``ArchiveSearchQuery`` (the Whoosh engine
    # runs it; tantivy takes the SQ tree and keeps the text for logs): values formatted alike.
    _from_python = WhooshSearchBackend._from_python
    RESERVED_WORDS = WhooshSearchBackend.RESERVED_WORDS
    RESERVED_CHARACTERS = WhooshSearchBackend.RESERVED_CHARACTERS

    def _ready(self) -> None:
        if not self.setup_complete:
            self.setup()

    @property
    def index_path(self) -> Path:
        return Path(self.path)

    def doc_count(self) -> int:
        searcher = self.searcher()
        return 0 if searcher is None else searcher.doc_count()

    def live_build(self) -> Location | None:
        live = self.index_path
        if live.is_symlink():
            return Path(os.path.realpath(live))
        return live if live.exists() else None

    def unknown_word(self, word: str) -> bool:
        """Whether ``word``, analysed as this engine indexes the text, matches no statement (a stop
        word is not unknown: it is never searched for)."""
        searcher = self.searcher()
        if searcher is None:
            return False
        terms = self.analyse(word)
        return bool(terms) and searcher.doc_frequency(self.content_field_name, terms[0]) == 0

    def vocabulary(self) -> Vocabulary | None:
        """The words of the indexed text, unstemmed, for suggestions (None when no index is built)."""
        searcher = self.searcher()
        return None if searcher is None else searcher.vocabulary

    def matching_ids(self, sq, *, newest_first: bool = True, limit: int | None = None) -> list[int] | None:
        """Database ids of every statement ``sq`` (a compiled SQ tree) matches, in time order (the
        ``chrono`` field), newest first by default; ``limit``: only that many. None when no index
        has been built. For feeds, exports and alerts, which need the whole set, not a page."""
        self._ready()
        searcher = self.searcher()
        if searcher is None:
            return None
        return self.ids_in_time_order(searcher, sq, newest_first=newest_first, limit=limit)

    # -- documents and writing

    def document(self, search_index, obj):
        """The engine's document for one object (None when the index skips it)."""
        fields = prepared_fields(search_index, obj)
        return None if fields is None else self.make_document(fields)

    def write(self, *, delete_terms: Iterable[tuple[str, str]] = (), documents: Iterable = ()) -> int:
        """Delete documents by term and add documents in the live index, in one writer. Returns the
        number added (0 when no index has been built)."""
        writer = self.live_writer()
        if writer is None:
            log.info("No search index at %s yet: nothing updated (run rebuild_search_index)", self.path)
            return 0
        return write_all(writer, documents, delete_terms=delete_terms)

    def update(self, index, iterable, commit=True) -> None:
        """Add or replace documents in the live index (small batches: an import, a repair)."""
        from haystack.utils import get_identifier

        objects = list(iterable)
        self.write(
            delete_terms=[(ID, get_identifier(obj)) for obj in objects],
            documents=(self.document(index, obj) for obj in objects),
        )

    def index_meetings(self, search_index, meeting_ids: list[int]) -> int:
        """Re-index every statement of these meetings (the import hook; see upkeep.index_meetings):
        their documents deleted by meeting and written again, in one writer."""
        from archive.models import Meeting

        slugs = list(Meeting.objects.filter(pk__in=meeting_ids).values_list("slug", flat=True))
        statements = search_index.index_queryset().filter(meeting_id__in=meeting_ids).iterator(chunk_size=500)
        try:
            if not self.has_index():
                return 0
            return self.write(
                delete_terms=[("meeting_exact", slug) for slug in slugs],
                documents=(self.document(search_index, s) for s in statements),
            )
        except IndexBusy as exc:  # EngineUnavailable too
            log.warning(
                "Search index busy (%s): %d meetings not re-indexed (run repair_search_index)", exc, len(meeting_ids)
            )
            return 0

    def remove_ids(self, identifiers: Iterable[str]) -> None:
        self.write(delete_terms=[(ID, identifier) for identifier in identifiers])

    def remove(self, obj_or_string, commit=True):
        from haystack.utils import get_identifier

        self.remove_ids([get_identifier(obj_or_string)])

    # -- whole indexes

    def build_index(self, search_index, objects: Iterable, build: Location, progress=None, procs: int = 1) -> int:
        """Write every object into the fresh index ``build`` with one bulk writer (``procs``:
        worker processes, for an engine that analyses in Python)."""
        self._ready()
        documents = (self.document(search_index, obj) for obj in objects)
        return write_all(self.bulk_writer(build, procs), documents, progress=progress)

    def clear(self, models=None, commit=True) -> None:
        if models:
            raise NotImplementedError("the archive's engines clear the whole index only")
        self._ready()
        new = self.new_build_dir()
        write_all(self.bulk_writer(new, 1), ())
        self.discard(self.swap_in(new))
        self.forget_searcher()

    def new_build_dir(self) -> Path:
        return builds.new_build_dir(self.index_path)

    def swap_in(self, build: Location) -> Location | None:
        """Make ``build`` the live index in one step; returns the directory it replaced."""
        return builds.swap_in(self.index_path, Path(build))

    def discard(self, build: Location | None) -> None:
        builds.discard(None if build is None else Path(build))

    def clean_leftovers(self) -> list[Location]:
        """Remove the build folders of rebuilds that died (see archive/search/builds.py)."""
        return builds.clean_leftovers(self.index_path)


class SQTranslator:
    """An ``SQ`` tree as an engine's own query, node by node (tantivy, OpenSearch): what a reader
    typed never reaches an engine's query parser. The engine supplies the pieces: ``all_of(wanted,
    unwanted)`` (every query of ``wanted``, none of ``unwanted``; ``wanted`` may be empty),
    ``any_of(queries)``, ``all_but(query)``, ``match(name, kind, value, exact)`` (None when
    nothing searchable is left, e.g. stop words only) and ``value_range(name, kind, filter_type,
    value)``; ``engine_name`` for messages."""

    engine_name: str
    connection_alias: str
    content_field_name: str
    fields: dict

    def searched(self, query_string, query_tree, everything, **unsupported):
        """What ``search()`` runs: the SQ tree translated, ``everything`` for haystack's match-all
        (``SearchQuerySet().all()``), None for nothing; query strings and haystack's other search
        options (narrowing, date and query facets, spatial, its highlighting) refused."""
        if any(unsupported.values()):
            raise NotImplementedError(
                f"the {self.engine_name} engine takes SQ filters, field facets and project highlighting only"
            )
        if query_tree is not None and query_tree.children:
            return self.translate(query_tree)
        if str(query_string).strip() in ("*", "*:*"):
            return everything
        if not query_string:
            return None
        raise ValueError(f"the {self.engine_name} engine searches SQ trees (SearchQuerySet.filter), not query strings")

    def translate(self, node):
        """The query of an SQ tree (None when nothing searchable is left: stop words only)."""
        query = self._combine(node)
        return self.all_but(query) if query is not None and node.negated else query

    def _combine(self, node):
        """The node's query, its own negation left to the caller."""
        parts: list[tuple[bool, object]] = []  # (negated, query)
        for child in node.children:
            if hasattr(child, "children"):
                query, negated = self._combine(child), child.negated
            else:
                expression, value = child
                field, filter_type = node.split_expression(expression)
                query, negated = self.leaf(field, filter_type, value), False
            if query is not None:
                parts.append((negated, query))
        if not parts:
            return None
        if len(parts) == 1 and not parts[0][0]:
            return parts[0][1]
        if node.connector == "OR":
            return self.any_of([self.all_but(q) if neg else q for neg, q in parts])
        return self.all_of([q for neg, q in parts if not neg], [q for neg, q in parts if neg])

    def leaf(self, field: str, filter_type: str, value):
        """One ``field__filter_type=value`` of the tree."""
        from haystack import connections
        from haystack.inputs import Clean, Exact

        name = (
            self.content_field_name
            if field == "content"
            else connections[self.connection_alias].get_unified_index().get_index_fieldname(field)
        )
        kind = getattr(self.fields.get(name), "field_type", "")
        if isinstance(value, BaseInput) and not isinstance(value, Exact | Clean):
            raise ValueError(f"the {self.engine_name} engine does not take {type(value).__name__} input")
        exact = isinstance(value, Exact)
        raw = value.query_string if isinstance(value, BaseInput) else value
        if filter_type in ("gt", "gte", "lt", "lte", "range"):
            return self.value_range(name, kind, filter_type, raw)
        if filter_type == "in":
            queries = [q for q in (self.match(name, kind, v, exact) for v in raw) if q is not None]
            return self.any_of(queries) if queries else None
        if filter_type in ("content", "contains", "exact"):
            return self.match(name, kind, raw, exact or filter_type == "exact")
        raise NotImplementedError(f"the {self.engine_name} engine has no “__{filter_type}” filter")


class ArchiveSearchQuery(WholeDayRanges, WhooshSearchQuery):
    """The query class of every engine: haystack's Whoosh query text (the Whoosh engine parses it;
    tantivy and OpenSearch keep it for logs and ``tests/test_search_query.py``), with the ``SQ`` tree
    itself handed to the backend too (tantivy and OpenSearch translate it; Whoosh ignores it) and
    whole-day date ranges."""

    def build_params(self, spelling_query=None):
        params = super().build_params(spelling_query=spelling_query)
        params["query_tree"] = self.query_filter
        return params

    def run_mlt(self, **kwargs):
        kwargs.setdefault("start_offset", self.start_offset)
        if self.end_offset is not None:
            kwargs.setdefault("end_offset", self.end_offset)
        super().run_mlt(query_tree=self.query_filter, **kwargs)


def get_backend() -> SearchEngine:
    """The engine in use (``settings.SEARCH_ENGINE``), set up."""
    from haystack import connections

    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    return backend
