"""A haystack engine over an OpenSearch server (through ``opensearch-py``): one of the engines
answering ``engine.SearchEngine``; what they share lives in ``engine.py``.

Selected with ``SEARCH_ENGINE=opensearch`` (archive/settings.py, ``OPENSEARCH_*`` from the
environment); Whoosh stays the default. Views, templates, the query language and the tests do not
know which engine runs (tests/conftest.py runs every ``search_index`` test on each engine).

* **No query strings.** The ``SQ`` tree that ``query.to_sq()`` builds is translated node by node
  into the query DSL (``term``, ``match_phrase``, ``range``, ``bool``), as the tantivy engine does;
  what a reader typed never reaches ``query_string`` or ``simple_query_string``.
* **The same words as Whoosh**: a char filter turns every run of characters that are neither
  letters nor digits into a space, so the standard tokenizer sees Whoosh's words (runs of letters and
  digits); lower-cased, Whoosh's English stop words and one-character words dropped, Porter-stemmed
  (Lucene's ``porter_stem``; Whoosh's own Porter differs on about 1% of words: "committ" for
  "commit"). Query words are analysed by the index's own analyzer through the ``_analyze`` API.
* **Exact fields are ``keyword``**; facets and "who says this most" are terms aggregations, the
  request the tantivy engine sends too (``engine.facet_aggregations``).
* **Dates are whole days**: documents hold midnight of their day; ``__lte``/``__gte``/``__range``
  include the day named, ``__lt``/``__gt`` exclude it (``ranges.WholeDayRanges``).
* **Upkeep**: the live index is an alias. A rebuild writes a new index (``<alias>-<time>-<n>``, its
  builder's host and process in the mapping's ``_meta``), then one ``_aliases`` request moves the
  alias onto it: a reader sees the old index or the new one, never an empty or half-built one. The
  old index is deleted after; a build whose process died is deleted by the next rebuild
  (``clean_leftovers``). Small writes (an import, a repair) are sent when the writer commits, then
  the index is refreshed.
* **Highlighting** of the page shown, from the database text as the other engines do: the index's
  analyzer (``_analyze``, with offsets) finds the words that match, ``engine.marked_passages`` cuts
  and escapes the passages.
* **Suggestions** read the unstemmed words of each document from a ``keyword`` field
  (``spelling_words``, ``engine.spelling_words``) with a ``composite`` aggregation, one first letter
  at a time.

docs/search.md says what was checked against osmem-server and what a real cluster must be checked for.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import opensearchpy
from haystack.backends import BaseEngine, BaseSearchBackend, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from whoosh.analysis import STOP_WORDS

from . import builds
from .engine import (
    ArchiveBackend,
    ArchiveSearchQuery,
    EngineUnavailable,
    Location,
    SQTranslator,
    content_words,
    facet_aggregations,
    facet_rows,
    field_kind,
    marked_passages,
    no_results,
    result,
    spelling_words,
)
from .spelling import Vocabulary

log = logging.getLogger(__name__)

TEXT_ANALYZER = "archive_text"
SPELLING_FIELD = "spelling_words"  # the text's words unstemmed, for suggestions
PAGE = 5000  # documents per request when every match is read (search_after)
MAX_WINDOW = 10_000  # the index's max_result_window: a page of results ends before it
BULK_CHUNK = 200  # documents per _bulk request
WRITE_TIMEOUT_FACTOR = 12  # writes (bulk, delete by query, refresh) may take this many OPENSEARCH_TIMEOUTs
MATCH_ALL = {"match_all": {}}
GENERATION = "archive_generation"  # in the live index's mapping _meta: changed by every live write

# The index settings and mapping's analysis: the text analysed as the Whoosh engine analyses it.
ANALYSIS = {
    "char_filter": {
        "archive_word_breaks": {"type": "pattern_replace", "pattern": "[^\\p{L}\\p{N}]+", "replacement": " "}
    },
    "filter": {
        "archive_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
        "archive_min_length": {"type": "length", "min": 2},
    },
    "analyzer": {
        TEXT_ANALYZER: {
            "type": "custom",
            "char_filter": ["archive_word_breaks"],
            "tokenizer": "standard",
            "filter": ["lowercase", "archive_stop", "archive_min_length", "porter_stem"],
        }
    },
}


@dataclass(frozen=True)
class Connection:
    """How to reach the server, from ``OPENSEARCH_URL`` and the other settings."""

    host: str
    port: int
    use_ssl: bool
    http_auth: tuple[str, str] | None
    verify_certs: bool
    ca_certs: str | None
    timeout: float

    def client(self) -> opensearchpy.OpenSearch:
        return opensearchpy.OpenSearch(
            hosts=[{"host": self.host, "port": self.port}],
            http_auth=self.http_auth,
            use_ssl=self.use_ssl,
            verify_certs=self.verify_certs,
            ca_certs=self.ca_certs,
            ssl_show_warn=self.verify_certs,
            timeout=self.timeout,
        )

    @property
    def url(self) -> str:
        """The address without its password (for messages and logs)."""
        user = f"{self.http_auth[0]}@" if self.http_auth else ""
        return f"{'https' if self.use_ssl else 'http'}://{user}{self.host}:{self.port}"


def connection(url: str, *, timeout: float = 10, verify_certs: bool = True, ca_certs: str | None = None) -> Connection:
    """``http[s]://[user:password@]host[:port]``: https for TLS (certificates verified unless told
    not to, against ``ca_certs`` when given), user and password for basic authentication."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"OPENSEARCH_URL must be http[s]://[user:password@]host[:port], not {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"OPENSEARCH_URL takes no path, query or fragment: {url!r}")
    auth = None
    if parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    tls = parts.scheme == "https"
    return Connection(
        host=parts.hostname,
        port=parts.port or 9200,
        use_ssl=tls,
        http_auth=auth,
        verify_certs=tls and verify_certs,
        ca_certs=ca_certs if tls else None,
        timeout=timeout,
    )


def _unavailable(where: str, exc: Exception) -> EngineUnavailable:
    return EngineUnavailable(f"OpenSearch at {where}: {type(exc).__name__}: {exc}")


class Searcher:
    """One state of the live index (the index the alias names, at one write generation), with its
    words for suggestions."""

    def __init__(self, backend: OpenSearchSearchBackend, index: str, generation: str):
        self.backend = backend
        self.index = index
        self.generation = generation
        self.vocabulary = Vocabulary(functools.partial(backend.words_with_prefix, index))

    def doc_count(self) -> int:
        return self.backend.call("count", index=self.index)["count"]

    def doc_frequency(self, field: str, term: str) -> int:
        return self.backend.call("count", index=self.index, body={"query": {"term": {field: term}}})["count"]


_lock = threading.Lock()
_searchers: dict[tuple[str, str], Searcher] = {}  # (server, alias) -> searcher over the index it names


class OpenSearchSearchBackend(SQTranslator, ArchiveBackend, BaseSearchBackend):
    """See the module docstring."""

    engine_name = "OpenSearch"

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.alias = connection_options.get("INDEX")
        if not self.alias:
            raise ValueError(f"HAYSTACK_CONNECTIONS['{connection_alias}'] needs an INDEX name for OpenSearch")
        self.path = self.alias  # what ArchiveBackend's messages name
        self.connection = connection(
            connection_options.get("URL", "http://127.0.0.1:9200"),
            timeout=float(connection_options.get("TIMEOUT", 10)),
            verify_certs=bool(connection_options.get("VERIFY_CERTS", True)),
            ca_certs=connection_options.get("CA_CERTS") or None,
        )
        # a write (a bulk request, a delete by query, a refresh) may take longer than a search
        self.write_timeout = max(60.0, WRITE_TIMEOUT_FACTOR * self.connection.timeout)
        self.shards = int(connection_options.get("SHARDS", 1))
        self.replicas = int(connection_options.get("REPLICAS", 0))
        self.client = self.connection.client()
        self.setup_complete = False
        self.content_field_name = "text"
        self.fields: dict[str, object] = {}

    def setup(self) -> None:
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.fields = {f.index_fieldname: f for f in fields.values()}
        self.content_field_name, self.mapping = self.build_schema(fields)
        self.setup_complete = True

    def build_schema(self, fields):
        properties: dict[str, dict] = {name: {"type": "keyword"} for name in (ID, DJANGO_CT, DJANGO_ID)}
        content = ""
        for field in fields.values():
            name, kind = field.index_fieldname, field_kind(field)
            if kind == "text":
                content = name
                properties[name] = {"type": "text", "analyzer": TEXT_ANALYZER}
                properties[SPELLING_FIELD] = {"type": "keyword"}
            elif kind == "stored":
                properties[name] = {"type": "keyword", "index": False, "doc_values": False}
            elif kind in ("exact", "exact_many"):
                properties[name] = {"type": "keyword"}
            elif kind == "date":
                properties[name] = {"type": "date", "format": "strict_date_optional_time"}
            elif kind == "integer":  # see integer_key
                properties[name] = {"type": "keyword"}
            else:  # names: analysed like the text
                properties[name] = {"type": "text", "analyzer": TEXT_ANALYZER}
        mapping = {
            "dynamic": "strict",
            # the text and its words are searched, never read back: the database has them
            "_source": {"excludes": [content, SPELLING_FIELD]},
            "properties": properties,
        }
        return content, mapping

    @property
    def index_path(self) -> str:
        return self.alias

    def call(self, method: str, **kwargs):
        """``client.<method>(**kwargs)`` (``indices.x`` for index methods); a server that cannot be
        reached, or answers with an error, raises ``EngineUnavailable`` naming it and the request."""
        target = self.client
        for part in method.split("."):
            target = getattr(target, part)
        try:
            return target(**kwargs)
        except opensearchpy.NotFoundError:
            raise
        except (opensearchpy.TransportError, opensearchpy.ImproperlyConfigured) as exc:
            raise _unavailable(f"{self.connection.url} ({method} {kwargs.get('index', '')})", exc) from exc

    # -- the live index on the server

    def live_state(self) -> tuple[str, str] | None:
        """(the index the alias names, its write generation), in one request (None when no index
        has been built). A live write stamps a new generation in the index's mapping ``_meta``, so
        every process sees that its searcher (and its words for suggestions) is out of date."""
        try:
            found = self.call("indices.get_mapping", index=self.alias)
        except opensearchpy.NotFoundError:
            return None
        names = sorted(found)
        if len(names) != 1:
            raise EngineUnavailable(f"the alias {self.alias} names {len(names)} indexes: {', '.join(names)}")
        meta = found[names[0]].get("mappings", {}).get("_meta") or {}
        return names[0], str(meta.get(GENERATION, ""))

    def live_index(self) -> str | None:
        """The index the alias names (None when no index has been built)."""
        state = self.live_state()
        return None if state is None else state[0]

    def has_index(self) -> bool:
        return self.live_index() is not None

    def live_build(self) -> str | None:
        return self.live_index()

    def build_exists(self, build: str) -> bool:
        """Whether the index ``build`` is on the server (live or not)."""
        return bool(self.call("indices.exists", index=build))

    def searcher(self) -> Searcher | None:
        """The searcher over the index the alias names now, replaced when the alias moves or the
        index is written."""
        state = self.live_state()
        if state is None:
            return None
        key = (self.connection.url, self.alias)
        cached = _searchers.get(key)
        if cached is not None and (cached.index, cached.generation) == state:
            return cached
        with _lock:
            searcher = _searchers[key] = Searcher(self, *state)
            return searcher

    def forget_searcher(self) -> None:
        with _lock:
            _searchers.pop((self.connection.url, self.alias), None)
        self._analysed.cache_clear()

    # -- documents

    def make_document(self, fields: dict) -> dict:
        body = {}
        for key, value in fields.items():
            kind = getattr(self.fields.get(key), "field_type", "")
            if kind in ("date", "datetime"):
                body[key] = _as_datetime(value).isoformat()
            elif kind == "integer":
                body[key] = integer_key(value)
            elif isinstance(value, list | tuple):
                body[key] = [str(v) for v in value]
            else:
                body[key] = str(value)
        if self.content_field_name in body:
            body[SPELLING_FIELD] = spelling_words(body[self.content_field_name])
        return body

    # -- builds: indexes beside the alias (the loops are ArchiveBackend's)

    def index_settings(self) -> dict:
        return {
            "settings": {
                "number_of_shards": self.shards,
                "number_of_replicas": self.replicas,
                "max_result_window": MAX_WINDOW,
                "analysis": ANALYSIS,
            },
            "mappings": self.mapping,
        }

    def new_build_dir(self) -> str:
        """A new empty index beside the alias, marked with this host and process (the mark tells
        ``clean_leftovers`` whether its builder still lives)."""
        self._ready()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        body = self.index_settings()
        body["mappings"] = dict(
            body["mappings"], _meta={"archive_build": {"host": socket.gethostname(), "pid": os.getpid()}}
        )
        for n in range(1000):
            name = f"{self.alias}-{stamp}-{n}"
            try:
                self.call("indices.create", index=name, body=body)
            except EngineUnavailable as exc:
                if "resource_already_exists" in str(exc):
                    continue
                raise
            _held.add(name)
            return name
        raise EngineUnavailable(f"cannot make a build index beside {self.alias}")

    def bulk_writer(self, build: Location, procs: int) -> _Writer:
        """A writer into the new index ``build`` (the server analyses: ``procs`` is not needed)."""
        return _Writer(self, str(build), buffered=False)

    def live_writer(self) -> _Writer | None:
        index = self.live_index()
        return None if index is None else _Writer(self, index, buffered=True)

    def swap_in(self, build: Location) -> str | None:
        """Move the alias onto ``build`` in one ``_aliases`` request; returns the index it named."""
        build = str(build)
        old = self.live_index()
        actions = [{"add": {"index": build, "alias": self.alias}}]
        if old is not None:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        self.call("indices.refresh", index=build, request_timeout=self.write_timeout)
        self.call("indices.update_aliases", body={"actions": actions})
        _held.discard(build)
        return old

    def discard(self, build: Location | None) -> None:
        if build is None:
            return
        _held.discard(str(build))
        try:
            self.call("indices.delete", index=str(build))
        except opensearchpy.NotFoundError:
            pass

    def clean_leftovers(self) -> list[Location]:
        """Delete the build indexes beside the alias that no living process is writing: a killed
        rebuild's partial index, or the index a killed swap left behind. An index built on
        another host is left alone (its builder cannot be checked from here)."""
        self._ready()
        live = self.live_index()
        found = self.call("indices.get", index=f"{self.alias}-*", allow_no_indices=True, ignore_unavailable=True)
        removed: list[Location] = []
        for name, info in sorted(found.items()):
            if name == live or name in _held or self.alias in info.get("aliases", {}):
                continue
            builder = (info.get("mappings", {}).get("_meta") or {}).get("archive_build") or {}
            if builder.get("host") == socket.gethostname() and builds.alive(int(builder.get("pid", 0))):
                continue
            if builder.get("host") not in (None, socket.gethostname()):
                continue
            self.discard(name)
            removed.append(name)
        return removed

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
        searcher = self.searcher()  # first: the query words are analysed by the live index
        if searcher is None:
            return no_results(missing_index=True)
        query = self.searched(
            query_string,
            query_tree,
            MATCH_ALL,
            narrow_queries=narrow_queries,
            date_facets=date_facets,
            query_facets=query_facets,
            within=within,
            dwithin=dwithin,
            highlight=highlight,
        )
        if query is None:
            return no_results()
        if models:
            from haystack.utils import get_model_ct

            query = {"bool": {"must": [query], "filter": [{"terms": {DJANGO_CT: [get_model_ct(m) for m in models]}}]}}
        body: dict = {"query": query, "track_total_hits": True}
        if sort_by:
            if len(sort_by) > 1:
                raise NotImplementedError("the OpenSearch engine sorts on one field")
            name = sort_by[0].lstrip("-")
            body["sort"] = [{name: {"order": "desc" if sort_by[0].startswith("-") else "asc"}}]
        if facets:
            body["aggs"] = facet_aggregations(list(facets))
        # A page is read with from/size, which the server limits to its result window: past it a
        # search answers the hits and facets only (matching_ids reads every match, in pages).
        end_offset = min(searcher.doc_count() if end_offset is None else end_offset, MAX_WINDOW)
        if start_offset >= end_offset:
            start_offset = end_offset = 0
        body["from"], body["size"] = start_offset, end_offset - start_offset
        answer = self.call("search", index=searcher.index, body=body)
        result_class = result_class or SearchResult
        results = []
        for hit in answer["hits"]["hits"]:
            stored = hit.get("_source", {})
            extra = {k: self._read_back(k, v) for k, v in stored.items() if k not in (ID, DJANGO_CT, DJANGO_ID)}
            score = 0 if sort_by else hit.get("_score") or 0
            results.append(result(result_class, stored[DJANGO_CT], stored[DJANGO_ID], score, extra))
        facet_counts = {}
        if facets:
            facet_counts = {
                "fields": facet_rows(answer.get("aggregations", {}), list(facets)),
                "dates": {},
                "queries": {},
            }
        return {
            "results": results,
            "hits": answer["hits"]["total"]["value"],
            "facets": facet_counts,
            "spelling_suggestion": None,
        }

    def _read_back(self, name: str, value):
        return int(value) if getattr(self.fields.get(name), "field_type", "") == "integer" else value

    def scan(self, index: str, query: dict, sort: list, fields: list[str], limit: int | None = None):
        """The ``_source`` ``fields`` of every document ``query`` matches, in ``sort`` order (which
        must end with a unique key), read a page at a time with ``search_after``."""
        after = None
        seen = 0
        while limit is None or seen < limit:
            size = PAGE if limit is None else min(PAGE, limit - seen)
            body = {"query": query, "sort": sort, "size": size, "_source": fields, "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = self.call("search", index=index, body=body)["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            seen += len(hits)
            if len(hits) < size:
                return
            after = hits[-1]["sort"]

    def ids_in_time_order(self, searcher: Searcher, sq, *, newest_first: bool, limit: int | None) -> list[int]:
        query = self.translate(sq)
        if query is None or (limit is not None and limit <= 0):
            return []
        order = "desc" if newest_first else "asc"
        sort = [{"chrono": {"order": order}}, {DJANGO_ID: {"order": order}}]
        return [int(doc[DJANGO_ID]) for doc in self.scan(searcher.index, query, sort, [DJANGO_ID], limit)]

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
        like = {
            "more_like_this": {
                "fields": [self.content_field_name],
                "like": text,
                "min_term_freq": 1,
                "min_doc_freq": 1,
            }
        }
        query: dict = {"bool": {"must": [like], "must_not": [{"term": {ID: get_identifier(model_instance)}}]}}
        narrowed = self.translate(query_tree) if query_tree is not None and query_tree.children else None
        if narrowed is not None:  # SearchQuerySet().filter(...).more_like_this(obj)
            query["bool"]["filter"] = [narrowed]
        size = (end_offset or start_offset + 10) - start_offset
        body = {"query": query, "from": start_offset, "size": max(size, 0), "track_total_hits": True}
        answer = self.call("search", index=searcher.index, body=body)
        result_class = result_class or SearchResult
        results = [
            result(result_class, h["_source"][DJANGO_CT], h["_source"][DJANGO_ID], h.get("_score") or 0, {})
            for h in answer["hits"]["hits"]
        ]
        return {"results": results, "hits": answer["hits"]["total"]["value"]}

    # -- SQ -> the query DSL

    def all_of(self, wanted: list[dict], unwanted: list[dict]) -> dict:
        return {"bool": {"must": wanted or [MATCH_ALL], "must_not": unwanted}}

    def any_of(self, queries: list[dict]) -> dict:
        return {"bool": {"should": queries, "minimum_should_match": 1}}

    def all_but(self, query: dict) -> dict:
        return {"bool": {"must": [MATCH_ALL], "must_not": [query]}}

    def match(self, name: str, kind: str, value, exact: bool) -> dict | None:
        if kind in ("date", "datetime"):
            return self.value_range(name, kind, "range", (value, value))
        if kind == "integer":
            return {"term": {name: integer_key(value)}}
        if kind == "exact":
            return {"term": {name: str(value)}}
        # analysed text, by the index's own analyzer; a stop word leaves a gap in a phrase as it
        # does in the index (match_phrase analyses the words as the field was analysed)
        terms = self._analysed(str(value))
        if not terms:
            return None
        if len(terms) == 1:
            return {"term": {name: terms[0]}}
        if exact:
            return {"match_phrase": {name: {"query": str(value), "analyzer": TEXT_ANALYZER}}}
        return {"bool": {"must": [{"term": {name: t}} for t in terms]}}

    def value_range(self, name: str, kind: str, filter_type: str, value) -> dict:
        bounds = {}
        if filter_type == "range":
            bounds = {"gte": value[0], "lte": value[1]}
        else:
            bounds = {filter_type: value}
        if kind in ("date", "datetime"):
            # A day stands for all of that day: documents hold midnight of their day, so the bound
            # is midnight of the day named, inclusive or not as asked (see ranges.WholeDayRanges).
            bounds = {k: _as_datetime(v).isoformat() for k, v in bounds.items()}
        elif kind == "integer":
            bounds = {k: integer_key(v) for k, v in bounds.items()}
        else:
            raise NotImplementedError(f"ranges on the {kind or 'text'} field {name}")
        return {"range": {name: bounds}}

    def snippets(self, sq, texts: list[str], *, max_chars: int = 220) -> list[str]:
        """For each text, up to two passages around the words ``sq`` searches the text for, as safe
        HTML ("" when nothing matches): the index's analyzer finds the words (with their offsets),
        ``engine.marked_passages`` cuts and escapes the passages."""
        searcher = self.searcher()
        terms = set()
        if searcher is not None:
            terms = {t for word in content_words(sq) for t in self._analysed(word)}
        if not terms:
            return ["" for _ in texts]
        out = []
        for text in texts:
            tokens = self.call("indices.analyze", index=searcher.index, body={"analyzer": TEXT_ANALYZER, "text": text})
            matches = [
                (t["start_offset"], t["end_offset"], t["token"]) for t in tokens["tokens"] if t["token"] in terms
            ]
            out.append(marked_passages(text, matches, maxchars=max_chars))
        return out

    # -- what upkeep and suggestions ask of an engine

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one backend per connection, cleared with the searcher
    def _analysed(self, text: str) -> tuple[str, ...]:
        """The terms the live index's text analyzer makes of ``text``."""
        answer = self.call("indices.analyze", index=self.alias, body={"analyzer": TEXT_ANALYZER, "text": text})
        return tuple(t["token"] for t in answer["tokens"])

    def analyse(self, word: str) -> list[str]:
        return list(self._analysed(word)) if self.has_index() else []

    def words_with_prefix(self, index: str, prefix: str) -> list[tuple[str, int]]:
        """(word, document frequency) of the unstemmed words starting with ``prefix``, read in
        order with a composite aggregation from the first word after ``prefix``."""
        out: list[tuple[str, int]] = []
        after = {"word": prefix}
        while True:
            composite = {"size": PAGE, "sources": [{"word": {"terms": {"field": SPELLING_FIELD}}}], "after": after}
            body = {"size": 0, "aggs": {"words": {"composite": composite}}}
            answer = self.call("search", index=index, body=body)["aggregations"]["words"]
            for bucket in answer["buckets"]:
                word = bucket["key"]["word"]
                if not word.startswith(prefix):
                    return out
                out.append((word, bucket["doc_count"]))
            if len(answer["buckets"]) < PAGE or "after_key" not in answer:
                return out
            after = answer["after_key"]

    def indexed_stamps(self) -> dict[str, str]:
        """{django_id: stamp} for every live document (for the repair command)."""
        searcher = self.searcher()
        if searcher is None:
            return {}
        sort = [{DJANGO_ID: {"order": "asc"}}]
        return {
            doc[DJANGO_ID]: doc.get("stamp", "")
            for doc in self.scan(searcher.index, MATCH_ALL, sort, [DJANGO_ID, "stamp"])
        }


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


INTEGER_DIGITS = 20  # 2**64 has 20 digits


def integer_key(value) -> str:
    """An integer field's value as the index keeps it: zero-padded decimal, so that a ``keyword``
    sorts, compares and ranges as the number does. A ``long`` would too on OpenSearch, but
    osmem-server keeps numbers as 64-bit floats, which cannot tell apart the ``chrono`` keys of one
    meeting (about 2 * 10**17, past 2**53). Negative numbers are refused: no field holds one."""
    number = int(value)
    if number < 0:
        raise ValueError(f"the OpenSearch engine indexes integers from 0 up, not {number}")
    return f"{number:0{INTEGER_DIGITS}d}"


# The build indexes this process is writing (not leftovers, whatever their mark says).
_held: set[str] = set()


class _Writer:
    """Writes to one index as ``engine.ArchiveBackend`` drives it. A live writer keeps its work
    until ``commit`` (``cancel`` drops it: nothing was sent); a build writer sends a ``_bulk``
    request every ``BULK_CHUNK`` documents (a cancelled build is discarded whole)."""

    def __init__(self, backend: OpenSearchSearchBackend, index: str, *, buffered: bool) -> None:
        self.backend = backend
        self.index = index
        self.buffered = buffered
        self.deletes: list[tuple[str, str]] = []
        self.actions: list[dict] = []

    def delete(self, field: str, value: str) -> None:
        self.deletes.append((field, value))

    def add(self, document: dict) -> None:
        self.actions += [{"index": {"_index": self.index, "_id": document[ID]}}, document]
        if not self.buffered and len(self.actions) >= 2 * BULK_CHUNK:
            self._send()

    def _send(self) -> None:
        for start in range(0, len(self.actions), 2 * BULK_CHUNK):
            answer = self.backend.call(
                "bulk", body=self.actions[start : start + 2 * BULK_CHUNK], request_timeout=self.backend.write_timeout
            )
            if answer.get("errors"):
                failed = [i for i in answer["items"] if next(iter(i.values())).get("error")]
                first = next(iter(failed[0].values()))
                raise EngineUnavailable(
                    f"OpenSearch refused {len(failed)} documents in {self.index}: {first.get('_id')}: {first['error']}"
                )
        self.actions = []

    def commit(self) -> None:
        by_field: dict[str, list[str]] = {}
        for field, value in self.deletes:
            by_field.setdefault(field, []).append(value)
        for field, values in by_field.items():
            for start in range(0, len(values), BULK_CHUNK):
                query = {"terms": {field: values[start : start + BULK_CHUNK]}}
                self.backend.call(
                    "delete_by_query",
                    index=self.index,
                    body={"query": query},
                    refresh=True,
                    request_timeout=self.backend.write_timeout,
                )
        self.deletes = []
        self._send()
        self.backend.call("indices.refresh", index=self.index, request_timeout=self.backend.write_timeout)
        if self.buffered:  # the live index changed: every process's searcher is out of date
            generation = {"_meta": {GENERATION: str(time.time_ns())}}
            self.backend.call("indices.put_mapping", index=self.index, body=generation)
        self.backend.forget_searcher()

    def cancel(self) -> None:
        self.deletes, self.actions = [], []


class OpenSearchEngine(BaseEngine):
    backend = OpenSearchSearchBackend
    query = ArchiveSearchQuery
