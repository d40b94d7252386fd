"""The record builder: body lines cut into speaker turns, stage directions, headings and votes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .cover import Cover, continues
from .delegations import resolve_delegation
from .labels import could_start_label, match_label, squash
from .lines import Line
from .model import SpeakerLabel, StageDirection, Vote

STAGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^The meeting was called to order\b"), "opening"),
    (re.compile(r"^The meeting (?:was )?(?:rose|adjourned)\b"), "closing"),
    (re.compile(r"^The meeting was (?:suspended|resumed)\b"), "suspension"),
    (re.compile(r"^The meeting (?:resumed|was resumed)\b"), "suspension"),
    (re.compile(r"^The agenda was adopted\b"), "agenda"),
    (re.compile(r"^A (?:recorded )?vote was taken\b"), "vote"),
    (re.compile(r"^The draft resolution was adopted\b"), "vote"),
    (re.compile(r"^(?:Members|The members) of the Council observed a minute of silence"), "other"),
    (re.compile(r"^The Council observed a minute of silence"), "other"),
    (re.compile(r"^(?:The )?(?:Council|members) (?:rose|stood) in a minute of silence"), "other"),
    (re.compile(r"^The (?:President|Secretary-General) (?:returned to|took) the Chair\b"), "other"),
    (re.compile(r"^The discussion covered in the present record\b"), "other"),
    (re.compile(r"^(?:Mr|Ms|Mrs)\. .{2,60} (?:took|took a) (?:a )?seat at the Council table\.?$"), "other"),
)
VOTE_HEAD_RE = re.compile(r"^(In favour|Against|Abstaining|Absent|Not participating)\s*:\s*(.*)$")
KNOWN_HEADINGS_RE = re.compile(
    r"^(?:Adoption of the agenda|Expression of (?:welcome|thanks|condolences|sympathy)\b|Tribute to\b"
    r"|Statement by the President\b|Organization of work\b|Letter dated\b|Identical letters dated\b"
    r"|Report of the Secretary-General\b|Reports of the Secretary-General\b|Note by the Secretary-General\b"
    r"|Election of\b|Minute of silence\b|Opening remarks\b)"
)


# A procedural line run into a speech, as a research corpus keeps it: "... on the subject. The
# meeting rose at 10.25 a.m. 20-00911 21/21" (the record's page footer after it).
_TIME = r"(?:[ap]\.\s?m\.|noon|midnight)"
TRAILER_RE = re.compile(
    rf"(?:^|(?<=\s))(The meeting (?:was called to order|rose|adjourned|was adjourned|was suspended|was resumed|resumed)"
    rf"\b.{{0,80}}?{_TIME}(?:\s+and\s+(?:was\s+)?resumed\s+at\s+.{{0,40}}?{_TIME})?)\.?"
    r"(?:\s+(?:\d{2}-\d{5}|\d{1,3}/\d{1,3}))*(?=\s|$)\s*"
)
PROCEDURAL_KINDS = ("opening", "closing", "suspension")


def stage_kind(text: str) -> str | None:
    for pattern, kind in STAGE_PATTERNS:
        if pattern.match(text):
            return kind
    return None


def split_trailers(paragraph: str) -> tuple[list[str], list[tuple[str, str]]]:
    """A paragraph without the procedural lines run into it ("The meeting rose at 10.25 a.m."):
    (the speech around them, [(the line, its stage_kind)]). Those lines are stage directions,
    never a speaker's words."""
    pieces: list[str] = []
    stages: list[tuple[str, str]] = []
    start = 0
    for m in TRAILER_RE.finditer(paragraph):
        kind = stage_kind(m.group(1))
        if kind not in PROCEDURAL_KINDS:
            continue
        pieces.append(paragraph[start : m.start()])
        stages.append((m.group(1).rstrip(".") + ".", kind))
        start = m.end()
    pieces.append(paragraph[start:])
    return [p.strip() for p in pieces if p.strip()], stages


# --------------------------------------------------------------------------- body


@dataclass
class Turn:
    label: SpeakerLabel
    line: int
    page: int
    paragraphs: list[list[str]] = field(default_factory=list)
    read: list[tuple[float, int]] = field(default_factory=list)  # OCR: (confidence, words) per line

    def note(self, line: Line, text: str) -> None:
        if line.confidence is not None:
            self.read.append((line.confidence, len(text.split())))

    @property
    def confidence(self) -> float | None:
        """Mean OCR word confidence over the statement (0 – 100), None when not read by OCR."""
        words = sum(n for _, n in self.read)
        if not words:
            return None
        return round(sum(c * n for c, n in self.read) / words, 1)


class RecordBuilder:
    """Walks body lines and cuts them into statements, stage directions and votes."""

    def __init__(self, lines: Sequence[Line], cover: Cover, *, path: str, starts_with_label: bool = False) -> None:
        """``starts_with_label``: the first line is a label even when it is a bare name
        ("Hadiza (spoke in French):"), as in a single statement."""
        self.lines = list(lines)
        self.starts_with_label = starts_with_label
        self.cover = cover
        self.path = path
        self.turns: list[Turn] = []
        self.stage: list[StageDirection] = []
        self.votes: list[Vote] = []
        self.warnings: list[str] = []
        self.headings = {squash(a.title).lower() for a in cover.agenda}
        self.typical = self._typical_length()

    def _typical_length(self) -> int:
        lengths = sorted(len(line.text) for line in self.lines if not line.typeset)
        if not lengths:
            return 0
        return lengths[int(len(lengths) * 0.8)]

    # -- classification
    def _label_at(self, i: int) -> tuple[SpeakerLabel, int, str] | None:
        """A label starting line i: (label, lines consumed, rest of text)."""
        line = self.lines[i]
        bare = i == 0 and self.starts_with_label
        # A scan loses honorifics ("Tsrenc (China): My delegation"): there a bare name is a label
        # when its parenthesis names a known delegation.
        scanned = line.confidence is not None and not could_start_label(line.text)
        if line.typeset and not bare:
            if not line.bold_prefix or not could_start_label(line.bold_prefix):
                return None
        elif not bare and not scanned and not could_start_label(line.text):
            return None
        window = [line.text]
        for j in range(i + 1, min(i + 3, len(self.lines))):
            window.append(self.lines[j].text)
        joined = "\n".join(window)
        found = match_label(joined, bare_name=bare or scanned)
        if not found:
            return None
        if scanned and not bare and not (found[0].delegation and resolve_delegation(found[0].delegation)):
            return None
        label, offset = found
        consumed = joined[:offset].count("\n")  # the speech starts on line i + consumed
        rest_of_line = joined[offset:].split("\n", 1)[0]
        return label, consumed + 1, rest_of_line

    def _is_heading(self, i: int) -> bool:
        line = self.lines[i]
        if line.typeset:
            return line.style == "bold" and not line.bold_prefix.endswith(":")
        text = line.text
        if squash(text).lower() in self.headings:
            return True
        if KNOWN_HEADINGS_RE.match(text):
            prev = self.lines[i - 1].text if i else ""
            return not prev or prev.endswith((".", ":", ")", "?", "!", "”", '"'))
        return False

    def _stage(self, i: int) -> str | None:
        line = self.lines[i]
        if line.typeset and line.style == "italic" and not line.indent and VOTE_HEAD_RE.match(line.text):
            return "vote"
        kind = stage_kind(line.text)
        if kind:
            return kind
        if line.typeset and line.style == "italic" and (line.indent or line.gap_before):
            return "other"
        return None

    # -- walk
    def build(self) -> None:
        i = 0
        current: Turn | None = None
        paragraph: list[str] = []

        def close_paragraph() -> None:
            nonlocal paragraph
            if current is not None and paragraph:
                current.paragraphs.append(paragraph)
            paragraph = []

        while i < len(self.lines):
            line = self.lines[i]
            found = self._label_at(i)
            if found:
                close_paragraph()
                label, consumed, rest = found
                current = Turn(label=label, line=line.number, page=line.page)
                self.turns.append(current)
                paragraph = [rest] if rest else []
                current.note(line, rest)
                i += consumed
                continue
            if VOTE_HEAD_RE.match(line.text) and (line.typeset and line.style == "italic" or self._in_vote()):
                close_paragraph()
                i = self._vote_block(i)
                current = None
                continue
            kind = self._stage(i)
            if kind:
                close_paragraph()
                i = self._stage_block(i, kind)
                if kind in ("opening", "closing", "suspension", "agenda", "vote"):
                    current = None if kind != "vote" else None
                continue
            if self._is_heading(i):
                close_paragraph()
                i = self._heading_block(i)
                current = None
                continue
            if current is None:
                # Speech with no speaker: after a heading or a vote the previous speaker may
                # continue (the President announcing the result), otherwise it is unplaced.
                if self.turns and self._continues_previous(i):
                    current = self.turns[-1]
                else:
                    self.stage.append(StageDirection(len(self.turns), line.text, "other"))
                    self.warnings.append(f"line {line.number}: text outside any statement: {line.text[:60]!r}")
                    i += 1
                    continue
            if paragraph and self._new_paragraph(i):
                close_paragraph()
            paragraph.append(line.text)
            current.note(line, line.text)
            i += 1
        close_paragraph()

    def _in_vote(self) -> bool:
        return bool(self.stage) and self.stage[-1].kind == "vote"

    def _continues_previous(self, i: int) -> bool:
        return bool(self.stage) and self.stage[-1].kind in ("vote", "heading", "other")

    def _new_paragraph(self, i: int) -> bool:
        line = self.lines[i]
        if line.typeset:
            # A first-line indent starts a paragraph; a quotation set indented throughout
            # (every line indented) stays one paragraph, started by the space above it.
            previous = self.lines[i - 1] if i else None
            if line.gap_before and not line.column_start:
                return True
            return bool(line.indent) and not (previous is not None and previous.indent and not line.column_start)
        prev = self.lines[i - 1].text
        if not prev.endswith((".", "?", "!", ":", ";", "”", '"', ")", "’")):
            return False
        if not (line.text[:1].isupper() or line.text[:1] in '“"‘(' or line.text[:1].isdigit()):
            return False
        return len(prev) < self.typical * 0.8

    def _stage_block(self, i: int, kind: str) -> int:
        line = self.lines[i]
        parts = [line.text]
        j = i + 1
        if line.typeset:
            while (
                j < len(self.lines)
                and self.lines[j].style == "italic"
                and not self.lines[j].indent
                and not self.lines[j].gap_before
                and not VOTE_HEAD_RE.match(self.lines[j].text)
            ):
                parts.append(self.lines[j].text)
                j += 1
        else:
            while j < len(self.lines) and not parts[-1].endswith(".") and len(parts) < 4 and not self._label_at(j):
                parts.append(self.lines[j].text)
                j += 1
        self.stage.append(StageDirection(len(self.turns), " ".join(parts), kind))
        return j

    def _heading_block(self, i: int) -> int:
        parts = [self.lines[i].text]
        j = i + 1
        while j < len(self.lines) and not self._label_at(j) and not self._stage(j):
            nxt = self.lines[j]
            if nxt.typeset:
                if nxt.style != "bold" or nxt.gap_before:
                    break
            elif not continues(parts[-1]) and squash(" ".join(parts + [nxt.text])).lower() not in self.headings:
                if not (parts[-1][-1:].islower() and nxt.text[:1].islower()):
                    break
            parts.append(nxt.text)
            j += 1
        self.stage.append(StageDirection(len(self.turns), squash(" ".join(parts)), "heading"))
        return j

    def _vote_block(self, i: int) -> int:
        groups: dict[str, list[str]] = {}
        current: str | None = None
        j = i
        while j < len(self.lines):
            line = self.lines[j]
            head = VOTE_HEAD_RE.match(line.text)
            if head:
                current = head.group(1)
                groups.setdefault(current, [])
                if head.group(2):
                    groups[current].append(head.group(2))
                j += 1
                continue
            if current is None or self._label_at(j) or self._stage(j) or (line.typeset and line.style == "bold"):
                break
            groups[current].append(line.text)
            j += 1

        def names(key: str) -> tuple[str, ...]:
            text = squash(" ".join(groups.get(key, [])))
            if not text or text.lower() in ("none", "-", "—"):
                return ()
            return tuple(p.strip() for p in text.split(",") if p.strip())

        vote = Vote(len(self.turns), names("In favour"), names("Against"), names("Abstaining"))
        self.votes.append(vote)
        summary = "; ".join(
            f"{k}: {', '.join(names(k)) or 'None'}" for k in ("In favour", "Against", "Abstaining") if k in groups
        )
        self.stage.append(StageDirection(len(self.turns), summary, "vote"))
        return j
