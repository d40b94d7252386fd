"""Inline SVG for the search page, drawn by the archive's chart helpers (escaped, no script)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from archive.charts import bar_list, column_chart


def hits_per_year(per_year: list[tuple[str, int]], query: str) -> SafeString | str:
    if not per_year:
        return ""
    return column_chart(per_year, title=f"Statements matching {query} per year", unit="statements")


def who_says_most(rows: list[tuple[str, str, int]]) -> SafeString | str:
    if not rows:
        return ""
    return bar_list(rows, title="Who says this most (statements; the chair's procedural turns left out)")
