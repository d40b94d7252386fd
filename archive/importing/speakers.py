"""Who is who, decided by hand (admin) or found again over stored speakers (migration 0014): merging
two speakers, splitting a printed form off to a person of its own, and the report of every form
the automatic rule joined to a person (``manage.py speaker_merges``).

A decision moves printed forms (SpeakerName rows) between people; the import looks a printed form
up before it asks the rule (Identities.speaker), so a re-import keeps the decision. Merged slugs
answer with the survivor (SpeakerRedirect) and follows of them follow the survivor.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from archive.parsing.identity import (
    display_name,
    fold,
    give_to_nearest,
    label_name,
    name_form,
    same_person,
    surnames_in_doubt,
)

from ..models import Speaker, SpeakerDecision, SpeakerName, SpeakerRedirect, Statement, Subscription
from ..stats import refresh_summaries
from .identities import Identities

HAND = "by hand"  # in the evidence of every form a person moved
TAKEN_BACK = "taken back from"  # in the evidence of a surname alone taken back out (take_back_surnames)


def _reindex(meeting_ids: set[int]) -> None:
    from archive.search.upkeep import index_meetings

    if meeting_ids:
        transaction.on_commit(lambda: index_meetings(sorted(meeting_ids)))


def merge_speakers(
    survivor: Speaker, gone: Speaker, *, evidence: str, made_by: str = "", by_hand: bool = True
) -> Speaker:
    """``gone`` becomes ``survivor``: its statements, its printed forms (with ``evidence``), its
    redirects and its followers move; its slug redirects. ``by_hand``: recorded as a decision."""
    if survivor.pk == gone.pk:
        raise ValueError(f"cannot merge {survivor.slug!r} into itself")
    with transaction.atomic():
        meetings = set(Statement.objects.filter(speaker=gone).values_list("meeting_id", flat=True))
        Statement.objects.filter(speaker=gone).update(speaker=survivor)
        known = set(SpeakerName.objects.filter(speaker=survivor).values_list("name", flat=True))
        for form in SpeakerName.objects.filter(speaker=gone):
            if form.name in known:
                form.delete()
                continue
            form.speaker = survivor
            form.evidence = f"{evidence} (was {gone.slug})" if evidence else form.evidence
            form.save(update_fields=["speaker", "evidence"])
        SpeakerRedirect.objects.filter(speaker=gone).update(speaker=survivor)
        SpeakerRedirect.objects.update_or_create(old_slug=gone.slug, defaults={"speaker": survivor})
        for follow in Subscription.objects.filter(kind="speaker", target=gone.slug):
            if Subscription.objects.filter(email=follow.email, kind="speaker", target=survivor.slug).exists():
                follow.delete()  # already follows the survivor
            else:
                follow.target = survivor.slug
                follow.save(update_fields=["target"])
        if by_hand:
            SpeakerDecision.objects.create(
                kind="merge", speaker=survivor, other=gone.slug, note=evidence, made_by=made_by
            )
        gone.delete()
        survivor.name = display_name(survivor.names.values_list("name", flat=True)) or survivor.name
        survivor.save(update_fields=["name"])
        refresh_summaries(speakers=[survivor.pk])
        _reindex(meetings)
    return survivor


def split_name(speaker: Speaker, name: str, *, made_by: str = "", note: str = "") -> Speaker:
    """The printed form ``name`` of ``speaker`` becomes a person of its own (same delegation), with
    the statements whose label prints that name; on re-import the form names the new person."""
    with transaction.atomic():
        SpeakerName.objects.get(speaker=speaker, name=name)  # a form not theirs: DoesNotExist
        if speaker.names.count() < 2:
            raise ValueError(f"{name!r} is the only form of {speaker.slug!r}: nothing to split from")
        evidence = (
            f"split from {speaker.slug} {HAND}" + (f" by {made_by}" if made_by else "") + (f": {note}" if note else "")
        )
        person = _split_off(speaker, name, evidence=evidence)
        SpeakerDecision.objects.create(
            kind="split", speaker=person, other=speaker.slug, name=name, note=note, made_by=made_by
        )
    return person


def _split_off(speaker: Speaker, name: str, *, evidence: str, people: Identities | None = None) -> Speaker:
    """Move the printed form ``name`` of ``speaker``, with the statements whose label prints it, to
    a new person of the same delegation; the form keeps ``evidence``."""
    form = SpeakerName.objects.get(speaker=speaker, name=name)
    if people is None:
        people = Identities()
        people._load_people()
    person = people._new_person(name, speaker.delegation)
    person.names.append(name)
    form.speaker = person.speaker
    form.evidence = evidence
    form.save(update_fields=["speaker", "evidence"])
    moved = [
        s.pk
        for s in Statement.objects.filter(speaker=speaker).only("pk", "speaker_label")
        if fold(label_name(s.speaker_label)) == fold(name)
    ]
    meetings = set(Statement.objects.filter(pk__in=moved).values_list("meeting_id", flat=True))
    Statement.objects.filter(pk__in=moved).update(speaker=person.speaker)
    speaker.name = display_name(speaker.names.values_list("name", flat=True)) or speaker.name
    speaker.save(update_fields=["name"])
    refresh_summaries(speakers=[speaker.pk, person.speaker.pk])
    _reindex(meetings)
    return person.speaker


def take_back_surnames(speaker_ids: set[int]) -> list[tuple[str, str, str]]:
    """The end of an import run, after the joins: in each delegation of a speaker the run named,
    a surname printed alone that the rule joined to a person ("Mr. Pham" to Pham Binh Minh, the
    only Pham known then) while another person of the delegation now bears it too (Pham Hai Anh,
    first printed in full later) is taken back out, with its statements, to an unresolved person of
    its own shown by that surname (identity.surnames_in_doubt), for a reviewer to merge by hand.
    A person a hand decision made or changed (a form "by hand") is left as it is. Returns
    (the slug the form left, the form, the evidence) for each."""
    people = Identities()
    people._load_people()
    stored = {
        (pk, name): evidence for pk, name, evidence in SpeakerName.objects.values_list("speaker", "name", "evidence")
    }
    delegations = {people.people[pk].speaker.delegation_id for pk in speaker_ids if pk in people.people}
    taken = []
    for delegation_id in sorted(delegations, key=lambda d: (d is None, d or 0)):
        known = [people.people[pk].known() for pk in people.by_delegation.get(delegation_id, [])]
        for person in known:
            speaker = people.people[person.ref].speaker
            if any(HAND in stored[(person.ref, name)] for name in person.names):
                continue  # a person a hand decision made: the reviewer's call stands
            for name, why in surnames_in_doubt(person, known):
                joined = stored[(person.ref, name)]
                evidence = f"{TAKEN_BACK} {speaker.slug}: {why}" + (f"; it was joined: {joined}" if joined else "")
                with transaction.atomic():
                    _split_off(speaker, name, evidence=evidence, people=people)
                people.people[person.ref].names.remove(name)
                taken.append((speaker.slug, name, evidence))
    return taken


def give_surnames_to_nearest(speaker_ids: set[int]) -> list[tuple[str, str, str]]:
    """The end of an import run, after the take-backs: in each delegation of a speaker the run
    named, every statement of an unresolved surname person ("Mr. Dang", taken back because Dang
    Dinh Quy and Dang Minh Khoi both bear it) whose own label prints that surname goes to the
    namesake whose fuller form is printed nearest its meeting's date (identity.nearest_namesake);
    the ones it cannot decide stay. A person a hand decision made or changed is left as it is, and
    a statement labelled "The President" (no surname printed) too. Returns (the slug the statement
    went to, its label, the evidence) for each."""
    delegations = set(Speaker.objects.filter(pk__in=speaker_ids).values_list("delegation_id", flat=True))
    moved = []
    for delegation_id in sorted(delegations, key=lambda d: (d is None, d or 0)):
        forms: dict[int, list[tuple[str, str]]] = {}
        for pk, name, evidence in SpeakerName.objects.filter(speaker__delegation_id=delegation_id).values_list(
            "speaker", "name", "evidence"
        ):
            forms.setdefault(pk, []).append((name, evidence))
        alone = {
            pk
            for pk, named in forms.items()
            if all(name_form(n).parts == 1 for n, _e in named)
            and any(e.startswith(TAKEN_BACK) for _n, e in named)
            and not any(HAND in e for _n, e in named)
        }
        if not alone:
            continue
        owners = {fold(n).strip(): pk for pk, named in forms.items() if pk not in alone for n, _e in named}
        labels = list(
            Statement.objects.filter(speaker__delegation_id=delegation_id).values_list(
                "speaker", "speaker_label", "meeting__date"
            )
        )
        slugs = dict(Speaker.objects.filter(delegation_id=delegation_id).values_list("pk", "slug"))
        changed, meetings = {*alone}, set()
        for pk in sorted(alone):
            own = Statement.objects.filter(speaker_id=pk).values_list("pk", "speaker_label", "meeting__date")
            for name, _e in forms[pk]:
                for statement, found in give_to_nearest(name, own, labels, owners):
                    row = Statement.objects.filter(pk=statement)
                    label, meeting = row.values_list("speaker_label", "meeting_id").get()
                    row.update(speaker_id=found.ref)
                    changed.add(found.ref)
                    meetings.add(meeting)
                    moved.append((slugs[found.ref], label, found.evidence))
        refresh_summaries(speakers=sorted(changed))
        _reindex(meetings)
    return moved


def join_touched(speaker_ids: set[int]) -> list[tuple[str, str, str]]:
    """The end of an import run: each speaker it named, checked against the other people of its
    delegation (and of the catch-all) by the rule migration 0014 uses (identity.same_person), so
    that two forms met in the "wrong" order ("Ms. Al-Thani" before "Alya Ahmed Saif Al-Thani"
    joined "Alya Ahmed Saif") still end as one person. The one with more statements survives; the
    merge is recorded with the rule's evidence, as automatic; two people a hand split parted are
    never joined again. Returns (survivor, gone, evidence) slugs."""
    people = Identities()
    people._load_people()
    counts = dict.fromkeys(people.people, 0)
    counts.update(Statement.objects.filter(speaker__isnull=False).values_list("speaker").annotate(n=Count("pk")))
    parted = set()  # a split's two people, each as they are now (merged since: the survivor)
    for decision in SpeakerDecision.objects.filter(kind="split"):
        left = Speaker.objects.slug_or_merged(decision.other).values_list("pk", flat=True).first()
        if left is not None:
            parted.add(frozenset((decision.speaker_id, left)))
    joined = []
    for pk in sorted(speaker_ids, key=lambda pk: (counts.get(pk, 0), pk)):
        person = people.people.get(pk)
        if person is None:
            continue  # merged already in this pass
        others = [k for k in people._candidates(person.speaker.delegation) if k.ref != pk]
        found = same_person(person.names, person.delegation_key, person.first or person.last, others)
        if found is None:
            continue
        other = people.people[found[0]]
        if frozenset((pk, other.speaker.pk)) in parted:
            continue
        survivor, gone = (other, person) if counts[other.speaker.pk] >= counts[pk] else (person, other)
        gone_pk, gone_slug = gone.speaker.pk, gone.speaker.slug
        merge_speakers(survivor.speaker, gone.speaker, evidence=found[1], by_hand=False)
        joined.append((survivor.speaker.slug, gone_slug, found[1]))
        survivor.names.extend(n for n in gone.names if n not in survivor.names)
        for date in (gone.first, gone.last):
            survivor.seen(date)
        counts[survivor.speaker.pk] += counts.pop(gone_pk)
        people.people.pop(gone_pk)
        for ids in people.by_delegation.values():
            if gone_pk in ids:
                ids.remove(gone_pk)
    return joined


@dataclass(frozen=True)
class MergedForm:
    speaker: str
    delegation: str
    form: str
    evidence: str
    by_hand: bool


def merge_report() -> list[MergedForm]:
    """Every printed form joined to a person after its first (automatically, with the rule's
    evidence, or by a decision), by speaker."""
    forms = (
        SpeakerName.objects.exclude(evidence="")
        .select_related("speaker__delegation")
        .order_by("speaker__delegation__key", "speaker__slug", "name")
    )
    return [
        MergedForm(
            speaker=f.speaker.slug,
            delegation=f.speaker.delegation.key if f.speaker.delegation_id else "",
            form=f.name,
            evidence=f.evidence,
            by_hand=HAND in f.evidence,
        )
        for f in forms
    ]
