"""What the archive records about its content and its readers: yearly summaries, renumbered
statement URLs, small state, import runs, data-quality flags, hand corrections, e-mail alert
subscriptions."""

from __future__ import annotations

from django.db import models

from .core import Delegation, Meeting, Speaker, Statement


class DelegationYear(models.Model):
    """What a delegation did in a year: a summary refreshed after each import (archive.stats).

    ``statements`` leaves out the chair's procedural turns, which ``chair_turns`` counts apart.
    """

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()
    statements = models.PositiveIntegerField(default=0)
    chair_turns = models.PositiveIntegerField(default=0)
    council_member = models.BooleanField(default=False, help_text="Sat on the Council at a meeting that year")
    presided = models.BooleanField(default=False)

    class Meta:
        ordering = ["delegation", "year"]
        constraints = [models.UniqueConstraint(fields=["delegation", "year"], name="unique_delegation_year")]

    def __str__(self) -> str:
        return f"{self.delegation} {self.year}"

    @property
    def membership(self) -> str:
        if self.council_member:
            return "permanent member" if self.delegation.permanent_member else "elected member"
        return "invited" if self.statements else ""


class StatementAlias(models.Model):
    """An old statement URL (meeting, order) that a re-import renumbered: it redirects."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="aliases")
    old_order = models.PositiveIntegerField()
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "old_order"], name="unique_statement_alias")]

    def __str__(self) -> str:
        return f"{self.meeting.slug}/{self.old_order} -> {self.statement.order}"


class ArchiveState(models.Model):
    """Small facts about the archive as a whole, such as the version of the summaries."""

    key = models.CharField(max_length=60, primary_key=True)
    value = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class ImportRun(models.Model):
    """One run of an import (import_records, fetch_records): what, how much, what went wrong."""

    command = models.CharField(max_length=40)
    arguments = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    meetings_created = models.PositiveIntegerField(default=0)
    meetings_replaced = models.PositiveIntegerField(default=0)
    meetings_unchanged = models.PositiveIntegerField(default=0)
    meetings_skipped = models.PositiveIntegerField(default=0)
    statements = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.command} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.errors


class StatementFlagQuerySet(models.QuerySet):
    def counts_by_reason(self) -> dict[str, int]:
        """Reason -> how many flags give it (reasons with none left out)."""
        return dict(self.values_list("reason").annotate(n=models.Count("id")).order_by())


class StatementFlag(models.Model):
    """Something the import was unsure of about a statement; recomputed when its meeting is written."""

    REASONS = [
        ("unknown_delegation", "Delegation not in the list of States and organisations"),
        ("unplaced_speaker", "Speaker's delegation or office unknown"),
        ("citation_year", "A cited resolution's printed year contradicts the registry"),
        ("unlabelled", "No speaker label in the source"),
        ("low_ocr_confidence", "Read from a scan, with low OCR confidence"),
    ]
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=40, choices=REASONS, db_index=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = StatementFlagQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "reason"]

    def __str__(self) -> str:
        return f"{self.statement}: {self.get_reason_display()}"


class Correction(models.Model):
    """A hand correction of a statement's delegation or speaker, applied again on every re-import.

    Keyed by the meeting and the statement's number and printed label, so it finds its statement
    again after the meeting is replaced, and is not applied when the label no longer matches.
    """

    meeting_slug = models.SlugField(max_length=40)
    order = models.PositiveIntegerField()
    speaker_label = models.CharField(max_length=300, help_text="The label as printed when corrected")
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.SET_NULL)
    speaker_name = models.CharField(max_length=200, blank=True, help_text="The speaker's name, if it was wrong")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting_slug", "order"], name="unique_correction")]

    def __str__(self) -> str:
        return f"Correction of {self.meeting_slug}/{self.order}"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """An e-mail address following a saved search, a delegation, a speaker or a resolution
    (archive/alerts/). Nothing is sent until ``confirmed_at`` is set (double opt-in);
    ``last_statement_id`` is the highest statement id already considered, so no statement is
    sent twice."""

    KINDS = [
        ("search", "Search"),
        ("delegation", "Delegation"),
        ("speaker", "Speaker"),
        ("resolution", "Resolution"),
    ]
    email = models.EmailField(db_index=True)
    kind = models.CharField(max_length=20, choices=KINDS)
    target = models.CharField(max_length=500, help_text="The query, delegation key, speaker slug or resolution number")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_statement_id = models.BigIntegerField(default=0, help_text="Statements up to this id were considered")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "pk"]
        constraints = [models.UniqueConstraint(fields=["email", "kind", "target"], name="unique_subscription")]

    def __str__(self) -> str:
        return f"{self.email} follows {self.kind} {self.target}"


class SpeakerRedirect(models.Model):
    """The slug of a speaker merged into another: its page answers with a permanent redirect to the
    survivor, and a follow of it follows the survivor."""

    old_slug = models.SlugField(max_length=120, unique=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.speaker.slug}"


class SpeakerDecision(models.Model):
    """A decision by hand about who is who (admin): two speakers merged, or a printed form split
    off to a person of its own. The printed forms it moved stay with their person on every
    re-import (archive.importing.identities); this row says who decided it and when."""

    KINDS = [("merge", "Merged"), ("split", "Split off")]
    kind = models.CharField(max_length=10, choices=KINDS)
    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="decisions", help_text="The survivor, or the person split off"
    )
    other = models.CharField(max_length=120, help_text="Merge: the slug merged in; split: the slug the form left")
    name = models.CharField(max_length=200, blank=True, help_text="Split: the printed form moved")
    note = models.TextField(blank=True)
    made_by = models.CharField(max_length=150, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        if self.kind == "merge":
            return f"{self.other} merged into {self.speaker.slug}"
        return f"{self.name!r} split from {self.other} to {self.speaker.slug}"
