"""Speaker labels as the verbatim records print them.

"The President:", "The President (spoke in French):", "Mr. Sadykov (Kazakhstan):",
"Mr. X (France) (spoke in French):", "Ms. Blum de Barberi (Colombia) (spoke in Spanish):",
"The Secretary-General:", "Mr. Chambas:", "Dame Barbara Woodward (United Kingdom):",
"Mr. Skoog (European Union) (on behalf of ...):".
"""

from __future__ import annotations

import re

from .model import SpeakerLabel

HONORIFICS = (
    "Mr.", "Mrs.", "Ms.", "Miss", "Mx.", "Mr", "Mrs", "Ms", "Dr.", "Sir", "Dame", "Lord", "Lady",
    "Baroness", "Baron", "Sheikh", "Sheikha", "Shaikh", "Archbishop", "Cardinal", "Bishop",
    "Monsignor", "Msgr.", "Father", "Sister", "Brother", "Rabbi", "Imam", "Prince", "Princess",
    "King", "Queen", "Professor", "Prof.", "Judge", "Justice", "Ambassador", "Count", "Countess",
    "His Royal Highness", "Her Royal Highness", "His Highness", "Her Highness",
    "His Excellency", "Her Excellency", "His Holiness", "His Eminence",
    "General", "Lieutenant General", "Major General", "Brigadier General", "Admiral", "Colonel",
    "Dato", "Dato’", "Dato'", "Datuk", "Tan Sri", "Pehin", "U", "Hon.", "Rev.", "Reverend", "Nana",
    "Chief", "Metropolitan", "Patriarch", "Ayatollah", "Pastor", "Rabbi", "Swami", "Mme.", "Mme",
)
OFFICES = (
    "The President", "The Acting President", "The Secretary-General",
    "The Deputy Secretary-General", "The Chair", "The Chairman", "The Chairperson",
)

_HON = "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
_OFF = "|".join(re.escape(o) for o in sorted(OFFICES, key=len, reverse=True))
_PARTICLE = (
    r"(?:de|da|das|do|dos|del|della|dela|di|du|van|von|der|den|ter|ten|bin|bint|ibn|al|el|la|le"
    r"|y|e|zu|af|ould|wa|ben|abu|st\.)"
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"  # Latin capitals, with the accented ones
_NAME_TOKEN = rf"(?:[{_UPPER}][\w'’\-.]*|{_PARTICLE}(?=\s))"
# A parenthesis, with at most one nested level: "(Bolivia (Plurinational State of))".
_PAREN = r"\((?:[^()\n]|\n(?!\n)|\([^()]*\))*\)"

LABEL_RE = re.compile(
    rf"""^(?P<label>
        (?:(?P<office>{_OFF})
          |(?P<name>(?:{_HON})\s+{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,7}}))
        (?P<parens>(?:\s*{_PAREN}){{0,3}})
    )\s*:(?=\s|$)""",
    re.VERBOSE,
)
_PAREN_ITEM_RE = re.compile(_PAREN)
LANGUAGE_RE = re.compile(r"^\(\s*spoke\s+in\s+([A-Z][a-z]+)", re.IGNORECASE)
ON_BEHALF_RE = re.compile(r"^\(\s*(?:spoke\s+)?on\s+behalf\s+of\s+(.+)\)$", re.IGNORECASE | re.DOTALL)


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a label) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def match_label(text: str) -> tuple[SpeakerLabel, int] | None:
    """The label at the very start of ``text`` and the offset where speech begins, or None."""
    m = LABEL_RE.match(text)
    if not m:
        return None
    office = m.group("office")
    name = squash(m.group("name")) if m.group("name") else None
    if name is not None and _looks_like_sentence(name):
        return None
    language: str | None = None
    delegation: str | None = None
    on_behalf: str | None = None
    extra_office: str | None = None
    for item in _PAREN_ITEM_RE.findall(m.group("parens") or ""):
        item = squash(item)
        lang = LANGUAGE_RE.match(item)
        behalf = ON_BEHALF_RE.match(item)
        if lang:
            language = lang.group(1).capitalize()
        elif behalf:
            on_behalf = squash(behalf.group(1))
        elif delegation is None:
            delegation = item[1:-1].strip()
        else:
            extra_office = item[1:-1].strip()
    label = SpeakerLabel(
        printed=squash(m.group("label")),
        name=name,
        office=office or extra_office,
        delegation=delegation,
        language=language,
        on_behalf_of=on_behalf,
    )
    end = m.end()
    while end < len(text) and text[end] in " \t\n":
        end += 1
    return label, end


_SENTENCE_WORDS = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|said|says|stated|noted|the|and|of|to|for)\b"
)


def _looks_like_sentence(name: str) -> bool:
    """'Mr. Guterres has said:' is speech quoting someone, not a label."""
    words = name.split()[1:]
    return any(_SENTENCE_WORDS.fullmatch(w) for w in words)


def could_start_label(line: str) -> bool:
    """Cheap test: does this line begin like a label (so it may continue on the next line)?"""
    return bool(re.match(rf"^(?:{_OFF}|(?:{_HON})\s+[{_UPPER}])", line))
