"""Repairs for what PDF text extraction does to prose.

- End-of-line hyphenation: "capacity-" + "building" keeps its hyphen, "coun-" + "tries" joins.
- Glued words: "SecretaryGeneral" (a line-end hyphen lost by pdftotext) and "Al-Qaida,and"
  (a lost space after a comma) are split only where certain; "ofcontinuing" only when the
  document itself or the vocabulary proves both halves and not the whole.

The decisions lean on a vocabulary of English words and hyphenated compounds as they occur in
Security Council speeches (``vocabulary.txt``, built by ``bench/build_vocabulary.py`` from the
UNSC Debates corpus, where the corpus authors joined line breaks by hand), extended by the words
of the document being read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.txt")
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
FUNCTION_WORDS = frozenset(
    "of the and to in for on at by with from as is are was be an a that this its our their".split()
)


# What XML 1.0 cannot carry (an Atom feed of a statement holding one failed): the C0 controls but
# tab, line feed and carriage return; DEL; U+FFFE and U+FFFF.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def drop_control(text: str, *, keep: str = "") -> str:
    """``text`` without control characters: a vertical tab or form feed becomes a line break, the
    others go. Every reader calls it on what it reads, before parsing; ``keep``: those the reader
    still needs (the text reader's page breaks, PDFium's soft hyphen), which it removes itself."""
    if not CONTROL_RE.search(text):
        return text

    def replace(m: re.Match[str]) -> str:
        ch = m.group(0)
        return ch if ch in keep else "\n" if ch in "\x0b\x0c" else ""

    return CONTROL_RE.sub(replace, text)


@lru_cache(maxsize=1)
def base_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(words, hyphenated compounds), lower-cased."""
    words: set[str] = set()
    compounds: set[str] = set()
    if VOCABULARY_FILE.exists():
        for entry in VOCABULARY_FILE.read_text(encoding="utf-8").split():
            (compounds if "-" in entry else words).add(entry)
    return frozenset(words), frozenset(compounds)


class Vocabulary:
    """The base vocabulary plus the words of one document."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        words, compounds = base_vocabulary()
        self.base_words = words
        self.words = set(words)
        self.compounds = set(compounds)
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        for token in WORD_RE.findall(text):
            low = token.lower()
            if "-" in low:
                self.compounds.add(low)
                self.words.update(low.split("-"))
            else:
                self.words.add(low)

    def knows(self, word: str) -> bool:
        return word.lower() in self.words


def join_hyphenated(left: str, right: str, vocabulary: Vocabulary) -> str:
    """Join a line ending in ``left-`` with a line starting with ``right``.

    ``left`` is the last word before the hyphen, ``right`` the first word of the next line.
    Returns the joint: "-" to keep the hyphen, "" to join the halves.
    """
    if not right or not right[0].isalpha():
        return "-"
    if right[0].isupper():  # "Secretary-" "General", "Al-" "Qaida"
        return "-"
    if not left or not left[-1].isalpha():  # "2019-" "2020", "pre-" "2020"
        return "-"
    low_left, low_right = left.lower(), right.lower()
    head = re.sub(r"[^\w'’-].*$", "", low_right)
    if f"{low_left}-{head}" in vocabulary.compounds:
        return "-"
    if (low_left + head) in vocabulary.words:
        return ""
    if vocabulary.knows(low_left) and vocabulary.knows(head) and len(low_left) > 2:
        return "-"
    return ""


_CAMEL_RE = re.compile(r"\b([A-Z][a-z]{2,})([A-Z][a-z]{2,})\b")
_COMMA_GLUE_RE = re.compile(r"(?<=[a-z]),(?=[a-z]{2,}\b)")


def split_glued(text: str, vocabulary: Vocabulary) -> str:
    """Split words glued by text extraction, only where the evidence is certain."""

    def camel(m: re.Match[str]) -> str:
        compound = f"{m.group(1)}-{m.group(2)}".lower()
        if compound in vocabulary.compounds:
            return f"{m.group(1)}-{m.group(2)}"
        return m.group(0)

    text = _CAMEL_RE.sub(camel, text)
    text = _COMMA_GLUE_RE.sub(", ", text)

    def lower_glue(m: re.Match[str]) -> str:
        token = m.group(0)
        low = token.lower()
        # The document's own words don't count here: the glued token is one of them.
        if low in vocabulary.base_words or len(low) < 6:
            return token
        # Only the commonest short words, whose gluing makes no English word ("ofcontinuing",
        # "andthe"); "in", "to", "for" begin too many real words ("indefensible", "forgo").
        for fw in ("of", "and", "the"):
            rest = low[len(fw) :]
            if low.startswith(fw) and len(rest) >= 5 and rest in vocabulary.base_words:
                return f"{token[: len(fw)]} {token[len(fw) :]}"
        return token

    return re.sub(r"\b[a-z]{6,}\b", lower_glue, text)


JOIN_TAIL = 1000


def join_lines(lines: Iterable[str], vocabulary: Vocabulary) -> str:
    """Join the printed lines of one paragraph into running text.

    Linear in the paragraph's length: the hyphen test reads only the end of the text so far (a
    word longer than ``JOIN_TAIL`` characters is cut there), and the pieces are joined once."""
    pieces: list[str] = []
    tail = ""  # the last JOIN_TAIL characters of the text so far
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        piece = " " + line
        if not pieces:
            piece = line
        elif tail.endswith("-") and (m := re.search(r"(\w+)-$", tail)):
            first = re.match(r"[\w'’]+", line)
            piece = join_hyphenated(m.group(1), first.group(0) if first else line, vocabulary) + line
            pieces[-1], tail = pieces[-1][:-1], tail[:-1]
        elif tail.endswith("/"):
            piece = line
        pieces.append(piece)
        tail = (tail + piece)[-JOIN_TAIL:]
    return split_glued("".join(pieces), vocabulary)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance: letters inserted, deleted or replaced to make ``a`` into ``b``. With
    ``limit``, ``limit + 1`` as soon as the distance must exceed it (a bounded cost)."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
