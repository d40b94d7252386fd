"""Statement text as HTML: citations and document symbols as links, citing sentences highlighted.
Everything escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class Citation(Protocol):
    """What rendering needs of a citation: a statement's ``models.Citation`` or a resolution's
    ``models.ResolutionReference`` (this module does not import the models: they do not import it)."""

    start: int
    end: int
    number: int
    paragraphs: list[str]
    year_conflict: bool
    resolution_id: int | None


SENTENCE_END = re.compile(r"[.!?;][”\"’)]*\s")


def _citation_html(citation: Citation, label: str) -> SafeString:
    if citation.year_conflict or citation.resolution_id is None:
        return format_html(
            '<span class="citation-flag" title="The printed year contradicts the registry: not linked">{}</span>', label
        )
    url = reverse("archive:resolution-detail", args=[citation.number])
    title = f"S/RES/{citation.number}"
    if citation.paragraphs:
        title += ", paragraph " + ", ".join(citation.paragraphs)
        first = re.match(r"\d+", citation.paragraphs[0])
        if first:
            url += f"#op{first.group(0)}"
    return format_html('<a class="citation" href="{}" title="{}">{}</a>', url, title, label)


class SymbolLink(Protocol):
    """What rendering needs of a document symbol's link (``archive.symbol_links.SymbolLink``)."""

    start: int
    end: int
    symbol: str
    url: str
    held: bool


def _symbol_html(link: SymbolLink, label: str) -> SafeString:
    if link.held:
        return format_html('<a class="symbol" href="{}" title="{}">{}</a>', link.url, link.symbol, label)
    return format_html(
        '<a class="symbol external" href="{}" title="{} (United Nations official documents)">{}</a>',
        link.url,
        link.symbol,
        label,
    )


def linked_paragraphs(
    text: str, citations: Iterable[Citation], links: Iterable[SymbolLink] = (), *, separator: str = "\n\n"
) -> list[SafeString]:
    """The text's paragraphs (split on ``separator``) as escaped HTML, each citation a link, and
    each document symbol (``links``) a link where no citation already covers it ("S/RES/2334
    (2016)" is both: it is linked once, as the citation)."""
    marks = [(c.start, c.end, c, _citation_html) for c in citations]
    covered = [(c.start, c.end) for c in citations]
    marks += [
        (link.start, link.end, link, _symbol_html)
        for link in links
        if not any(link.start < end and start < link.end for start, end in covered)
    ]
    ordered = sorted(marks, key=lambda m: m[0])
    out: list[SafeString] = []
    offset = 0
    for paragraph in text.split(separator):
        start, end = offset, offset + len(paragraph)
        offset = end + len(separator)
        if not paragraph.strip():
            continue
        parts: list[str] = []
        cursor = start
        for c_start, c_end, mark, html in ordered:
            if c_start < start or c_end > end or c_start < cursor:
                continue
            parts.append(escape(text[cursor:c_start]))
            parts.append(html(mark, text[c_start:c_end]))
            cursor = c_end
        parts.append(escape(text[cursor:end]))
        out.append(mark_safe("".join(parts)))  # noqa: S308 - every part is escaped or format_html
    return out


def citing_sentence(text: str, citation: Citation, *, limit: int = 400) -> SafeString:
    """The sentence around a citation, escaped, the citation marked."""
    start = max(text.rfind("\n\n", 0, citation.start) + 2, 0)
    for m in SENTENCE_END.finditer(text, max(0, citation.start - limit), citation.start):
        start = max(start, m.end())
    stop = SENTENCE_END.search(text, citation.end)
    end = min(stop.end() if stop else len(text), citation.end + limit)
    para_end = text.find("\n\n", citation.end)
    if para_end != -1:
        end = min(end, para_end)
    before = text[start : citation.start]
    after = text[citation.end : end]
    prefix = "… " if start > 0 and not text[start - 2 : start] == "\n\n" and start != 0 else ""
    return format_html(
        "{}{}<mark>{}</mark>{}",
        prefix,
        before,
        text[citation.start : citation.end],
        after.rstrip(),
    )


OPERATIVE_RE = re.compile(r"^\s*(\d{1,3})\s*\.\s")


def numbered_paragraphs(
    text: str, references: Iterable[Citation], links: Iterable[SymbolLink] = ()
) -> list[tuple[str | None, SafeString]]:
    """A resolution's lines as (anchor, html): operative paragraph "27. Decides ..." gets "op27"."""
    lines = text.split("\n")
    html = linked_paragraphs(text, references, links, separator="\n")
    out = []
    seen: set[str] = set()
    for raw, rendered in zip((line for line in lines if line.strip()), html, strict=True):
        m = OPERATIVE_RE.match(raw)
        anchor = f"op{m.group(1)}" if m and f"op{m.group(1)}" not in seen else None
        if anchor:
            seen.add(anchor)
        out.append((anchor, rendered))
    return out


def membership_rows(rows: list[tuple], years: list[int]) -> SafeString:
    """Table rows of the countries page: (delegation, {year: (statements, council_member)}).

    Built as one string rather than in a template loop: with decades of records a row has a cell
    per year, and thousands of cells must render in milliseconds. Only the names are text from
    the data; they are escaped, everything else is numbers and constant markup.
    """
    out = []
    for delegation, cells in rows:
        member_code = (
            '<abbr title="permanent member">P</abbr> '
            if delegation.permanent_member
            else ('<abbr title="elected member">E</abbr> ')
        )
        parts = [
            f'<tr><th scope="row"><a href="{escape(delegation.get_absolute_url())}">{escape(delegation.name)}</a></th>'
        ]
        total = 0
        for year in years:
            cell = cells.get(year)
            if cell is None:
                parts.append('<td class="num"></td>')
                continue
            statements, member = cell
            total += statements
            code = member_code if member else ('<abbr title="invited">I</abbr> ' if statements else "")
            parts.append(f'<td class="num">{code}{statements or ""}</td>')
        parts.append(f'<td class="num">{total}</td></tr>')
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - names escaped, the rest constant or numbers
