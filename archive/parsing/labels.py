"""Speaker labels as the verbatim records print them.

"The President:", "The President (spoke in French):", "Mr. Sadykov (Kazakhstan):",
"Mr. X (France) (spoke in French):", "Ms. Blum de Barberi (Colombia) (spoke in Spanish):",
"The Secretary-General:", "Mr. Chambas:", "Dame Barbara Woodward (United Kingdom):",
"Mr. Skoog (European Union) (on behalf of ...):".

Other eras print the same parts differently, and each form is read here:
- the language as "(interpretation from Arabic)" (1994 – about 2005), "(translated from Russian)"
  (Official Records before the 1990s) or "(spoke in Portuguese; English text furnished by the
  delegation)";
- surnames and offices in capitals: "Sir Gladwyn JEBB (United Kingdom):", "The PRESIDENT:";
- a paragraph number before the label in numbered Official Records: "12. Mr. KUZNETSOV (...):".
A label with a name and no honorific ("Hadiza (spoke in French):") is read only where the text
is known to start with a label (a single statement): inside a record it would be any "Word:".
"""

from __future__ import annotations

import re

from .model import SpeakerLabel

HONORIFICS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Miss",
    "Mx.",
    "Mr",
    "Mrs",
    "Ms",
    "Dr.",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Baroness",
    "Baron",
    "Sheikh",
    "Sheikha",
    "Shaikh",
    "Archbishop",
    "Cardinal",
    "Bishop",
    "Monsignor",
    "Msgr.",
    "Father",
    "Sister",
    "Brother",
    "Rabbi",
    "Imam",
    "Prince",
    "Princess",
    "King",
    "Queen",
    "Professor",
    "Prof.",
    "Judge",
    "Justice",
    "Ambassador",
    "Count",
    "Countess",
    "His Royal Highness",
    "Her Royal Highness",
    "His Highness",
    "Her Highness",
    "His Excellency",
    "Her Excellency",
    "His Holiness",
    "His Eminence",
    "General",
    "Lieutenant General",
    "Major General",
    "Brigadier General",
    "Admiral",
    "Colonel",
    "Dato",
    "Dato’",
    "Dato'",
    "Datuk",
    "Tan Sri",
    "Pehin",
    "U",
    "Hon.",
    "Rev.",
    "Reverend",
    "Nana",
    "Chief",
    "Metropolitan",
    "Patriarch",
    "Ayatollah",
    "Pastor",
    "Rabbi",
    "Swami",
    "Mme.",
    "Mme",
)
OFFICES = (
    "The President",
    "The Acting President",
    "The Secretary-General",
    "The Deputy Secretary-General",
    "The Chair",
    "The Chairman",
    "The Chairperson",
)
# Older records print the office in capitals after "The": "The PRESIDENT", "The SECRETARY-GENERAL".
_OFFICE_FORMS = {form: office for office in OFFICES for form in (office, "The " + office[4:].upper())}

_HON = "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
_LEADING_HONORIFICS = re.compile(rf"^(?:(?:{_HON})\s+)+(?=\S)")


def strip_honorifics(name: str) -> str:
    """A person's name without the honorifics printed before it ("Ms. Inga Rhonda King" -> "Inga
    Rhonda King", "His Excellency Mr. Faisal bin Farhan" -> "Faisal bin Farhan"): the one list
    (HONORIFICS) read as the labels read it, so a surname that is also a title ("King", "Prince")
    stays a surname."""
    return _LEADING_HONORIFICS.sub("", name.strip())


_OFF = "|".join(re.escape(o) for o in sorted(_OFFICE_FORMS, key=len, reverse=True))
_PARTICLE = (
    r"(?:de|da|das|do|dos|del|della|dela|di|du|van|von|der|den|ter|ten|bin|bint|ibn|al|el|la|le"
    r"|y|e|zu|af|ould|wa|ben|abu|st\.)"
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"  # Latin capitals, with the accented ones
_NAME_TOKEN = rf"(?:[{_UPPER}][\w'’\-.]*|{_PARTICLE}(?=\s))"
# A parenthesis, with at most one nested level: "(Bolivia (Plurinational State of))".
_PAREN = r"\((?:[^()\n]|\n(?!\n)|\([^()]*\))*\)"

_PARAGRAPH_NUMBER = r"(?:\d{1,3}\.[ \t]+)?"  # numbered Official Records: "12. The PRESIDENT:"
LABEL_RE = re.compile(
    rf"""^{_PARAGRAPH_NUMBER}(?P<label>
        (?:(?P<office>{_OFF})
          |(?P<name>(?:{_HON})\s+{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,7}}))
        (?P<parens>(?:\s*{_PAREN}){{0,3}})
    )\s*:(?=\s|$)""",
    re.VERBOSE,
)
# A name with no honorific, one to three capitalised words: only where a label must be.
BARE_LABEL_RE = re.compile(
    rf"""^(?P<label>
        (?P<name>[{_UPPER}][\w'’\-]+(?:[ \t]+[{_UPPER}][\w'’\-]+){{0,2}})
        (?P<parens>(?:\s*{_PAREN}){{0,3}})
    )\s*:(?=\s|$)""",
    re.VERBOSE,
)
_PAREN_ITEM_RE = re.compile(_PAREN)
# "(spoke in French)", "(interpretation from Arabic)", "(translated from Russian)", "(spoke in
# Portuguese; English text furnished by the delegation)": the language spoken, in every era's form.
LANGUAGE_RE = re.compile(
    r"^\(\s*(?:spoke\s+in|interpretation\s+from|translated\s+from|speaking\s+in)\s+([A-Z][a-z]+)\b",
    re.IGNORECASE,
)
ON_BEHALF_RE = re.compile(r"^\(\s*(?:spoke\s+)?on\s+behalf\s+of\s+(.+)\)$", re.IGNORECASE | re.DOTALL)


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a label) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def match_label(text: str, *, bare_name: bool = False) -> tuple[SpeakerLabel, int] | None:
    """The label at the very start of ``text`` and the offset where speech begins, or None.

    ``bare_name``: also a name with no honorific ("Hadiza (spoke in French):"), for text that
    must start with a label."""
    m = LABEL_RE.match(text)
    if not m and bare_name:
        m = BARE_LABEL_RE.match(text)
        if m and (m.group("name").split()[0] in _SENTENCE_STARTS or _looks_like_sentence("_ " + m.group("name"))):
            return None
    if not m:
        return None
    office = _OFFICE_FORMS.get(m.groupdict().get("office") or "")
    name = name_as_written(squash(m.group("name"))) if m.group("name") else None
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


# Words that begin a sentence, not a name, before a colon: "Note: ...", "Question: ...".
_SENTENCE_STARTS = frozenset({"Note", "Question", "Answer", "Subject", "Title", "Item", "Agenda", "Annex", "Source"})


def name_as_written(name: str) -> str:
    """A name with the capitals of older records undone: "Sir Gladwyn JEBB" -> "Sir Gladwyn Jebb",
    "Mr. AL-KIDWA" -> "Mr. Al-Kidwa", so one person has one name across eras. Mixed-case words
    ("McDonald", "de La Sablière") and single capitals ("U", "J.") are kept as printed."""
    return " ".join(_uncapital(word) for word in name.split())


def _uncapital(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return word
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), word)


_SENTENCE_WORDS = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|said|says|stated|noted|the|and|of|to|for)\b"
)


def _looks_like_sentence(name: str) -> bool:
    """'Mr. Guterres has said:' is speech quoting someone, not a label."""
    words = name.split()[1:]
    return any(_SENTENCE_WORDS.fullmatch(w) for w in words)


def could_start_label(line: str) -> bool:
    """Cheap test: does this line begin like a label (so it may continue on the next line)?"""
    return bool(re.match(rf"^{_PARAGRAPH_NUMBER}(?:{_OFF}|(?:{_HON})\s+[{_UPPER}])", line))
