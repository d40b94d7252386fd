# Speakers' surname keys by the one honorifics rule (archive.parsing.labels.strip_honorifics): the
# key was the last word left after removing honorific words anywhere in the name, so a surname that
# is also a title ("Ms. Inga Rhonda King", "Ms. Diani Jimesha Prince") lost it ("rhonda", "jimesha").
# Keys are recomputed with the rule as it stands now (frozen here, with its list), and two speakers
# of one delegation that now share a key become one, as in 0010.

import re
import unicodedata

from django.db import migrations
from django.utils.text import slugify

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
_HON = "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
_LEADING = re.compile(rf"^(?:(?:{_HON})\s+)+(?=\S)")


def surname_key(name):
    words = _LEADING.sub("", name.replace("\u2019", "'").strip()).split()
    fold = lambda text: unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()  # noqa: E731
    return slugify(fold(words[-1])) if words else slugify(fold(name))


def rekey_speakers(apps, schema_editor):
    Speaker = apps.get_model("archive", "Speaker")
    SpeakerName = apps.get_model("archive", "SpeakerName")
    Statement = apps.get_model("archive", "Statement")
    kept = {}
    for speaker in Speaker.objects.order_by("pk"):
        key = (surname_key(speaker.name)[:120], speaker.delegation_id)
        first = kept.setdefault(key, speaker)
        if first is not speaker:
            Statement.objects.filter(speaker=speaker).update(speaker=first)
            known = set(SpeakerName.objects.filter(speaker=first).values_list("name", flat=True))
            SpeakerName.objects.filter(speaker=speaker).exclude(name__in=known).update(speaker=first)
            SpeakerName.objects.filter(speaker=speaker).delete()
            first.statement_count += speaker.statement_count
            if len(speaker.name) > len(first.name):
                first.name = speaker.name
            first.save(update_fields=["statement_count", "name"])
            speaker.delete()
    changing = [(key, speaker) for (key, _delegation), speaker in kept.items() if speaker.surname_key != key]
    for _key, speaker in changing:  # out of the way first: a new key may be another's old one
        speaker.surname_key = f"~{speaker.pk}"
        speaker.save(update_fields=["surname_key"])
    for key, speaker in changing:
        speaker.surname_key = key
        speaker.save(update_fields=["surname_key"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_speaker_delegation_protected"),
    ]

    operations = [migrations.RunPython(rekey_speakers, migrations.RunPython.noop)]
