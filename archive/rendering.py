"""Statement text as HTML: citations as links, citing sentences highlighted. Everything escaped."""

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


def linked_paragraphs(text: str, citations: Iterable[Citation], *, separator: str = "\n\n") -> list[SafeString]:
    """The text's paragraphs (split on ``separator``) as escaped HTML, each citation a link."""
    ordered = sorted(citations, key=lambda c: c.start)
    out: list[SafeString] = []
    offset = 0
    for paragraph in text.split(separator):
        start, end = offset, offset + len(paragraph)
        offset = end + len(separator)
        if not paragraph.strip():
            continue
        parts: list[str] = []
        cursor = start
        for c in ordered:
            if c.start < start or c.end > end or c.start < cursor:
                continue
            parts.append(escape(text[cursor : c.start]))
            parts.append(_citation_html(c, text[c.start : c.end]))
            cursor = c.end
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


def numbered_paragraphs(text: str, references: Iterable[Citation]) -> list[tuple[str | None, SafeString]]:
    """A resolution's lines as (anchor, html): operative paragraph "27. Decides ..." gets "op27"."""
    lines = text.split("\n")
    html = linked_paragraphs(text, references, separator="\n")
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
