"""Where a document symbol goes: our page when the archive holds the document, else the UN's
official document system. The one home of that rule, for the text of statements and resolutions
(``links_for_texts``: every symbol of a page resolved in one query) and for the search
box (``resolve``, from archive/search/service.py).

- S/PV.N (Resumption K) -> the meeting page when that meeting (part) is held;
- S/YYYY/N, S/NNNN (letters and reports) -> the meeting page when a record with that symbol is held
  (the 2020 videoconference "meetings" are letters: Meeting.symbol "S/2020/253");
- S/RES/N -> the resolution page when the registry holds it;
- anything else (presidential statements, General Assembly and ECOSOC documents, a record we do
  not hold, "(Part II)" records) -> ``official_document_url`` (see docs/citations.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import IntegerField, Q, Value
from django.urls import reverse

from .citations import DocumentReference, find_references
from .models import Meeting, Resolution, official_document_url


@dataclass(frozen=True)
class SymbolLink:
    """A symbol in a text, with where it goes; ``held``: the page is the archive's own."""

    start: int
    end: int
    symbol: str
    url: str
    held: bool


def _meeting_slug(ref: DocumentReference) -> str | None:
    if ref.kind == "meeting_record" and not ref.part:
        return Meeting.make_slug(ref.symbol, ref.number, ref.resumption)
    return None


def _is_letter(ref: DocumentReference) -> bool:
    return ref.kind == "document"


def resolve(refs: Iterable[DocumentReference]) -> dict[str, tuple[str, bool]]:
    """{symbol: (url, held)} for every reference given, in one query (the meetings and the
    resolutions they name; none when they name neither)."""
    refs = list(refs)
    slugs = {slug for ref in refs if (slug := _meeting_slug(ref))}
    letters = {ref.symbol for ref in refs if _is_letter(ref)}
    numbers = {ref.number for ref in refs if ref.kind == "resolution"}
    by_slug: dict[str, str] = {}
    by_symbol: dict[str, str] = {}
    held_numbers: set[int] = set()
    if slugs or letters or numbers:
        meetings = Meeting.objects.filter(Q(slug__in=slugs) | Q(symbol__in=letters, resumption__isnull=True)).order_by()
        resolutions = Resolution.objects.filter(number__in=numbers).order_by()
        rows = meetings.values_list("slug", "symbol", Value(None, output_field=IntegerField())).union(
            resolutions.values_list(Value(""), Value(""), "number"), all=True
        )
        for slug, symbol, number in rows:
            if number is not None:
                held_numbers.add(number)
            else:
                by_slug[slug] = by_symbol[symbol] = reverse("archive:meeting-detail", args=[slug])
    out: dict[str, tuple[str, bool]] = {}
    for ref in refs:
        slug = _meeting_slug(ref)
        if slug in by_slug:
            url = by_slug[slug]
        elif _is_letter(ref) and ref.symbol in by_symbol:
            url = by_symbol[ref.symbol]
        elif ref.kind == "resolution" and ref.number in held_numbers:
            url = reverse("archive:resolution-detail", args=[ref.number])
        else:
            out[ref.symbol] = (official_document_url(ref.symbol), False)
            continue
        out[ref.symbol] = (url, True)
    return out


def links_for_texts(texts: Sequence[str], *, self_number: int | None = None) -> list[list[SymbolLink]]:
    """The symbols of each text with where they go, all resolved together. ``self_number``: the
    texts are that resolution's own, whose symbol (its header, running heads) is not a link."""
    found = [
        [r for r in find_references(text) if not (r.kind == "resolution" and r.number == self_number)] for text in texts
    ]
    targets = resolve(ref for refs in found for ref in refs)
    return [[SymbolLink(r.start, r.end, r.symbol, *targets[r.symbol]) for r in refs] for refs in found]


def attach(statements: Sequence) -> Sequence:
    """Set ``symbol_links`` on each statement of a page (one query for the page)."""
    for statement, links in zip(statements, links_for_texts([s.text for s in statements]), strict=True):
        statement.symbol_links = links
    return statements


def statement_links(statement) -> list[SymbolLink]:
    """A statement's links: those ``attach`` set for its page, else its own."""
    links = getattr(statement, "symbol_links", None)
    return links if links is not None else links_for_texts([statement.text])[0]
