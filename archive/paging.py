"""Pages of a list: the paginators pages use, so no view builds one inline.

Statements are paged on their ids alone (ordered on the indexed sort key, counted or told their
stored count), then only the page's rows are fetched whole.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from .models import Statement

PAGE_SIZE = 25


def page_of(queryset, number: str | None, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (as asked for in the URL; out of range gives the nearest page)."""
    return Paginator(queryset, size).get_page(number)


class KnownCountPaginator(Paginator):
    """A paginator told its total (a stored count) instead of counting rows on every request."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class CitingStatementIds:
    """The ids of the statements citing a resolution, newest first, read from the citations'
    own sort-key index: a page needs only its first rows, however often the resolution is cited.
    Behaves as the sliceable sequence a Paginator wants."""

    def __init__(self, citations) -> None:
        self.citations = citations.order_by("-chrono", "-statement_id").values_list("statement_id", flat=True)

    def count(self) -> int:
        return self.citations.order_by().values("statement_id").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("only bounded slices")
        seen: dict[int, None] = {}
        offset, chunk = 0, max(index.stop * 2, 100)
        while len(seen) < index.stop:
            rows = list(self.citations[offset : offset + chunk])
            for statement_id in rows:
                seen.setdefault(statement_id, None)
            if len(rows) < chunk:
                break
            offset += chunk
        return list(seen)[index]


def statement_page(
    queryset, number: str | None, size: int = PAGE_SIZE, *, prefetch=(), count: int | None = None
) -> Page:
    """A page of statements, ordered (on the indexed sort key) and counted on their ids alone,
    then only the page's rows fetched whole. ``count``: the total when it is already known.
    ``queryset``: statements, or a CitingStatementIds."""
    ids_query = queryset if isinstance(queryset, CitingStatementIds) else queryset.values_list("pk", flat=True)
    paginator = Paginator(ids_query, size) if count is None else KnownCountPaginator(ids_query, size, count=count)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = Statement.objects.filter(pk__in=ids).listing().prefetch_related(*prefetch)
    by_id = {row.pk: row for row in rows}
    page.object_list = [by_id[pk] for pk in ids]
    return page
