"""The common shape both readers (PDF and pdftotext text) hand to the record parser."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One printed line of the record body, in reading order.

    The PDF reader knows the typography (bold labels and headings, italic stage directions,
    first-line indents, paragraph gaps); the text reader and the OCR reader do not and leave
    those ``None``; the OCR reader gives how sure it was of each line.
    """

    text: str
    number: int  # 1-based line number in the source text, or running line number in a PDF
    page: int  # 1-based
    style: str | None = None  # "bold", "italic", "regular" for the line's first span
    bold_prefix: str = ""  # the bold text the line starts with
    indent: bool | None = None  # first line of a paragraph (indented)
    gap_before: bool | None = None  # vertical space above it
    column_start: bool = False  # first line of a column or page
    confidence: float | None = None  # OCR: mean word confidence (0 – 100); None when read from text

    @property
    def typeset(self) -> bool:
        return self.style is not None
