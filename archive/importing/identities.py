"""Who speaks for whom, resolved at write time: the delegations and speakers of an import run,
cached once per run, and the rules that make a speaker's key (surname_key, fold; honorifics: parsing.labels)."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

from archive.parsing import ParseError
from archive.parsing.delegations import delegation_by_key, resolve_delegation
from archive.parsing.labels import strip_honorifics

from ..models import Delegation, Speaker, SpeakerName


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def surname_key(name: str) -> str:
    """The last word of the name once its honorifics are off: "Ms. Inga Rhonda King" -> "king"."""
    words = strip_honorifics(name.replace("’", "'")).split()
    return slugify(fold(words[-1])) if words else slugify(fold(name))


class Identities:
    """Caches delegations and speakers over one import run."""

    def __init__(self) -> None:
        self.delegations: dict[str, Delegation] = {d.key: d for d in Delegation.objects.all()}
        self.speakers: dict[tuple[str, int | None], Speaker] = {
            (s.surname_key, s.delegation_id): s for s in Speaker.objects.all()
        }
        self.names: set[tuple[int, str]] = set(SpeakerName.objects.values_list("speaker_id", "name"))

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
    def speaker(self, name: str | None, delegation: Delegation | None) -> Speaker | None:
        if not name:
            return None
        if "/" in name:  # "Mr. Goffin/Mr. Pecsteen de Buytswerve": the corpus names two people
            name = name.rsplit("/", 1)[1].strip() or name
        key = (surname_key(name), delegation.pk if delegation else None)
        if not key[0]:
            return None
        speaker = self.speakers.get(key)
        if speaker is None:
            base = slugify(fold(strip_honorifics(name)))
            base = (base or key[0])[:90]
            if delegation is not None:
                base = f"{base}-{delegation.key}"[:110]
            slug = base
            n = 2
            while Speaker.objects.filter(slug=slug).exists():
                slug = f"{base}-{n}"
                n += 1
            speaker = Speaker.objects.create(slug=slug, name=name, surname_key=key[0], delegation=delegation)
            self.speakers[key] = speaker
        elif len(name) > len(speaker.name) and "/" not in name and surname_key(name) == speaker.surname_key:
            speaker.name = name  # the fullest form seen: "Mr. Vassily Nebenzia"
            speaker.save(update_fields=["name"])
        if (speaker.pk, name) not in self.names:
            SpeakerName.objects.get_or_create(speaker=speaker, name=name)
            self.names.add((speaker.pk, name))
        return speaker
