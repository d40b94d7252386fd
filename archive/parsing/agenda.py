"""The Security Council's agenda items: the one home of the canonical list and of matching a
printed title to it.

``agenda_items.tsv`` lists each item the Council uses ("The situation in the Middle East", "The
situation in Mali", "Complaint of aggression upon the Republic of Korea", ...) with a stable slug,
its parent when it is a narrower item of another ("... including the Palestinian question" under
"The situation in the Middle East"), and its known variants: other spellings, the research
corpus's short topics ("Mali/MINUSMA", "Syria (Humanitarian Situation)"), mission acronyms.

A title is matched by its normalised form only (:func:`agenda_key`: case, accents, quotes,
dashes, punctuation, a leading "the", footnote marks), in this order: the whole title; the title
without a closing parenthesis ("(S/2016/53)", "(Humanitarian Situation)"); each part of a title
written with "/" ("Iraq/UNAMI"). Nothing else is guessed: a title that matches none is returned as
unmatched, for the importer to report. The title as printed is kept by the caller beside the match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .delegations import normalise_name

AGENDA_FILE = Path(__file__).with_name("agenda_items.tsv")
_FOOTNOTES = re.compile(r"[*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+")
_PUNCTUATION = re.compile(r"[^\w\s'/-]+")
_SPACES = re.compile(r"\s+")
_CLOSING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CouncilItem:
    """One agenda item of the Council, as ``agenda_items.tsv`` lists it."""

    slug: str  # "middle-east"
    title: str  # the Council's own wording: "The situation in the Middle East"
    parent: str | None = None  # the slug of the broader item this one belongs to
    variants: tuple[str, ...] = ()  # other spellings, the corpus's short topics, mission acronyms


@dataclass(frozen=True)
class AgendaMatch:
    """A printed title and the item it matched (None: it matched no item of the list)."""

    printed: str
    item: CouncilItem | None


def agenda_key(title: str) -> str:
    """The form titles are compared in: :func:`normalise_name` (case, accents, quotes, dashes,
    a leading "the"), without footnote marks or punctuation other than "/", "-" and "'"."""
    text = _FOOTNOTES.sub("", title)
    text = _PUNCTUATION.sub(" ", normalise_name(text))
    text = _SPACES.sub(" ", text.replace(" - ", " ")).strip()
    return text[4:] if text.startswith("the ") else text


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[CouncilItem, ...], dict[str, CouncilItem]]:
    items: list[CouncilItem] = []
    by_key: dict[str, CouncilItem] = {}
    slugs: set[str] = set()
    lines = AGENDA_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t") + [""] * (line.count("\t") == 2)  # no variants: no last tab
        if len(parts) != 4 or not _SLUG.match(parts[0]) or not parts[2].strip():
            raise ValueError(f"{AGENDA_FILE.name}:{number}: expected slug, parent, title, variants")
        slug, parent, title, variants = parts
        if slug in slugs:
            raise ValueError(f"{AGENDA_FILE.name}:{number}: the slug {slug!r} is listed twice")
        slugs.add(slug)
        item = CouncilItem(
            slug, title.strip(), parent or None, tuple(v.strip() for v in variants.split("|") if v.strip())
        )
        for name in (item.title, *item.variants):
            key = agenda_key(name)
            if by_key.get(key, item) is not item:
                raise ValueError(f"{AGENDA_FILE.name}:{number}: {name!r} already names {by_key[key].slug!r}")
            by_key[key] = item
        items.append(item)
    parents = {item.slug: item.parent for item in items}
    for number, item in enumerate(items, start=2):
        if item.parent is not None and item.parent not in slugs:
            raise ValueError(f"{AGENDA_FILE.name}:{number}: unknown parent {item.parent!r}")
        if item.parent is not None and parents[item.parent] is not None:
            # One level: pages and lists take an item with its sub-items (AgendaItem.objects.family).
            raise ValueError(f"{AGENDA_FILE.name}:{number}: the parent {item.parent!r} is itself a sub-item")
    return tuple(items), by_key


def council_items() -> tuple[CouncilItem, ...]:
    """Every item of the list, parents before their sub-items."""
    items = _table()[0]
    return tuple(sorted(items, key=lambda item: item.parent is not None))


def item_by_slug(slug: str) -> CouncilItem | None:
    return next((item for item in _table()[0] if item.slug == slug), None)


def match_title(title: str) -> CouncilItem | None:
    """The item a printed title names (see the module's docstring for the order), or None."""
    by_key = _table()[1]
    candidates = [title, _CLOSING_PARENTHESIS.sub("", title)]
    if "/" in title:
        candidates += title.split("/")
    for candidate in candidates:
        found = by_key.get(agenda_key(candidate))
        if found is not None:
            return found
    return None


def match_meeting(titles: Iterable[str | None]) -> AgendaMatch | None:
    """A meeting's item from its titles, the main one first (the cover's first agenda line, then
    the corpus's topic): the first that matches; when none does, the first title, unmatched.
    None when the meeting names no title at all."""
    printed = [" ".join(t.split()) for t in titles if t and t.strip()]
    for title in printed:
        item = match_title(title)
        if item is not None:
            return AgendaMatch(title, item)
    return AgendaMatch(printed[0], None) if printed else None


def lineage(slug: str) -> tuple[str, ...]:
    """The slug and those of the items above it: ("middle-east-palestinian-question", "middle-east")."""
    chain: list[str] = []
    item = item_by_slug(slug)
    while item is not None and item.slug not in chain:
        chain.append(item.slug)
        item = item_by_slug(item.parent) if item.parent else None
    return tuple(chain) or (slug,)


def find_items(value: str) -> tuple[str, ...]:
    """Slugs a typed filter value names: a slug, a title or variant, or else every item whose
    title or variants hold all the words typed ("middle east" -> both Middle East items)."""
    value = " ".join(value.split())
    if not value:
        return ()
    if item_by_slug(value.lower()) is not None:
        return (value.lower(),)
    found = match_title(value)
    if found is not None:
        return (found.slug,)
    words = set(agenda_key(value).split()) - {"the", "of", "in", "and"}
    if not words:
        return ()
    return tuple(
        item.slug
        for item in _table()[0]
        if any(words <= set(agenda_key(name).split()) for name in (item.title, *item.variants))
    )
