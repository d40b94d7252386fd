"""Every statement a query matches, as ids in time order: for feeds, exports and alerts, which
need the whole result set (or its newest part) rather than one page with facets.

Same query language and compilation as the search page (``query.parse``,
``service.compile_query``); the engine (Whoosh or tantivy) is asked for document ids only, sorted
on the indexed ``chrono`` column, and the rows are read from the database by the caller in chunks."""

from __future__ import annotations

from . import query as ql
from . import service
from .engine import get_backend


class MissingIndex(RuntimeError):
    """The full-text index has not been built (manage.py rebuild_search_index)."""


def matching_ids(text: str, *, newest_first: bool = True, limit: int | None = None) -> list[int]:
    """Ids of the statements matching ``text`` (the site's query language), newest first by
    default; ``limit``: only that many. Raises ``query.QueryError`` for a query that cannot be
    read, ``MissingIndex`` when there is no index."""
    compiled = service.compile_query(ql.parse(text))
    backend = get_backend()
    ids = backend.matching_ids(compiled.sq, newest_first=newest_first, limit=limit)
    if ids is None:
        raise MissingIndex(f"no search index at {backend.index_path}; run manage.py rebuild_search_index")
    return ids
