# One Person per human being (docs/speakers.md): every printed form records why it is its person's
# (SpeakerName.evidence); hand decisions (SpeakerDecision) and merged slugs (SpeakerRedirect) are
# kept. Stored speakers are re-keyed by the identity rule (archive.parsing.identity, pure Python):
# people named "unknown" are dropped (their statements keep their delegation and show as
# "Representative of X"), and two speakers the rule finds to be one person become the one with
# more statements; the other's slug redirects to it and follows of it follow it.

import datetime as dt

from django.db import migrations, models
from django.db.models import Max, Min
from django.utils.text import slugify

from archive.parsing.identity import (
    CATCH_ALL_DELEGATIONS,
    Known,
    display_name,
    fold,
    is_unnamed,
    label_name,
    give_to_nearest,
    name_form,
    same_person,
    surnames_in_doubt,
)


def rekey_speakers(apps, schema_editor):
    Speaker = apps.get_model("archive", "Speaker")
    SpeakerName = apps.get_model("archive", "SpeakerName")
    SpeakerRedirect = apps.get_model("archive", "SpeakerRedirect")
    Statement = apps.get_model("archive", "Statement")
    Subscription = apps.get_model("archive", "Subscription")
    for speaker in Speaker.objects.all():
        if is_unnamed(speaker.name):
            Statement.objects.filter(speaker=speaker).update(speaker=None)
            speaker.delete()
    spans = {
        row["speaker"]: (row["first"], row["last"])
        for row in Statement.objects.filter(speaker__isnull=False)
        .values("speaker")
        .annotate(first=Min("meeting__date"), last=Max("meeting__date"))
    }
    names = {}
    for speaker_id, name in SpeakerName.objects.values_list("speaker_id", "name"):
        names.setdefault(speaker_id, []).append(name)
    kept = {}  # delegation id -> [(speaker, names, first, last, delegation key)]
    for speaker in Speaker.objects.select_related("delegation").order_by("-statement_count", "pk"):
        forms = names.get(speaker.pk) or [speaker.name]
        first, last = spans.get(speaker.pk, (None, None))
        key = speaker.delegation.key if speaker.delegation_id else None
        people = kept.setdefault(speaker.delegation_id, [])
        candidates = [(people, index) for index in range(len(people))]
        if key in CATCH_ALL_DELEGATIONS:  # "Sven Jiirgenson" filed under "UN": his State's person
            candidates += [
                (group, i) for d, group in kept.items() if d != speaker.delegation_id for i in range(len(group))
            ]
        known = [
            Known(n, tuple(group[i][1]), group[i][4], group[i][2], group[i][3])
            for n, (group, i) in enumerate(candidates)
        ]
        found = same_person(forms, key, first or last, known)  # the rule every import run ends with
        if found is None:
            people.append((speaker, list(forms), first, last, key))
            continue
        people, index = candidates[found[0]]
        evidence = found[1]
        survivor, survivor_forms, s_first, s_last, s_key = people[index]
        Statement.objects.filter(speaker=speaker).update(speaker=survivor)
        for form in SpeakerName.objects.filter(speaker=speaker):
            if form.name in survivor_forms:
                form.delete()
            else:
                form.speaker = survivor
                form.evidence = f"{evidence} (was {speaker.slug})"
                form.save(update_fields=["speaker", "evidence"])
                survivor_forms.append(form.name)
        SpeakerRedirect.objects.filter(speaker=speaker).update(speaker=survivor)
        SpeakerRedirect.objects.update_or_create(old_slug=speaker.slug, defaults={"speaker": survivor})
        for follow in Subscription.objects.filter(kind="speaker", target=speaker.slug):
            if Subscription.objects.filter(email=follow.email, kind="speaker", target=survivor.slug).exists():
                follow.delete()
            else:
                follow.target = survivor.slug
                follow.save(update_fields=["target"])
        survivor.statement_count += speaker.statement_count
        survivor.name = display_name(survivor_forms)[:200] or survivor.name
        survivor.save(update_fields=["statement_count", "name"])
        speaker.delete()
        dates = [d for d in (s_first, s_last, first, last) if isinstance(d, dt.date)]
        people[index] = (survivor, survivor_forms, min(dates, default=None), max(dates, default=None), s_key)
    # A surname alone that one person kept while a namesake of the delegation bears it too ("Mr. Pham"
    # with Pham Hai Anh, Pham Binh Minh known): a person of its own, by the rule every run ends with.
    for people in kept.values():
        known = [Known(i, tuple(p[1]), p[4], p[2], p[3]) for i, p in enumerate(people)]
        for person in known:
            speaker, forms = people[person.ref][0], people[person.ref][1]
            for name, why in surnames_in_doubt(person, known):
                alone = _take_back(apps, speaker, name, f"taken back from {speaker.slug}: {why}")
                forms.remove(name)
                speaker.name = display_name(forms)[:200] or speaker.name
                speaker.save(update_fields=["name"])
                _give_to_nearest(apps, alone, name, people)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _take_back(apps, speaker, name, evidence):
    """The form ``name`` of ``speaker`` and the statements whose label prints it: a new person."""
    Speaker = apps.get_model("archive", "Speaker")
    SpeakerName = apps.get_model("archive", "SpeakerName")
    SpeakerRedirect = apps.get_model("archive", "SpeakerRedirect")
    Statement = apps.get_model("archive", "Statement")
    same = Speaker.objects.filter(delegation_id=speaker.delegation_id)
    key = base_key = slugify(name_form(name).surname) or "speaker"
    slug = base_slug = "-".join(filter(None, [key, speaker.delegation.key if speaker.delegation_id else ""]))
    n = 2
    while same.filter(surname_key=key).exists():
        key, n = f"{base_key}-{n}", n + 1
    n = 2
    while Speaker.objects.filter(slug=slug).exists() or SpeakerRedirect.objects.filter(old_slug=slug).exists():
        slug, n = f"{base_slug}-{n}", n + 1
    moved = [
        s.pk
        for s in Statement.objects.filter(speaker=speaker).only("pk", "speaker_label")
        if fold(label_name(s.speaker_label)) == fold(name)
    ]
    alone = Speaker.objects.create(
        slug=slug, name=name, surname_key=key, delegation_id=speaker.delegation_id, statement_count=len(moved)
    )
    SpeakerName.objects.filter(speaker=speaker, name=name).update(speaker=alone, evidence=evidence)
    Statement.objects.filter(pk__in=moved).update(speaker=alone)
    speaker.statement_count = max(speaker.statement_count - len(moved), 0)
    speaker.save(update_fields=["statement_count"])
    return alone


def _give_to_nearest(apps, alone, name, people):
    """Each statement of the surname person ``alone`` whose label prints ``name``: the namesake of
    the delegation whose fuller form is printed nearest its date, where that decides it (the rule
    every import run ends with, identity.nearest_namesake)."""
    Statement = apps.get_model("archive", "Statement")
    owners = {fold(n).strip(): p[0].pk for p in people if p[0].pk != alone.pk for n in p[1]}
    labels = list(
        Statement.objects.filter(speaker__delegation_id=alone.delegation_id).values_list(
            "speaker", "speaker_label", "meeting__date"
        )
    )
    by_pk = {p[0].pk: p[0] for p in people}
    own = Statement.objects.filter(speaker=alone).values_list("pk", "speaker_label", "meeting__date")
    for pk, found in give_to_nearest(name, own, labels, owners):
        Statement.objects.filter(pk=pk).update(speaker_id=found.ref)
        alone.statement_count -= 1
        by_pk[found.ref].statement_count += 1
        by_pk[found.ref].save(update_fields=["statement_count"])
    alone.save(update_fields=["statement_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_speaker_surname_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="speakername",
            name="evidence",
            field=models.TextField(blank=True, help_text="Why this form is this person's (empty: the first form)"),
        ),
        migrations.CreateModel(
            name="SpeakerRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_slug", models.SlugField(max_length=120, unique=True)),
                (
                    "speaker",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name="redirects", to="archive.speaker"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SpeakerDecision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("merge", "Merged"), ("split", "Split off")], max_length=10)),
                (
                    "other",
                    models.CharField(
                        help_text="Merge: the slug merged in; split: the slug the form left", max_length=120
                    ),
                ),
                ("name", models.CharField(blank=True, help_text="Split: the printed form moved", max_length=200)),
                ("note", models.TextField(blank=True)),
                ("made_by", models.CharField(blank=True, max_length=150)),
                ("made_at", models.DateTimeField(auto_now_add=True)),
                (
                    "speaker",
                    models.ForeignKey(
                        help_text="The survivor, or the person split off",
                        on_delete=models.deletion.CASCADE,
                        related_name="decisions",
                        to="archive.speaker",
                    ),
                ),
            ],
            options={"ordering": ["-made_at", "-pk"]},
        ),
        migrations.RunPython(rekey_speakers, migrations.RunPython.noop),
    ]
