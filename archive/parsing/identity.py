"""One person across the forms of a name: the rule that says two printed names are one human
being, and why (docs/speakers.md).

The records and the corpus print one ambassador many ways: "Mr. Dang", "Mr. Dang Dinh Quy", "Dang
Dinh Quy"; "Ms. King", "Ms. Inga Rhonda King"; "Mr. Jürgenson" in a PDF, "Mr. Jiirgenson",
"Mr. Jtirgenson" and "Mr. Sven Juiirgenson" where the corpus's text went through OCR. Two people of
one delegation may share a surname, so a name joins a known person only when nothing contradicts
it: the same delegation, a time not years apart, the honorific of the same sex, and given names or
initials that agree with every form already known for that person. Each decision comes with its
evidence, in words, for the report of automatic merges (``manage.py speaker_merges``).

Pure Python: no Django, no database. The import service (archive/importing/identities.py) holds the
known people and asks ``resolve``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .labels import HONORIFICS

# What the corpus writes where no name was printed: never a person's name.
UNNAMED = frozenset({"", "unknown", "n/a", "na", "none", "-", "?", "(unlabelled)"})
# A statement whose source prints no speaker label at all keeps this as its label.
UNLABELLED = "(unlabelled)"

# An ambassador serves for years; the same surname this far apart in time is not evidence.
MAX_GAP = dt.timedelta(days=3 * 366)
# Delegations the corpus writes for people who speak for a State elsewhere ("Sven Jiirgenson, UN"):
# a name given in full joins the same full name of another delegation only from one of these.
CATCH_ALL_DELEGATIONS = frozenset({"united-nations"})

_FEMALE = frozenset(
    {"ms", "mrs", "miss", "dame", "lady", "baroness", "sheikha", "princess", "queen", "countess", "mme", "sister"}
)
_MALE = frozenset({"mr", "sir", "lord", "baron", "sheikh", "prince", "king", "count", "father", "brother"})
_HONORIFIC_WORDS = sorted((h for h in HONORIFICS), key=len, reverse=True)
_PARTICLES = frozenset({"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "y", "e"})

# Strength of a match, strongest first: the same printed form, the same full name, compatible
# full names (initials, a middle name left out, one OCR-misread letter), a surname alone.
EXACT, FULL, COMPATIBLE, SURNAME = 4, 3, 2, 1


def fold(text: str) -> str:
    """Lower case without diacritics: "Jürgenson" -> "jurgenson"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def is_unnamed(name: str | None) -> bool:
    """True for what stands where no name was printed ("unknown", "", "(unlabelled)")."""
    return name is None or name.strip().lower() in UNNAMED


@dataclass(frozen=True)
class NameForm:
    """A printed name taken apart: its honorific's sex (if it tells one) and its folded words."""

    printed: str
    sex: str | None
    words: tuple[str, ...]
    parts: int = 0  # words as printed, a hyphenated one counted once ("Al-Thani": 1)

    @property
    def surname(self) -> str:
        return self.words[-1] if self.words else ""

    @property
    def given(self) -> tuple[str, ...]:
        return self.words[:-1]


def name_form(name: str) -> NameForm:
    """ "Ms. Inga Rhonda King" -> sex "f", words ("inga", "rhonda", "king")."""
    rest = name.strip().replace("’", "'")
    sex: str | None = None
    while True:  # the leading honorifics, the longest first ("His Excellency Mr.")
        for honorific in _HONORIFIC_WORDS:
            if rest.startswith(honorific + " ") and rest[len(honorific) + 1 :].strip():
                word = fold(honorific).rstrip(".")
                sex = sex or ("f" if word in _FEMALE else "m" if word in _MALE else None)
                rest = rest[len(honorific) + 1 :].lstrip()
                break
        else:
            break
    printed = [w for w in re.split(r"[\s,]+", fold(rest)) if w.strip(".-") and w not in _PARTICLES]
    words = tuple(w for w in " ".join(printed).replace("-", " ").split() if w not in _PARTICLES)
    words = tuple(w.rstrip(".") for w in words if w.rstrip("."))
    return NameForm(printed=name, sex=sex, words=words, parts=len(printed))


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (names are short)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _near(a: str, b: str) -> bool:
    """One word read two ways: equal, or an OCR misreading of it ("jiirgenson" for "jurgenson",
    "mevliit" for "mevlut"): the same first letter, at most one edit in five letters, two in eight."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:
        return False
    shorter = min(len(a), len(b))
    allowed = 2 if shorter >= 6 else 1 if shorter >= 5 else 0
    return _distance(a, b) <= allowed


def _given_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Given names agree word by word as far as both go (an initial matches its name), or written
    together ("Atske-Selassie" / "Atskeselassie")."""
    if a and b and _near("".join(a), "".join(b)):
        return True
    for x, y in zip(a, b, strict=False):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif not _near(x, y):
            return False
    return True


def compare(a: NameForm, b: NameForm) -> tuple[int, str] | None:
    """How strongly two name forms name one person, with the evidence in words; None when they
    contradict each other (different full names, different sexes) or do not match at all."""
    if not a.words or not b.words or _sexes_differ(a, b):
        return None
    if fold(a.printed.strip()) == fold(b.printed.strip()):
        return EXACT, f"same printed name {b.printed!r}"
    if a.words == b.words:
        return FULL, f"same name {' '.join(a.words)!r} (title or diacritics aside)"
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if len(short.words) == 1:
        word = short.words[0]
        if word == long.surname:
            return SURNAME, f"surname {word!r} of {long.printed!r}"
        if word == long.words[0] and len(long.words) >= 3:
            return SURNAME, f"family name {word!r} printed first in {long.printed!r}"
        if _near(word, long.surname):
            return SURNAME, f"surname {word!r} read as {long.surname!r} in {long.printed!r} (OCR)"
        return None
    if short.words == long.words[-len(short.words) :]:
        return SURNAME, f"surname {' '.join(short.words)!r} of {long.printed!r}"
    if short.words == long.words[: len(short.words)]:
        return COMPATIBLE, f"{short.printed!r} is {long.printed!r} cut short"
    if len(short.words) == len(long.words) == 2 and short.words == long.words[::-1]:
        return COMPATIBLE, f"{short.printed!r} is {long.printed!r} in the other order (family name first)"
    if short.surname == long.surname and _given_agree(short.given, long.given):
        return COMPATIBLE, f"{short.printed!r} agrees with {long.printed!r} (given names or initials)"
    if _near(short.surname, long.surname) and _given_agree(short.given, long.given):
        return COMPATIBLE, f"{short.printed!r} is {long.printed!r} with the surname misread (OCR)"
    return None


def _surname_of_another(form: NameForm, forms: list[NameForm]) -> bool:
    """A form that is the surname of a fuller form among ``forms`` (the person's, and the name
    asked about): "Mrs. Gonzalez Lopez" beside "Egriselda Gonzalez Lopez" is a surname alone,
    however many words, so no full name to contradict "Egriselda Lopez"."""
    for other in forms:
        if len(other.words) > len(form.words) and other.words[-len(form.words) :] == form.words:
            return True
    return False


def contradicts(a: NameForm, b: NameForm) -> bool:
    """Two forms that cannot be one person: different sexes, or two full names (two words or more
    each, a hyphenated surname one word) that do not match."""
    return _sexes_differ(a, b) or _full_names_differ(a, b)


def _sexes_differ(a: NameForm, b: NameForm) -> bool:
    """Both honorifics tell a sex, and not the same ("Mr. Gonsalves", "Ms. Isis Gonsalves")."""
    return bool(a.sex and b.sex and a.sex != b.sex)


def _full_names_differ(a: NameForm, b: NameForm) -> bool:
    """Two full names (two words or more each, a hyphenated surname one word) that do not match."""
    return a.parts > 1 and b.parts > 1 and compare(a, b) is None


@dataclass(frozen=True)
class Known:
    """A person the archive knows: the caller's ``ref``, every form of the name printed for them,
    their delegation key and the span of their statements."""

    ref: int
    names: tuple[str, ...]
    delegation: str | None
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass(frozen=True)
class Resolution:
    """``ref``: the person a name belongs to (None: a new person); ``evidence``: why, in words
    (empty for an exact form already known); ``also``: other people the name would fit as well,
    which left it unmerged."""

    ref: int | None
    evidence: str = ""
    strength: int = 0
    also: tuple[int, ...] = ()


def _years_apart(person: Known, date: dt.date | None) -> bool:
    if date is None or person.first is None or person.last is None:
        return False
    return date - person.last > MAX_GAP or person.first - date > MAX_GAP


def match(name: str, delegation: str | None, date: dt.date | None, person: Known) -> tuple[int, str] | None:
    """How strongly a name printed for ``delegation`` on ``date`` is ``person``, with the evidence;
    None when anything contradicts it."""
    form = name_form(name)
    if not form.words:
        return None
    best: tuple[int, str] | None = None
    forms = [name_form(known) for known in person.names]
    pool = [*forms, form]
    for other in forms:
        if _sexes_differ(form, other):
            return None
        if _full_names_differ(form, other) and not (
            _surname_of_another(other, pool) or _surname_of_another(form, pool)
        ):
            return None
        found = compare(form, other)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    if best is None:
        return None
    strength, evidence = best
    if strength < EXACT and _years_apart(person, date):
        return None
    if delegation != person.delegation:
        catch_all = delegation in CATCH_ALL_DELEGATIONS or person.delegation in CATCH_ALL_DELEGATIONS
        if not (catch_all and strength >= FULL and len(form.words) > 1):
            return None
        evidence += f"; delegation {delegation or 'none'!s} vs {person.delegation or 'none'!s}, a catch-all"
    else:
        evidence += f"; same delegation ({delegation or 'none'})"
    if date is not None and person.first is not None and strength < EXACT:
        evidence += f"; {date.isoformat()}, their statements {person.first.isoformat()} – {person.last or person.first}"
    return strength, evidence


def resolve(name: str, delegation: str | None, date: dt.date | None, people: Iterable[Known]) -> Resolution:
    """The person ``name`` (printed for ``delegation`` on ``date``) is among ``people``: the one
    that matches most strongly when no other matches as strongly; a new person otherwise."""
    found = sorted(
        ((m[0], m[1], p.ref) for p in people if (m := match(name, delegation, date, p)) is not None),
        key=lambda item: (-item[0], item[2]),
    )
    if not found:
        return Resolution(None)
    strength, evidence, ref = found[0]
    tied = tuple(r for s, _e, r in found[1:] if s == strength)
    if tied and strength < EXACT:
        return Resolution(None, f"{evidence}; also fits {len(tied)} other(s): left apart", strength, also=(ref, *tied))
    if strength == SURNAME:
        person = next(p for p in people if p.ref == ref)
        namesakes = _namesakes(name_form(name), person, delegation, date, people)
        if namesakes:
            note = f"{evidence}; a surname alone, and {len(namesakes)} other person(s) of the delegation bear it: left apart"
            return Resolution(None, note, strength, also=(ref, *namesakes))
    return Resolution(ref, "" if strength == EXACT else evidence, strength)


def _namesakes(
    form: NameForm, person: Known, delegation: str | None, date: dt.date | None, people: Iterable[Known]
) -> tuple[int, ...]:
    """Other people of ``delegation`` who bear the surname a surname-only form names, where a name
    joins ``person`` on its surname alone: the form itself when it is one word ("Mr. Pham"), else
    the person's own one-word forms (a person known only as "Mr. Pham", and "Mr. Pham Hai Anh")."""
    alone = [form] if form.parts == 1 else [f for f in map(name_form, person.names) if f.parts == 1]
    return tuple(
        other.ref
        for other in people
        if other.ref != person.ref
        and other.delegation == delegation
        and not _years_apart(other, date)
        and any(compare(a, name_form(n)) is not None for a in alone for n in other.names)
    )


def surnames_in_doubt(person: Known, people: Iterable[Known]) -> tuple[tuple[str, str], ...]:
    """The forms of ``person``'s name printed as a surname alone ("Mr. Pham": one word, no given
    name or initial), that are the surname of a fuller form of theirs ("Mr. Pham Binh Minh"), and
    that another person of the delegation, not years apart, bears too (Pham Hai Anh, first printed
    in full after "Mr. Pham" joined the minister): ``resolve`` would not join them now. Each with
    the evidence, in words. The import's end-of-run pass takes the ones the rule joined (not a
    hand decision) back out to a person of their own (importing.speakers.take_back_surnames)."""
    people = list(people)
    forms = [name_form(n) for n in person.names]
    doubtful = []
    for form in forms:
        fuller = [o for o in forms if form.parts == 1 and len(o.words) > 1 and (compare(form, o) or (0,))[0] == SURNAME]
        namesakes = _namesakes(form, person, person.delegation, person.last or person.first, people) if fuller else ()
        if namesakes:
            names = ", ".join(repr(display_name(p.names)) for p in people if p.ref in namesakes)
            doubtful.append(
                (
                    form.printed,
                    f"{form.printed!r}, a surname alone of {fuller[0].printed!r}, is borne by {names} of the"
                    f" delegation too ({person.delegation or 'none'})",
                )
            )
    return tuple(doubtful)


# A surname alone goes to the namesake whose fuller form is printed nearest in time, within this.
NEAREST_CAP = dt.timedelta(days=180)


@dataclass(frozen=True)
class Sighting:
    """A fuller form of a person's name (``name``, theirs: ``ref``) printed in a label on ``date``."""

    ref: int
    name: str
    date: dt.date


def is_fuller_form(surname: str, name: str) -> bool:
    """``name`` is a fuller form of the one-word ``surname``: "Mr. Dang Dinh Quy" of "Mr. Dang"."""
    alone, full = name_form(surname), name_form(name)
    return alone.parts == 1 and len(full.words) > 1 and (compare(alone, full) or (0,))[0] == SURNAME


def sightings(
    surname: str, statements: Iterable[tuple[int | None, str, dt.date | None]], owners: dict[str, int]
) -> tuple[Sighting, ...]:
    """Every fuller form of ``surname`` a person's own statement prints in its label (``statements``:
    the statement's person, its label and its meeting's date; each name of a compound label on its
    own), where the form is that person's (``owners``: folded printed form -> person, one
    delegation). A turn labelled "The President" prints no name, so it is no sighting."""
    found = []
    for ref, label, date in statements:
        if date is None or ref is None:
            continue
        for name in compound_names(label_name(label)):
            if owners.get(fold(name.strip())) == ref and is_fuller_form(surname, name):
                found.append(Sighting(ref, name, date))
    return tuple(found)


def nearest_namesake(
    surname: str, date: dt.date | None, seen: Iterable[Sighting], cap: dt.timedelta = NEAREST_CAP
) -> Resolution:
    """Whose a surname printed alone on ``date`` is ("Mr. Dang", borne by Dang Dinh Quy and Dang Minh
    Khoi): the person whose nearest fuller form in ``seen`` is closest in time, with the evidence
    ("nearest fuller form 'Mr. Dang Dinh Quy' 12 days away; 'Dang Minh Khoi' 140 days"). No one
    (ref None) when two are as near, when the nearest is more than ``cap`` away, or no date."""
    if date is None:
        return Resolution(None, "no date")
    nearest: dict[int, Sighting] = {}
    for s in seen:
        if s.ref not in nearest or abs(s.date - date) < abs(nearest[s.ref].date - date):
            nearest[s.ref] = s
    if not nearest:
        return Resolution(None, f"no fuller form of {surname!r} printed")
    ranked = sorted(nearest.values(), key=lambda s: (abs(s.date - date), s.ref))
    days = [abs(s.date - date).days for s in ranked]
    evidence = f"nearest fuller form {ranked[0].name!r} {days[0]} days away" + "".join(
        f"; {s.name!r} {d} days" for s, d in zip(ranked[1:], days[1:], strict=True)
    )
    if len(ranked) > 1 and days[1] == days[0]:
        return Resolution(None, f"{evidence}: a tie, left unresolved", SURNAME, also=tuple(s.ref for s in ranked))
    if abs(ranked[0].date - date) > cap:
        return Resolution(None, f"{evidence}: more than {cap.days} days, left unresolved", SURNAME)
    return Resolution(ranked[0].ref, evidence, SURNAME, also=tuple(s.ref for s in ranked[1:]))


def give_to_nearest(
    surname: str,
    own: Iterable[tuple[int, str, dt.date | None]],
    statements: Iterable[tuple[int | None, str, dt.date | None]],
    owners: dict[str, int],
) -> tuple[tuple[int, Resolution], ...]:
    """Of ``own`` (an unresolved surname person's statements: key, label, meeting date), each whose
    label prints ``surname`` alone, with the namesake ``nearest_namesake`` gives it to (``statements``
    and ``owners`` as for ``sightings``); the ones it cannot decide, and a turn labelled "The
    President" (no surname printed), are left out. The import's end-of-run pass and migration 0014
    move what this returns."""
    seen = sightings(surname, statements, owners)
    decided = []
    for key, label, date in own:
        if fold(label_name(label)).strip() != fold(surname).strip():
            continue
        found = nearest_namesake(surname, date, seen)
        if found.ref is not None:
            decided.append((key, found))
    return tuple(decided)


def same_person(
    forms: Iterable[str], delegation: str | None, date: dt.date | None, people: Iterable[Known]
) -> tuple[int, str] | None:
    """The one person among ``people`` whom every form of another person's name (printed for
    ``delegation``, on ``date``) names, with the strongest evidence; None when none or two do.
    Migration 0014 and the end of every import run join stored speakers by this."""
    forms, people = list(forms), list(people)
    found: tuple[Known, int, str] | None = None
    for person in people:
        matches = [match(form, delegation, date, person) for form in forms]
        if forms and all(m is not None for m in matches):
            if found is not None:  # fits two people: left apart
                return None
            strength, evidence = max((m for m in matches if m is not None), key=lambda m: m[0])
            found = (person, strength, evidence)
    if found is None:
        return None
    person, strength, evidence = found
    if strength == SURNAME and any(_namesakes(name_form(f), person, delegation, date, people) for f in forms):
        return None  # a surname alone, borne by another person of the delegation too
    return person.ref, evidence


def compound_names(name: str) -> tuple[str, ...]:
    """The people one name names: "Mr. Pham Binh Minh/Mr. Dang" (the corpus's President of a
    month, two people who presided in turn) -> ("Mr. Pham Binh Minh", "Mr. Dang"); else the name."""
    parts = tuple(part.strip() for part in name.split("/") if part.strip())
    return parts or (name,)


def label_name(label: str) -> str:
    """The name a speaker label prints, its parentheses off: "Mr. Pham (Viet Nam)" -> "Mr. Pham"."""
    return label.split("(", 1)[0].strip()


def one_of(names: tuple[str, ...], hints: Iterable[str | None]) -> tuple[str, str] | None:
    """Which of the people of a compound name spoke a turn, with the evidence: the one the first
    telling hint (the turn's own label, the President printed on the record's cover) names and the
    other does not; None when no hint tells them apart (then no one: never a guess)."""
    for hint in hints:
        if not hint or is_unnamed(hint) or len(compound_names(hint)) > 1:
            continue
        fits = [(n, found) for n in names if (found := compare(name_form(hint), name_form(n))) is not None]
        if len(fits) == 1:
            return fits[0][0], f"{hint!r} printed for the turn or meeting names {fits[0][0]!r} of {'/'.join(names)!r}"
    return None


def display_name(names: Iterable[str]) -> str:
    """The name a person is shown under: the fullest form printed, with its surname spelt as the
    best source spelt it (one with diacritics outranks an OCR reading of it: "Jürgenson")."""
    forms = [name_form(n) for n in names if not is_unnamed(n)]
    if not forms:
        return ""
    fullest = max(forms, key=lambda f: (len(f.words), len(f.printed), f.printed))
    printed_words = fullest.printed.split()
    if not printed_words:
        return fullest.printed
    surname = printed_words[-1]
    for form in forms:
        spelt = form.printed.split()[-1] if form.printed.split() else ""
        if spelt != surname and not spelt.isascii() and surname.isascii() and _near(fold(spelt), fold(surname)):
            return " ".join([*printed_words[:-1], spelt])
    return fullest.printed
