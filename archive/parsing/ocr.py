"""Reading a scanned record (page images) through OCR with Tesseract.

A PDF whose pages are only images (no text layer, or the scanner's own text layer over a
full-page image, of unknown quality) is rendered page by page at ``DPI`` and read by the
``tesseract`` command, which gives every word with its box and confidence (TSV output). From
the words this module makes the same :class:`Line` values the PDF reader makes, so the record
parser after it is the same:

- the page's text columns are found from the words' boxes (gutters no word crosses); a column
  narrower than a fifth of the page is the edge of the facing page caught by the scanner, and is
  dropped;
- Official Records print English and French side by side: a column whose words are French is
  dropped, so the English column is the record read;
- running headers and footers (page numbers, job numbers, the symbol and date) are dropped;
- each line keeps the mean confidence of its words, so a statement can say how well it was read.

Speaker labels in a scan carry no bold type, so the parser finds them by their text shape (as
it does for pdftotext output). Small capitals, as older records print surnames and "The
PRESIDENT", are often misread; :func:`repair_label` mends the office words a label can start
with ("The Presipent (translated from Russian):").

The Tesseract command is ``tesseract`` on the PATH, or the path in the ``TESSERACT_CMD``
environment variable. Without it, reading a scan fails with an error naming the file and the
package to install (Debian: ``tesseract-ocr``). Why Tesseract is called directly rather than
through pytesseract: docs/ocr.md.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import statistics
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .lines import Line
from .model import ParsedStatement, ParseError
from .textfix import drop_control, edit_distance

DPI = 200  # the UN's scans are 150 – 300 dpi; rendering above 200 reads no better and is slower
TESSERACT_ENV = "TESSERACT_CMD"
TESSERACT_TIMEOUT = 300  # seconds for one page
MIN_COLUMN_WIDTH = 0.2  # of the page width: narrower text is the facing page's edge
MIN_WORD_CONFIDENCE = 0.0  # Tesseract gives -1 for a block with no text
INSTALL_HINT = "install Tesseract (Debian/Ubuntu: apt-get install tesseract-ocr) or set TESSERACT_CMD to its path"

_ENGLISH = frozenset("the of and to in that is for on be this it by with as are which we has have not was".split())
_FRENCH = frozenset("le la les des du et de est une que qui dans pour par sur au aux il nous pas ce cette".split())
_PAGE_FURNITURE = (
    re.compile(r"^[\W\d_]{1,8}$"),  # a page number, a stray mark
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # "2/18"
    re.compile(r"^\d{2}-\d{5}"),  # job number "20-00526 (E)"
    re.compile(r"^S\s*/\s*PV\s*\.\s*\d+.*\d{2}/\d{2}/\d{4}$"),  # running header with its date
    re.compile(r"^S\s*/\s*PV\s*\.\s*\d+(?:\s*\(Resumption\s*\d+\))?$"),
    re.compile(r"^\d{2}/\d{2}/\d{4}$"),
    re.compile(r"^\*\d{6,}\*$"),
)
_EDGE_BAND = 0.1  # of the page height: where running headers and footers are printed


@dataclass(frozen=True)
class OcrWord:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float  # 0 – 100
    key: tuple[int, int, int]  # Tesseract's (block, paragraph, line)


@dataclass(frozen=True)
class OcrLine:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float


@dataclass(frozen=True)
class OcrPage:
    width: int
    height: int
    words: tuple[OcrWord, ...]


def tesseract_command() -> str:
    return os.environ.get(TESSERACT_ENV) or "tesseract"


def run_tesseract(image: bytes, *, path: str, page: int) -> str:
    """The TSV Tesseract makes of one page image (PGM/PNG bytes)."""
    command = tesseract_command()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per page: faster on a busy machine
    try:
        done = subprocess.run(
            [command, "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],
            input=image,
            capture_output=True,
            timeout=TESSERACT_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ParseError(
            f"a scanned record (page images) needs OCR, and the Tesseract command {command!r} was not found: "
            f"{INSTALL_HINT}",
            path=path,
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise ParseError(f"page {page}: Tesseract took longer than {TESSERACT_TIMEOUT} s", path=path) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ParseError(
            f"page {page}: Tesseract failed (exit {done.returncode}): {message[-1] if message else ''}", path=path
        )
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, *, width: int, height: int) -> OcrPage:
    words: list[OcrWord] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = drop_control(row.get("text") or "").strip()
        confidence = float(row.get("conf") or -1)
        if not text or confidence < MIN_WORD_CONFIDENCE:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(
            OcrWord(
                text=text,
                left=left,
                top=top,
                right=left + int(row["width"]),
                bottom=top + int(row["height"]),
                confidence=confidence,
                key=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            )
        )
    return OcrPage(width=width, height=height, words=tuple(words))


# --------------------------------------------------------------------------- layout


def _by_line(words: Iterable[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped by Tesseract's lines, each left to right."""
    groups: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        groups.setdefault(word.key, []).append(word)
    return [sorted(group, key=lambda w: w.left) for group in groups.values()]


def _max_gap(words: Sequence[OcrWord]) -> int:
    return max((b.left - a.right for a, b in zip(words, words[1:], strict=False)), default=0)


def _lines(words: Iterable[OcrWord]) -> list[OcrLine]:
    """Words grouped by Tesseract's lines, top to bottom."""
    lines = []
    for group in _by_line(words):
        lines.append(
            OcrLine(
                text=" ".join(w.text for w in group),
                left=group[0].left,
                top=min(w.top for w in group),
                right=max(w.right for w in group),
                bottom=max(w.bottom for w in group),
                confidence=statistics.fmean(w.confidence for w in group),
            )
        )
    return sorted(lines, key=lambda line: (line.top, line.left))


def columns(page: OcrPage) -> list[tuple[int, int]]:
    """The page's text columns as (left, right) pixel ranges, left to right.

    A gutter is an x range that (almost) no line of text crosses; the lines that cross one (a
    centred heading across both columns) are a small minority and do not close it."""
    if not page.words:
        return []
    # Lines within one column; a centred heading across both would bridge the gutter.
    lines = [line for line in _lines(page.words) if line.right - line.left < page.width * 0.6]
    cover = [0] * (page.width + 1)
    for line in lines:
        for x in range(max(0, line.left), min(page.width, line.right) + 1):
            cover[x] += 1
    threshold = max(1, int(len(lines) * 0.04))
    spans: list[tuple[int, int]] = []
    start = None
    for x, n in enumerate(cover):
        if n > threshold and start is None:
            start = x
        elif n <= threshold and start is not None:
            spans.append((start, x))
            start = None
    if start is not None:
        spans.append((start, page.width))
    return [s for s in spans if s[1] - s[0] >= page.width * MIN_COLUMN_WIDTH]


def _column_of(word: OcrWord, spans: Sequence[tuple[int, int]]) -> int | None:
    middle = (word.left + word.right) / 2
    for index, (left, right) in enumerate(spans):
        if left - 5 <= middle <= right + 5:
            return index
    return None


def is_french(texts: Iterable[str]) -> bool:
    english = french = 0
    for text in texts:
        for word in re.findall(r"[a-zà-ÿ]+", text.lower()):
            english += word in _ENGLISH
            french += word in _FRENCH
    return french > english


def is_furniture(line: OcrLine, page: OcrPage) -> bool:
    in_band = line.bottom < page.height * _EDGE_BAND or line.top > page.height * (1 - _EDGE_BAND)
    text = line.text.strip()
    return in_band and any(p.match(text) for p in _PAGE_FURNITURE)


def page_lines(page: OcrPage) -> list[OcrLine]:
    """The English text of one page in reading order: column by column, top to bottom; a line
    across the columns (a centred heading) where it stands, before the columns below it."""
    spans = columns(page)
    by_column: dict[int | None, list[OcrWord]] = {}
    for words in _by_line(page.words):
        places = {_column_of(word, spans) for word in words}
        if len(places - {None}) > 1 and _max_gap(words) < page.width * 0.03:
            by_column.setdefault(None, []).extend(words)  # one line across the gutter: a heading
            continue
        for word in words:
            by_column.setdefault(_column_of(word, spans), []).append(word)
    wide: list[OcrLine] = []
    for line in _lines(by_column.pop(None, [])):
        # Words outside every column: a heading across the columns, or the facing page's edge.
        if line.right - line.left >= page.width * MIN_COLUMN_WIDTH and not is_furniture(line, page):
            wide.append(line)
    kept: list[list[OcrLine]] = []
    for index in sorted(k for k in by_column if k is not None):
        lines = [line for line in _lines(by_column[index]) if not is_furniture(line, page)]
        if lines and not is_french(line.text for line in lines):
            kept.append(lines)
    wide = [line for line in wide if not is_french([line.text])]
    top_of_columns = min((c[0].top for c in kept), default=page.height)
    out = [line for line in wide if line.top < top_of_columns]
    for column in kept:
        out.extend(column)
    out.extend(line for line in wide if line.top >= top_of_columns)
    return [repair_label(line) for line in out]


# Label words a scan misreads in small capitals and small type: "The Presipent Cranslated from
# Russtan) > Will all", "Mr, Austin (". Only the words a label is made of are mended, and only at
# the start of a line, and only when each is close to the word it must be.
_OFFICE_LABEL_RE = re.compile(
    r"^(?P<num>\d{1,3}\.\s+)?The\s+(?P<office>[A-Za-z1l|]{7,11})"
    r"(?:\s*[C(](?P<verb>[A-Za-z]{5,15})\s+(?P<prep>[A-Za-z]{2,5})\s+(?P<lang>[A-Za-z]{4,11})\s*[)}\]])?"
    r"\s*[:>;]\s"
)
_LANGUAGE_PAREN_RE = re.compile(r"\((\S{5,15})\s+(\S{2,5})\s+([A-Z][a-z]+)\s*[)}\]]")
_LANGUAGE_WORDS = {"translated": "from", "interpretation": "from", "spoke": "in"}
LANGUAGES = ("Arabic", "Chinese", "English", "French", "Russian", "Spanish", "Portuguese", "German", "Italian")
# "Mr, Austin", "Mr. .Baati", "Mr..Wu Haitao": an honorific's full stop misread.
_HONORIFIC_STOP_RE = re.compile(r"^(Mr|Mrs|Ms|Dr)(?:[,;:]\s+|\s*\.[\s.]*)(?=[A-Z])")
# "Ms. King (Saint Vincent and the Grenadines);", "Ms. Blum de Barberi (Colombia). (spoke in": the
# punctuation after a label's parenthesis misread.
_LABEL_PARENS_RE = re.compile(
    r"^((?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.\s+[^():;]{1,60}?\s*\([^()]*(?:\([^()]*\))?[^()]*\))\s*([.,;])(\s*\(|\s*$)"
)


def repair_label(line: OcrLine) -> OcrLine:
    text = _HONORIFIC_STOP_RE.sub(r"\1. ", line.text)
    parens = _LABEL_PARENS_RE.match(text)
    if parens:
        after = " (" if parens.group(3).strip() == "(" else ":"
        text = parens.group(1) + after + text[parens.end() :]
    m = _OFFICE_LABEL_RE.match(text)
    if m and _near(m.group("office"), "president"):
        paren = _language_paren(m.group("verb"), m.group("prep"), m.group("lang")) if m.group("verb") else ""
        if paren is not None:
            text = f"{m.group('num') or ''}The President{paren}: {text[m.end() :]}"
    if re.match(r"^(?:\d{1,3}\.\s+)?(?:The|Mr|Mrs|Ms|Sir|Dame|Lord|Lady)\b", text):
        text = _LANGUAGE_PAREN_RE.sub(_mend_paren, text, count=2)
    if text == line.text:
        return line
    return OcrLine(text, line.left, line.top, line.right, line.bottom, line.confidence)


def _mend_paren(m: re.Match[str]) -> str:
    fixed = _language_paren(m.group(1), m.group(2), m.group(3))
    return fixed.strip() if fixed else m.group(0)


def _language_paren(verb: str, preposition: str, language: str) -> str | None:
    """' (translated from Russian)' for a misread 'Cranslated from Russtan)', or None."""
    for canonical, expected in _LANGUAGE_WORDS.items():
        if _near(verb, canonical) and _near(preposition, expected):
            for name in LANGUAGES:
                if _near(language, name.lower()):
                    return f" ({canonical} {expected} {name})"
    return None


def _near(word: str, target: str) -> bool:
    """Within OCR's usual misreadings of ``target``: two letters wrong, or a third of a short word."""
    return edit_distance(word.lower(), target) <= min(2, max(1, len(target) // 3))


# --------------------------------------------------------------------------- a whole record


# A surname just before a label's parenthesis: "Sir Gladwyn Jens (United Kingdom)", "Mr. J. Matix (".
_LABEL_SURNAME_RE = re.compile(
    r"\b((?:Mr|Mrs|Ms|Miss|Sir|Dame|Lord|Lady|Dr)\.?\s+(?:[A-Z][a-z]*\.?\s+){0,2})([A-Z][A-Za-z]{1,15})(?=\s*\()"
)


def repair_names(text: str, capitals: Counter[str]) -> str:
    """Surnames in labels, which older records print in small capitals and OCR misreads ("Jens"
    for JEBB, "Matix" for MALIK), mended from the capitalised words of the scan's own text
    layer when one is close: the most frequent with the same first letter and within two letters
    (one for a name of three)."""
    if not capitals:
        return text

    def mend(m: re.Match[str]) -> str:
        surname = m.group(2).upper()
        if surname in capitals:
            return m.group(1) + surname
        limit = 1 if len(surname) <= 3 else 2
        near = [
            (n, c)
            for c, n in capitals.items()
            if c[0] == surname[0] and abs(len(c) - len(surname)) <= 1 and edit_distance(surname, c) <= limit
        ]
        if not near:
            return m.group(0)
        return m.group(1) + max(near)[1]

    return _LABEL_SURNAME_RE.sub(mend, text)


# A cover page's dot leaders ("Belgium . . . . Mr. Pecsteen") read by OCR as runs of junk tokens
# ("Belgium 0990060 o99 00 008agd0 Mr. Pecsteen", "Mr. Dang... oe ee eee (Viet Nam)").
_LEADER_TOKEN = r"[.·•,:;'`_0-9oecbuagdpilts-]{1,12}"
_LEADER_RUN_RE = re.compile(rf"(?:(?<=\s)|(?<=\.)|^){_LEADER_TOKEN}(?:\s+{_LEADER_TOKEN})+(?=\s|$)")


# A members row whose leaders OCR lost or left one dot of: "Indonesia Mr. Syihab", "Germany . Mr.
# Heusgen" (a State's name of up to six words, then a representative).
_LOST_LEADERS_RE = re.compile(
    r"^((?:Members\s*:\s*)?[A-Z][\w’'().-]*(?:\s+[\w’'().-]+){0,5}?)\s*\.?\s+(?=(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.{0,2}\s+[A-Z])"
)


def mend_leaders(row: str) -> str:
    """A run of two or more leader-like tokens, one of them with a letter or two dots (not
    "2020, 10.25" of a date), becomes printed leaders (' . . . ')."""

    def leaders(m: re.Match[str]) -> str:
        return " . . . " if re.search(r"[a-z]|\.\.", m.group(0)) else m.group(0)

    row = re.sub(r"\b(Mr|Mrs|Ms|Dr)\.{2,}", r"\1.", row)  # "Mr.. Polyanskiy"
    row = _LEADER_RUN_RE.sub(leaders, row).strip()
    if ". ." not in row and not row.startswith("President"):
        row = _LOST_LEADERS_RE.sub(r"\1 . . . ", row, count=1)
    return row


def text_layer_capitals(texts: Iterable[str]) -> Counter[str]:
    """Words in capitals (three letters or more) in a scan's own text layer, with their counts."""
    return Counter(w for text in texts for w in re.findall(r"\b[A-Z]{3,}\b", text))


def record_lines(pages: Sequence[OcrPage], capitals: Counter[str] | None = None) -> tuple[list[str], list[Line]]:
    """The cover rows (the first page) and the body lines (the pages after it), as the PDF reader
    gives them. ``capitals``: see :func:`repair_names`."""
    capitals = capitals or Counter()
    cover: list[str] = []
    body: list[Line] = []
    number = 0
    for index, page in enumerate(pages):
        lines = page_lines(page)
        if index == 0:
            cover = [mend_leaders(line.text) for line in sorted(_lines(page.words), key=lambda x: (x.top, x.left))]
            continue
        for position, line in enumerate(lines):
            number += 1
            body.append(
                Line(
                    text=repair_names(line.text, capitals),
                    number=number,
                    page=index + 1,
                    column_start=position == 0,
                    confidence=round(line.confidence, 1),
                )
            )
    return cover, body


# --------------------------------------------------------------------------- PDF pages


def is_scan(document, *, path: str | None = None) -> bool:  # document: pypdfium2.PdfDocument
    """Every page is one image covering (nearly) the whole page, whatever text layer a scanner
    laid over it, or an image set with margins on a page with no text at all: a scan. A page
    PDFium cannot read is a ParseError naming it."""
    import pypdfium2 as pdfium

    if len(document) == 0:
        return False
    for index in range(len(document)):
        try:
            if not _looks_scanned(document[index]):
                return False
        except pdfium.PdfiumError as exc:
            raise ParseError(f"not a readable PDF (page {index + 1}): {exc}", path=path) from exc
    return True


def _looks_scanned(page) -> bool:
    """One image covering (nearly) the whole page, or an image with margins on a page with no text."""
    import pypdfium2.raw as pdfium_c

    x0, y0, x1, y1 = page.get_cropbox()  # the part shown: a scanned spread is often cropped
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area = max(0.0, min(right, x1) - max(left, x0)) * max(0.0, min(top, y1) - max(bottom, y0))
        covered = max(covered, area)
    area = (x1 - x0) * (y1 - y0)
    if covered >= 0.85 * area:
        return True
    # A page image set with margins, and no text at all on the page: a scan too.
    return covered >= 0.4 * area and page.get_textpage().count_chars() == 0


def render_page(page, dpi: int = DPI) -> tuple[bytes, int, int]:
    """One PDF page as a greyscale PGM image: (bytes, width, height)."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    buffer = bytes(bitmap.buffer)
    rows = b"".join(buffer[y * stride : y * stride + width] for y in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + rows, width, height


def read_scan(document, *, path: str, ocr_page=None) -> tuple[list[str], list[Line]]:
    """A scanned record through OCR, page by page: (cover rows, body lines).

    ``ocr_page(page, number)`` reads one page (Tesseract by default; a test may replay stored
    output)."""
    ocr_page = ocr_page or tesseract_page
    pages = []
    layer: list[str] = []
    for index in range(len(document)):
        page = document[index]
        pages.append(ocr_page(page, index + 1, path=path))
        layer.append(page.get_textpage().get_text_range())
    if not any(page.words for page in pages):
        raise ParseError("a scan in which OCR found no text", path=path)
    return record_lines(pages, text_layer_capitals(layer))


def tesseract_page(page, number: int, *, path: str) -> OcrPage:
    """One PDF page rendered and read by Tesseract."""
    image, width, height = render_page(page)
    return parse_tsv(run_tesseract(image, path=path, page=number), width=width, height=height)


# --------------------------------------------------------------------------- after parsing


def harmonise_speakers(statements: Sequence[ParsedStatement]) -> list[ParsedStatement]:
    """One name per person in a scanned meeting: OCR reads the same small-capital surname several
    ways ("Mr. AUSTIN", "Mr. Avstrx"). Within a delegation, a name whose surname is within half
    its letters of the delegation's best-read name (the one the text layer confirmed in capitals,
    else the most frequent) is read as that name. The label stays as printed."""
    by_delegation: dict[str, Counter[str]] = {}
    for s in statements:
        if s.speaker and s.delegation and s.role not in ("president", "secretariat"):
            by_delegation.setdefault(s.delegation, Counter())[s.speaker] += 1
    best: dict[str, list[str]] = {}
    for delegation, names in by_delegation.items():
        ranked = sorted(names, key=lambda n: (_surname(n) in _confirmed(statements, n), names[n]), reverse=True)
        best[delegation] = ranked
    out = []
    for s in statements:
        ranked = best.get(s.delegation or "")
        if s.speaker and ranked and s.role not in ("president", "secretariat"):
            surname = _surname(s.speaker).lower()
            for name in ranked:
                target = _surname(name).lower()
                if name != s.speaker and edit_distance(surname, target) <= max(len(surname), len(target)) // 2:
                    s = dataclasses.replace(s, speaker=name)
                    break
                if name == s.speaker:
                    break
        out.append(s)
    return out


def _surname(name: str) -> str:
    return name.split()[-1]


def _confirmed(statements: Sequence[ParsedStatement], name: str) -> set[str]:
    """Surnames printed in capitals in a label (mended from the text layer): read right."""
    return {
        _surname(s.speaker or "")
        for s in statements
        if s.speaker == name and _surname(s.speaker).upper() in s.speaker_label.split()
    }
