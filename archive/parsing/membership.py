"""Who sat on the Security Council, in any year from 1946: the one home of Council membership.

``council_membership.tsv`` (written by ``scripts/build_membership.py`` from
../shared/data/unsc-membership-1946-2026, whose source is the Wikipedia article "List of members
of the United Nations Security Council") lists the members of each year. Two seats changed hands
within a year, and are decided here by date, not by the year they are filed under: China's seat
(the Republic of China until 25 October 1971, then the People's Republic of China) and the
USSR's (the Russian Federation from 24 December 1991).

The record parser asks :func:`council_members` for a meeting's members when its cover page does
not list them; the country pages show :func:`membership_years`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from .delegations import SUCCESSORS

MEMBERSHIP_FILE = Path(__file__).with_name("council_membership.tsv")
# Permanent seats held by one State then another, with the day the seat passed.
_HANDED_OVER = {old: successors[0] for old, successors in SUCCESSORS.items() if old in ("republic-of-china", "sun")}


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[int, str, bool], ...]:
    """(year, key, permanent) for every row of the table."""
    rows = []
    lines = MEMBERSHIP_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0].isdigit() or parts[2] not in ("0", "1"):
            raise ValueError(f"{MEMBERSHIP_FILE.name}:{number}: expected year, key, permanent, name")
        rows.append((int(parts[0]), parts[1], parts[2] == "1"))
    return tuple(rows)


@lru_cache(maxsize=1)
def _table() -> dict[int, frozenset[str]]:
    years: dict[int, set[str]] = {}
    for year, key, _ in _rows():
        years.setdefault(year, set()).add(key)
    return {year: frozenset(keys) for year, keys in years.items()}


def _holder(key: str, on: dt.date) -> str:
    """The State holding ``key``'s permanent seat on ``on`` (China and the USSR changed hands)."""
    for old, (new, since) in _HANDED_OVER.items():
        if key in (old, new):
            return new if on >= since else old
    return key


def council_members(on: dt.date) -> frozenset[str]:
    """Delegation keys of the Council's members on ``on``; empty for a year not in the table."""
    return frozenset(_holder(key, on) for key in _table().get(on.year, ()))


@lru_cache(maxsize=512)
def membership_years(key: str) -> tuple[int, ...]:
    """The years ``key`` sat on the Council (for at least part of the year)."""
    years = []
    for year, keys in sorted(_table().items()):
        held = {_holder(k, dt.date(year, 1, 1)) for k in keys} | {_holder(k, dt.date(year, 12, 31)) for k in keys}
        if key in held:
            years.append(year)
    return tuple(years)


def permanent_members(on: dt.date) -> frozenset[str]:
    """Delegation keys of the permanent members on ``on`` (the USSR's seat before 24 December 1991,
    the Republic of China's before 25 October 1971); empty for a year not in the table."""
    return frozenset(_holder(key, on) for year, key, permanent in _rows() if permanent and year == on.year)


def membership_known(year: int) -> bool:
    """Whether the table covers ``year``."""
    return year in _table()


def is_member(key: str, on: dt.date) -> bool:
    return key in council_members(on)


def membership_spans(key: str) -> list[tuple[int, int]]:
    """The years ``key`` sat on the Council as runs of consecutive years: [(1950, 1951), ...]."""
    spans: list[tuple[int, int]] = []
    for year in membership_years(key):
        if spans and spans[-1][1] == year - 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans
