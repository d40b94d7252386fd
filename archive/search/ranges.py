"""Date comparisons that mean what haystack documents, on every engine.

A date (not a moment) stands for its whole day: ``__lte``/``__gte``/``__range`` include the day
named, ``__lt``/``__gt`` leave it out. Haystack's shipped Whoosh query lets ``date__lt=day`` match
that day too, so the query classes turn a strict comparison on a day into an inclusive one on
the day before or after (tests/test_search.py checks the edges on both engines).
"""

from __future__ import annotations

import datetime as dt


class WholeDayRanges:
    """Mixin for a haystack ``SearchQuery``: ``__lt``/``__gt`` on a date as ``__lte``/``__gte`` of
    its neighbour."""

    def build_query_fragment(self, field, filter_type, value):
        if filter_type in ("lt", "gt") and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            step = dt.timedelta(days=-1 if filter_type == "lt" else 1)
            return super().build_query_fragment(field, filter_type + "e", value + step)
        return super().build_query_fragment(field, filter_type, value)
