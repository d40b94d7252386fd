"""Who speaks for whom, resolved at write time: the delegations and speakers of an import run,
cached once per run, and the rules that make a speaker's key (surname_key; honorifics: parsing.labels).
Which known person a printed name is: archive.parsing.identity.resolve (docs/speakers.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Min
from django.utils.text import slugify

from archive.parsing import ParseError
from archive.parsing.delegations import delegation_by_key, resolve_delegation
from archive.parsing.identity import (
    CATCH_ALL_DELEGATIONS,
    Known,
    compound_names,
    display_name,
    fold,
    is_unnamed,
    one_of,
    resolve,
)
from archive.parsing.labels import strip_honorifics

from ..models import Delegation, Speaker, SpeakerName, SpeakerRedirect, Statement


def surname_key(name: str) -> str:
    """The last word of the name once its honorifics are off: "Ms. Inga Rhonda King" -> "king"."""
    words = strip_honorifics(name.replace("’", "'")).split()
    return slugify(fold(words[-1])) if words else slugify(fold(name))


class Identities:
    """Caches delegations and speakers over one import run."""

    def __init__(self) -> None:
        self.delegations: dict[str, Delegation] = {d.key: d for d in Delegation.objects.all()}
        self.touched: set[int] = set()  # the speakers this run named (joined at its end: join_touched)

    # -- delegations
    def delegation(
        self, name: str | None, key: str | None = None, *, source: str = "", line: int | None = None
    ) -> Delegation | None:
        """The delegation a statement or a meeting names: by the ``key`` the reader resolved, or,
        with no key (a name outside the table), an 'unknown' delegation of that name. A key the
        table does not hold is refused, naming the ``source`` file and ``line``."""
        if not name:
            return None
        cached = self.delegations.get(key) if key else None
        if cached is not None:
            return cached
        info = resolve_delegation(name) if key is None else delegation_by_key(key)
        if key is not None and info is None:
            raise ParseError(
                f"{source}: {name!r} was read as the delegation {key!r}, which the table does not hold", line=line
            )
        if info is None:
            key = ("x-" + slugify(fold(name)))[:80]
            values = {"name": name, "short_name": name, "kind": "unknown"}
        else:
            key = info.key
            values = {
                "name": info.name,
                "short_name": info.short,
                "kind": info.kind,
                "iso2": info.iso2 or "",
                "iso3": info.iso3 or "",
                "permanent_member": info.permanent_member,
            }
        cached = self.delegations.get(key)
        if cached is not None:
            return cached
        delegation, _ = Delegation.objects.get_or_create(key=key, defaults=values)
        self.delegations[key] = delegation
        return delegation

    # -- speakers
    def _load_people(self) -> None:
        spans = {
            row["speaker"]: (row["first"], row["last"])
            for row in Statement.objects.filter(speaker__isnull=False)
            .values("speaker")
            .annotate(first=Min("meeting__date"), last=Max("meeting__date"))
        }
        self.people: dict[int, _Person] = {}
        for speaker in Speaker.objects.select_related("delegation"):
            first, last = spans.get(speaker.pk, (None, None))
            self.people[speaker.pk] = _Person(speaker, first=first, last=last)
        for speaker_id, name in SpeakerName.objects.values_list("speaker_id", "name"):
            self.people[speaker_id].names.append(name)
        self.by_delegation: dict[int | None, list[int]] = {}
        self.printed: dict[tuple[str, int | None], int] = {}
        for person in self.people.values():
            self._index(person)

    def _index(self, person: _Person) -> None:
        delegation = person.speaker.delegation_id
        self.by_delegation.setdefault(delegation, []).append(person.speaker.pk)
        for name in person.names:
            self.printed.setdefault((fold(name).strip(), delegation), person.speaker.pk)

    def speaker(
        self, name: str | None, delegation: Delegation | None, date: dt.date | None = None, hints: tuple[str, ...] = ()
    ) -> Speaker | None:
        """The person ``name`` names, printed for ``delegation`` on ``date``: the one a form already
        stored names (a hand merge or split stays so on every re-import), else the person
        archive.parsing.identity.resolve finds, else a new one. No one for a name never printed
        ("unknown"). A compound name ("Mr. Pham Binh Minh/Mr. Dang": two people who presided in
        turn) makes both known people, and is the one the ``hints`` (the turn's label, the
        President on the record's cover) name, or no one."""
        if is_unnamed(name):
            return None
        names = compound_names(name)
        if len(names) > 1:
            people = {part: self.speaker(part, delegation, date) for part in names}
            chosen = one_of(names, hints)
            return people[chosen[0]] if chosen else None
        name = names[0]  # "Mr. Dang/": one name
        if not surname_key(name):
            return None
        if not hasattr(self, "people"):
            self._load_people()
        delegation_id = delegation.pk if delegation else None
        pk = self.printed.get((fold(name).strip(), delegation_id))
        evidence = ""
        if pk is None:
            found = resolve(name, delegation.key if delegation else None, date, self._candidates(delegation))
            pk, evidence = found.ref, found.evidence
        person = self.people[pk] if pk is not None else self._new_person(name, delegation)
        person.seen(date)
        self.touched.add(person.speaker.pk)
        if name not in person.names:
            SpeakerName.objects.get_or_create(speaker=person.speaker, name=name, defaults={"evidence": evidence})
            person.names.append(name)
            self.printed.setdefault((fold(name).strip(), delegation_id), person.speaker.pk)
            shown = display_name(person.names)
            if shown and shown != person.speaker.name:
                person.speaker.name = shown[:200]
                person.speaker.save(update_fields=["name"])
        return person.speaker

    def _candidates(self, delegation: Delegation | None) -> list[Known]:
        """The people a name printed for ``delegation`` may be: that delegation's, and those of a
        catch-all delegation (or, from one, everyone's)."""
        if delegation is not None and delegation.key in CATCH_ALL_DELEGATIONS:
            ids = list(self.people)
        else:
            ids = list(self.by_delegation.get(delegation.pk if delegation else None, []))
            ids += [pk for pk, p in self.people.items() if p.delegation_key in CATCH_ALL_DELEGATIONS]
        return [self.people[pk].known() for pk in ids]

    def _new_person(self, name: str, delegation: Delegation | None) -> _Person:
        key = surname_key(name)[:110]
        taken = {
            p.speaker.surname_key
            for p in self.people.values()
            if p.speaker.delegation_id == (delegation and delegation.pk)
        }
        surname, n = key, 2
        while surname in taken:  # another person of this delegation with this surname
            surname = f"{key}-{n}"
            n += 1
        base = slugify(fold(strip_honorifics(name)))
        base = (base or key)[:90]
        if delegation is not None:
            base = f"{base}-{delegation.key}"[:110]
        slug = base
        n = 2
        while Speaker.objects.filter(slug=slug).exists() or SpeakerRedirect.objects.filter(old_slug=slug).exists():
            slug = f"{base}-{n}"
            n += 1
        speaker = Speaker.objects.create(slug=slug, name=name, surname_key=surname, delegation=delegation)
        person = _Person(speaker)
        self.people[speaker.pk] = person
        self._index(person)
        return person


@dataclass
class _Person:
    """A speaker as the run knows them: every printed form and the span of their statements."""

    speaker: Speaker
    names: list[str] = field(default_factory=list)
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def delegation_key(self) -> str | None:
        return self.speaker.delegation.key if self.speaker.delegation_id else None

    def seen(self, date: dt.date | None) -> None:
        if date is not None:
            self.first = min(self.first or date, date)
            self.last = max(self.last or date, date)

    def known(self) -> Known:
        return Known(self.speaker.pk, tuple(self.names), self.delegation_key, self.first, self.last)
