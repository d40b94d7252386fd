"""The archive's content: delegations, speakers, meetings, Council seats, statements,
resolutions and the citations between them, with the QuerySet methods pages use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from archive.parsing.delegations import STATE_KINDS
from archive.parsing.identity import is_unnamed

ROLE_CHOICES = [
    ("president", "President"),
    ("member", "Council member"),
    ("invitee", "Invited delegation"),
    ("secretariat", "Secretariat"),
    ("committee-chair", "Chair of a Council body"),  # archive/parsing/roles.py CHAIR
    ("other", "Other briefer"),
]
INVITED_UNDER_CHOICES = [("37", "Rule 37 (a State)"), ("39", "Rule 39 (a briefer)")]
SOURCE_CHOICES = [
    ("pdf", "Verbatim record (PDF)"),
    ("text", "Verbatim record (text)"),
    ("corpus", "Research corpus"),
    ("statement", "Single statement"),
]
# When one meeting arrives from several sources, the higher rank wins.
SOURCE_RANK = {"pdf": 4, "text": 3, "corpus": 2, "statement": 1}


def official_document_url(symbol: str) -> str:
    """A document in the UN's official document system (settings.OFFICIAL_DOCUMENT_URL), its
    symbol written without spaces ("S/PV.8699(Resumption1)", as that system spells it)."""
    return settings.OFFICIAL_DOCUMENT_URL.format(symbol=symbol.replace(" ", ""))


class Delegation(models.Model):
    KIND_CHOICES = [
        ("state", "Member State"),
        ("observer_state", "Observer State"),
        ("organisation", "Organisation"),
        ("secretariat", "United Nations Secretariat"),
        ("unknown", "Not in the list of States and organisations"),
    ]
    key = models.SlugField(max_length=80, unique=True, help_text="ISO 3166 alpha-3 for States")
    name = models.CharField(max_length=200, help_text="The UN's own short name")
    short_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    iso2 = models.CharField(max_length=2, blank=True)
    iso3 = models.CharField(max_length=3, blank=True)
    permanent_member = models.BooleanField(default=False)
    statement_count = models.PositiveIntegerField(default=0, help_text="Refreshed after each import")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_state(self) -> bool:
        return self.kind in STATE_KINDS

    def get_absolute_url(self) -> str:
        if self.is_state:
            return reverse("archive:country-detail", args=[self.key])
        return reverse("archive:organisation-detail", args=[self.key])


class SpeakerQuerySet(models.QuerySet):
    def active(self) -> SpeakerQuerySet:
        """Speakers with at least one statement (counts refreshed after each import)."""
        return self.filter(statement_count__gt=0)

    def merged_into(self, old_slug: str) -> SpeakerQuerySet:
        """The speaker a merged slug now is (SpeakerRedirect), as a QuerySet of zero or one."""
        return self.filter(redirects__old_slug=old_slug)

    def slug_or_merged(self, slug: str) -> SpeakerQuerySet:
        """The speaker with this slug, or the one it was merged into (zero or one)."""
        return self.filter(models.Q(slug=slug) | models.Q(redirects__old_slug=slug)).distinct()


class Speaker(models.Model):
    """One person (archive.parsing.identity decides who is who). ``name`` is the fullest form seen,
    surname spelt as the best source spelt it; ``names`` keeps every printed form and its evidence."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    surname_key = models.CharField(max_length=120, db_index=True)
    # PROTECT: a delegation cannot be deleted from under its speakers (left without one, two of them
    # with one surname would be one person twice); move them first.
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="speakers")
    statement_count = models.PositiveIntegerField(default=0, help_text="Refreshed after each import")

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # One person per surname and delegation (what the importer resolves a name to), so two
        # imports at once cannot both create "Mr. Dang" of Viet Nam (dang-vnm and dang-vnm-2).
        constraints = [
            models.UniqueConstraint(
                fields=["surname_key", "delegation"],
                condition=models.Q(delegation__isnull=False),
                name="unique_speaker_per_delegation",
            ),
            models.UniqueConstraint(
                fields=["surname_key"],
                condition=models.Q(delegation__isnull=True),
                name="unique_speaker_without_delegation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:speaker-detail", args=[self.slug])


class SpeakerName(models.Model):
    """A form of a speaker's name as printed, and why it is this person's (archive.parsing.identity):
    empty ``evidence`` for the first form, the rule's words for an automatic merge, the editor's
    decision for a hand merge or split. A form once stored names this person on every re-import."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    evidence = models.TextField(blank=True, help_text="Why this form is this person's (empty: the first form)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["speaker", "name"], name="unique_speaker_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgendaItemQuerySet(models.QuerySet):
    def with_meeting_spans(self) -> AgendaItemQuerySet:
        """Each item with ``meeting_count`` and the ``first`` and ``last`` dates of its meetings (its
        own, not its sub-items'), in the list's order: one query."""
        return self.select_related("parent").annotate(
            meeting_count=models.Count("meetings"),
            first=models.Min("meetings__date"),
            last=models.Max("meetings__date"),
        )

    def held(self) -> AgendaItemQuerySet:
        """Items with at least one meeting filed under them, in the list's order."""
        return self.filter(pk__in=Meeting.objects.filter(agenda_item__isnull=False).values("agenda_item"))

    def family(self, item: AgendaItem) -> AgendaItemQuerySet:
        """The item and its sub-items (one level down, as the list of agenda items goes)."""
        return self.filter(models.Q(pk=item.pk) | models.Q(parent=item))


class AgendaItem(models.Model):
    """One of the Council's agenda items, as ``archive/parsing/agenda_items.tsv`` lists it; each
    meeting is filed under one, and keeps the title it printed (``Meeting.agenda_as_printed``)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=500, help_text="The Council's own wording")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_items", help_text="A broader item"
    )
    position = models.PositiveIntegerField(default=0, help_text="Its place in the list's file")

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:agenda-detail", args=[self.slug])


class MeetingQuerySet(models.QuerySet):
    def in_year(self, year: int) -> MeetingQuerySet:
        return self.filter(date__year=year)

    def newest_first(self) -> MeetingQuerySet:
        return self.order_by("-date", "-number", models.F("resumption").desc(nulls_last=True), "-pk")

    def with_statement_counts(self) -> MeetingQuerySet:
        """Newest first, with the presidency; ``statement_count`` is stored on the meeting. The
        record's JSON (agenda, stage directions, votes) is left unread: listings don't show it."""
        return (
            self.select_related("presidency", "agenda_item")
            .defer("agenda", "stage_directions", "votes", "invitations", "warnings")
            .newest_first()
        )

    def chronological(self) -> MeetingQuerySet:
        return self.order_by("date", "number", models.F("resumption").asc(nulls_first=True), "pk")

    def between(self, start=None, end=None) -> MeetingQuerySet:
        """Meetings held from ``start`` to ``end`` (both days included; either may be None)."""
        return self.filter(**_date_bounds("date", start, end))

    def under(self, item: AgendaItem) -> MeetingQuerySet:
        """Meetings filed under ``item`` or one of its sub-items."""
        return self.filter(agenda_item__in=AgendaItem.objects.family(item))

    def agenda_unmatched(self) -> MeetingQuerySet:
        """Meetings whose printed title matched no agenda item of the list (to be reviewed)."""
        return self.filter(agenda_item__isnull=True).exclude(agenda_as_printed="")

    def date_span(self) -> dict:
        """{"first": the earliest meeting's date, "last": the latest's} (None when there are none)."""
        return self.aggregate(first=models.Min("date"), last=models.Max("date"))


class Meeting(models.Model):
    symbol = models.CharField(max_length=40, help_text="S/PV.8698, or S/2020/NNN for a letter")
    number = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    resumption = models.PositiveSmallIntegerField(null=True, blank=True)
    slug = models.SlugField(max_length=40, unique=True, help_text="8698, 8699-r1, s-2020-253")
    date = models.DateField(null=True, blank=True, db_index=True)
    start_time = models.CharField(max_length=40, blank=True)
    place = models.CharField(max_length=120, blank=True)
    council_year = models.CharField(max_length=60, blank=True)
    president_name = models.CharField(max_length=200, blank=True)
    presidency = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="presidencies"
    )
    topic = models.CharField(max_length=500, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    agenda_as_printed = models.CharField(
        max_length=500, blank=True, help_text="The title the item was matched from, as printed (or unmatched)"
    )
    agenda = models.JSONField(default=list, blank=True, help_text="[{title, documents}]")
    stage_directions = models.JSONField(default=list, blank=True, help_text="[{position, kind, text}]")
    votes = models.JSONField(default=list, blank=True)
    invitations = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    statement_count = models.PositiveIntegerField(default=0)
    source_kind = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    source_name = models.CharField(max_length=300)
    read_by_ocr = models.BooleanField(default=False, help_text="Read from page images (a scan) through OCR")
    source_checksum = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-number", models.F("resumption").desc(nulls_last=True)]
        # ``slug`` is unique and made from symbol and resumption, so one row per meeting part.
        indexes = [models.Index(fields=["symbol", "resumption"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.symbol + (f" (Resumption {self.resumption})" if self.resumption else "")

    @staticmethod
    def make_slug(symbol: str, number: int | None, resumption: int | None) -> str:
        base = str(number) if number is not None else slugify(symbol.replace("/", "-"))
        return base + (f"-r{resumption}" if resumption else "")

    def get_absolute_url(self) -> str:
        return reverse("archive:meeting-detail", args=[self.slug])

    @property
    def official_url(self) -> str:
        return official_document_url(self.title)

    def transcript(self, statements: list[Statement]) -> list[dict]:
        """Statements in order with the stage directions and votes printed between them.

        A stage direction's ``position`` is the number of statements before it.
        """
        by_position: dict[int, list[dict]] = {}
        for item in self.stage_directions:
            by_position.setdefault(int(item["position"]), []).append({"type": "stage", **item})
        votes = {int(v["position"]): v for v in self.votes}
        items: list[dict] = []
        for index in range(len(statements) + 1):
            for stage in by_position.get(index, []):
                if stage["kind"] == "vote" and index in votes and stage["text"].startswith("In favour"):
                    items.append({"type": "vote", **votes[index]})
                else:
                    items.append(stage)
            if index < len(statements):
                items.append({"type": "statement", "statement": statements[index]})
        return items

    def neighbour(self, step: int) -> Meeting | None:
        """The previous (-1) or next (+1) meeting in time."""
        if self.date is None:
            return None
        key = (self.date, self.number or 0, self.resumption or 0)
        qs = Meeting.objects.exclude(pk=self.pk).only("slug", "symbol", "resumption", "date", "number")
        if step < 0:
            candidates = qs.filter(date__lte=self.date).order_by("-date", "-number", "-resumption")[:5]
            for m in candidates:
                if (m.date, m.number or 0, m.resumption or 0) < key:
                    return m
        else:
            candidates = qs.filter(date__gte=self.date).order_by("date", "number", "resumption")[:5]
            for m in candidates:
                if (m.date, m.number or 0, m.resumption or 0) > key:
                    return m
        return None


class CouncilSeat(models.Model):
    """A Council member present at a meeting, with its representative, as the cover page lists."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="seats")
    representative = models.CharField(max_length=200, blank=True)
    is_president = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "delegation"], name="unique_seat")]
        ordering = ["delegation__name"]

    def __str__(self) -> str:
        return f"{self.delegation} at {self.meeting}"


class StatementQuerySet(models.QuerySet):
    def listing(self) -> StatementQuerySet:
        """Everything the statement partial shows: one query, and one more for the flags."""
        return self.select_related("meeting", "speaker", "delegation").prefetch_related("flags")

    def by_delegation(self, delegation: Delegation) -> StatementQuerySet:
        return self.filter(delegation=delegation)

    def titled(self, kind: str) -> StatementQuerySet:
        """Statements by speakers holding a title of ``kind`` ("special-envoy": roles.title_kind)."""
        return self.filter(title_kind=kind)

    def substantive(self) -> StatementQuerySet:
        """Leaves out the chair's procedural turns (the President not speaking for a country)."""
        return self.exclude(role="president", national_capacity=False)

    def newest_first(self) -> StatementQuerySet:
        return self.order_by("-chrono")

    def explaining_vote(self, meeting_id: int | None, position: int | None) -> StatementQuerySet:
        """The explanations of a vote: the statements of ``meeting_id`` after ``position`` (the turn
        announcing the result; for a 2020 letter, the letter itself), in order, the President's
        included when made in national capacity. None when the meeting or the position is unknown."""
        if meeting_id is None or not position:
            return self.none()
        return self.filter(meeting_id=meeting_id, order__gt=position).substantive().listing().order_by("order")

    def oldest_first(self) -> StatementQuerySet:
        return self.order_by("chrono")

    def between(self, start=None, end=None) -> StatementQuerySet:
        """Statements of meetings held from ``start`` to ``end`` (both days included)."""
        return self.filter(**_date_bounds("meeting__date", start, end))

    def under(self, item: AgendaItem) -> StatementQuerySet:
        """Statements of the meetings filed under ``item`` or one of its sub-items."""
        return self.filter(meeting__agenda_item__in=AgendaItem.objects.family(item))

    def citing(self, number: int) -> StatementQuerySet:
        """Statements citing resolution ``number`` (as printed), each once."""
        return self.filter(pk__in=Citation.objects.filter(number=number).values("statement_id"))

    def citing_resolution(self, number: int) -> StatementQuerySet:
        """Statements with a citation linked to the registry's resolution ``number`` (the set its
        page lists), each once."""
        return self.filter(pk__in=Citation.objects.filter(resolution__number=number).values("statement_id"))

    def spans(self) -> list[tuple[str | None, str, object, object]]:
        """(delegation name, role, first meeting date, last) for each delegation and role these
        statements were made for, earliest first: a speaker's career."""
        return list(
            self.values_list("delegation__name", "role")
            .annotate(first=models.Min("meeting__date"), last=models.Max("meeting__date"))
            .order_by("first", "role")
        )


def _date_bounds(field: str, start, end) -> dict:
    bounds = {f"{field}__gte": start, f"{field}__lte": end}
    return {k: v for k, v in bounds.items() if v is not None}


def chrono_key(date, number: int | None, resumption: int | None, order: int) -> int:
    """One integer that sorts statements in time: date, meeting number, resumption, order.

    Listings sort on it through an index instead of joining meetings and sorting whole rows.
    """
    day = date.year * 10000 + date.month * 100 + date.day if date else 0
    return ((day * 100000 + (number or 0) % 100000) * 10 + (resumption or 0) % 10) * 10000 + order % 10000


class Statement(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="statements")
    order = models.PositiveIntegerField()
    speaker_label = models.CharField(max_length=300, help_text="Exactly as printed")
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements")
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    delegation_as_printed = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    national_capacity = models.BooleanField(
        default=False, help_text="The President speaking as the representative of their country"
    )
    on_behalf_of = models.CharField(max_length=300, blank=True)
    chaired_body = models.CharField(
        max_length=300, blank=True, help_text="The Council body whose chair briefs, as printed (role committee-chair)"
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="As printed: 'Special Envoy of the Secretary-General for Syria'"
    )
    title_kind = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="The title's kind (roles.title_kind): 'special-envoy'"
    )
    invited_under = models.CharField(
        max_length=2, blank=True, choices=INVITED_UNDER_CHOICES, help_text="The rule of procedure of the invitation"
    )
    language = models.CharField(max_length=40, blank=True, help_text="From '(spoke in French)'")
    text = models.TextField(help_text="Paragraphs separated by a blank line")
    word_count = models.PositiveIntegerField(default=0)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    chrono = models.BigIntegerField(
        default=0, db_index=True, help_text="Sort key: meeting date, number, resumption, order (see chrono_key)"
    )
    source_page = models.PositiveIntegerField(null=True, blank=True, help_text="Page of the record it starts on")
    ocr_confidence = models.FloatField(
        null=True, blank=True, help_text="Read from a scan: mean OCR word confidence, 0 – 100"
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="unique_statement_order")]
        indexes = [
            models.Index(fields=["delegation", "role"]),
            models.Index(fields=["delegation", "chrono"]),
            models.Index(fields=["speaker", "chrono"]),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.title} #{self.order} {self.speaker_label}"

    def get_absolute_url(self) -> str:
        return reverse("archive:statement-detail", args=[self.meeting.slug, self.order])

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]

    @property
    def printed_name(self) -> str:
        """The speaker's name as this record prints it ("Mrs. Gueguen"; the President's from the
        cover); empty when the source prints none."""
        if self.role == "president" and self.meeting.president_name:
            return self.meeting.president_name
        name = self.speaker_label.split("(", 1)[0].strip()
        if name and not is_unnamed(name):
            return name
        return self.speaker.name if self.speaker_id else ""

    @property
    def who(self) -> str:
        """ "Mr. Dang (Viet Nam)", or "Representative of Belgium" where no name was printed: the
        one form titles, feeds and mails give."""
        if self.is_named and self.delegation_id:
            return f"{self.speaker_name} ({self.delegation.name})"
        return self.speaker_name

    @property
    def is_named(self) -> bool:
        """A speaker or a printed label names who spoke (else: "Representative of X")."""
        return bool(self.speaker_id) or bool(self.speaker_label.split("(", 1)[0].strip() and self.label_as_printed)

    @property
    def label_as_printed(self) -> str:
        """The label as printed, or empty where the source printed none ("unknown", "(unlabelled)")."""
        return "" if is_unnamed(self.speaker_label) else self.speaker_label

    @property
    def citation(self) -> str:
        """'Mr. Dang (Viet Nam), President, S/PV.8698, 8 January 2020, p. 2'; with no name printed,
        'Representative of Belgium, Council member, S/2020/254, ...'."""
        name = self.printed_name
        parts = [f"{name} ({self.delegation.name})" if name and self.delegation_id else name or self.speaker_name]
        parts.append(self.get_role_display())
        parts.append(self.meeting.title)
        if self.meeting.date:
            parts.append(f"{self.meeting.date.day} {self.meeting.date:%B %Y}")
        if self.source_page:
            parts.append(f"p. {self.source_page}")
        return ", ".join(parts)

    @property
    def speaker_name(self) -> str:
        """Who spoke, as every page, feed, export and the API show it: the speaker's name; with no
        name printed, "Representative of X" (never "unknown", never a label placeholder)."""
        if self.is_named:
            return self.speaker.name if self.speaker_id else self.speaker_label
        if self.delegation_id:
            return f"Representative of {self.delegation.name}"
        return "Unnamed speaker"


class ResolutionQuerySet(models.QuerySet):
    def most_cited(self) -> ResolutionQuerySet:
        """By ``citation_count`` (statements' citations, refreshed after each import and relink)."""
        return self.filter(citation_count__gt=0).order_by("-citation_count", "number")

    def citing(self, resolution: Resolution) -> ResolutionQuerySet:
        """The resolutions whose text cites ``resolution``, each once, by number, with
        ``mentions``: how many times its text cites it (each mention is a stored reference,
        with its text and offsets)."""
        return (
            self.filter(references__cited=resolution).annotate(mentions=models.Count("references")).order_by("number")
        )

    def cited_by_text_of(self, resolution: Resolution) -> ResolutionQuerySet:
        """The resolutions ``resolution``'s text cites, each once, by number, with ``mentions``."""
        return self.filter(cited_by__citing=resolution).annotate(mentions=models.Count("cited_by")).order_by("number")

    def adopted_under(self, item: AgendaItem) -> ResolutionQuerySet:
        """Resolutions adopted at the meetings filed under ``item`` or one of its sub-items, in order."""
        return self.filter(adopting_meeting__in=Meeting.objects.under(item)).order_by("number")


class Resolution(models.Model):
    """A Security Council resolution. Its text may not be in the archive (``text_in_archive``)."""

    number = models.PositiveIntegerField(unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    title = models.CharField(max_length=500, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    adopting_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_resolutions"
    )
    adopting_meeting_number = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_in_archive = models.BooleanField(default=False)
    vote = models.JSONField(default=dict, blank=True, help_text="{in_favour, against, abstaining} or {unanimous: true}")
    vote_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Statements of the adopting meeting after this order explain the vote"
    )
    source_name = models.CharField(max_length=300, blank=True)
    citation_count = models.PositiveIntegerField(default=0, db_index=True, help_text="Refreshed after imports")

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.symbol

    @property
    def symbol(self) -> str:
        return f"S/RES/{self.number}" + (f" ({self.year})" if self.year else "")

    def year_contradicted_by(self, printed: int | None) -> bool:
        """The one year-conflict rule (import and relink both ask it): a printed year contradicts
        this resolution when the archive knows its year — its text is loaded, or the meeting that
        adopted it is imported — and the printed year is another. A numbered entry known only from
        citations has no authoritative year, so nothing printed for it conflicts."""
        known = self.text_in_archive or self.adopting_meeting_id is not None
        return bool(known and self.year and printed and printed != self.year)

    def get_absolute_url(self) -> str:
        return reverse("archive:resolution-detail", args=[self.number])

    @property
    def official_url(self) -> str:
        return official_document_url(self.symbol)


class VetoedDraftQuerySet(models.QuerySet):
    def listing(self) -> VetoedDraftQuerySet:
        """Newest first, with the meeting and the members who vetoed (one query each)."""
        return (
            self.select_related("meeting")
            .prefetch_related(models.Prefetch("vetoed_by", queryset=Delegation.objects.order_by("name")))
            .order_by("-date", "-pk")
        )

    def by_member(self, key: str) -> VetoedDraftQuerySet:
        return self.filter(vetoed_by__key=key)

    def per_year(self) -> list[tuple[str, int]]:
        """(year, vetoed drafts) in year order."""
        rows = self.order_by().values("date__year").annotate(n=models.Count("pk", distinct=True))
        return [(str(row["date__year"]), row["n"]) for row in sorted(rows, key=lambda r: r["date__year"])]

    def per_decade(self) -> list[tuple[str, int]]:
        """("1940s", vetoed drafts) for every decade from the first to the last, empty ones included:
        a chart over 77 years has room for 9 columns, not 77."""
        years = [(int(year), n) for year, n in self.per_year()]
        if not years:
            return []
        counts: dict[int, int] = {}
        for year, n in years:
            counts[year // 10 * 10] = counts.get(year // 10 * 10, 0) + n
        first, last = years[0][0] // 10 * 10, years[-1][0] // 10 * 10
        return [(f"{decade}s", counts.get(decade, 0)) for decade in range(first, last + 10, 10)]

    def per_member(self) -> list[tuple[str, str, str, int]]:
        """(name, key, kind, vetoed drafts) for each member that vetoed any of these, most first."""
        rows = (
            Delegation.objects.filter(vetoes__in=self.order_by().values("pk"))
            .values("name", "key", "kind")
            .annotate(n=models.Count("vetoes", distinct=True))
            .order_by("-n", "name")
        )
        return [(row["name"], row["key"], row["kind"], row["n"]) for row in rows]


class VetoedDraft(models.Model):
    """A draft resolution not adopted owing to the negative vote of a permanent member: from the
    veto list (the Dag Hammarskjöld Library's, as a CSV) and from the records and corpus texts that
    announce it. The source's wording is kept beside every link (members, meeting)."""

    draft = models.CharField(max_length=200, help_text="S/2020/654, as the source gives it")
    slug = models.SlugField(max_length=120, unique=True)
    date = models.DateField(db_index=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="vetoed_drafts")
    meeting_records = models.JSONField(default=list, blank=True, help_text='["S/PV.9087"], as the source gives them')
    subject = models.TextField(blank=True, help_text="The agenda item, as the source gives it")
    topic = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=100, blank=True)
    vetoed_by = models.ManyToManyField(Delegation, related_name="vetoes", blank=True)
    vetoed_by_printed = models.JSONField(default=list, blank=True, help_text='["USSR"], as the source names them')
    vote = models.JSONField(default=dict, blank=True, help_text="{in_favour, against, abstaining, counts}")
    vote_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Statements of the meeting after this order explain the vote"
    )
    text = models.TextField(blank=True, help_text="The record's announcement, as printed")
    source_name = models.CharField(max_length=300, blank=True)

    objects = VetoedDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.draft} ({self.date:%d %B %Y})"

    @staticmethod
    def make_slug(draft: str) -> str:
        return slugify(draft.replace("/", "-").replace(".", "-"))[:110]

    def get_absolute_url(self) -> str:
        return reverse("archive:veto-detail", args=[self.slug])


class CitationQuerySet(models.QuerySet):
    def listing(self) -> CitationQuerySet:
        return self.select_related("statement__meeting", "statement__speaker", "statement__delegation", "resolution")

    def most_cited_numbers(self, limit: int = 10) -> list[tuple[int, int]]:
        """(resolution number, statements citing it) for the linked resolutions these citations
        name most, most cited first."""
        return list(
            self.filter(resolution__isnull=False)
            .values_list("number")
            .annotate(n=models.Count("statement", distinct=True))
            .order_by("-n", "number")[:limit]
        )


class Citation(models.Model):
    """A statement citing a resolution: the text as printed and its offsets, beside the link."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="citations"
    )
    number = models.PositiveIntegerField(db_index=True)
    year_printed = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=300)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    paragraphs = models.JSONField(default=list, blank=True)
    year_conflict = models.BooleanField(
        default=False, help_text="The printed year contradicts the registry: not linked, flagged"
    )
    chrono = models.BigIntegerField(default=0, help_text="The citing statement's sort key (Statement.chrono)")

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "start"]
        indexes = [
            models.Index(fields=["resolution", "statement"]),
            models.Index(fields=["resolution", "chrono"]),
        ]

    def __str__(self) -> str:
        return f"{self.text} in {self.statement}"


class ResolutionReference(models.Model):
    """A resolution's own text citing an earlier resolution ("Recalling its resolutions ...")."""

    citing = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="references")
    cited = models.ForeignKey(Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by")
    number = models.PositiveIntegerField()
    year_printed = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=300)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    paragraphs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["citing", "start"]
        constraints = [
            # One reference per place in the citing text: several mentions of one resolution are
            # several rows (each its own offset), the same mention twice is not.
            models.UniqueConstraint(fields=["citing", "start"], name="resolutionreference_one_per_offset")
        ]

    # The same face as a statement Citation, for rendering links in a resolution's text.
    @property
    def resolution_id(self) -> int | None:
        return self.cited_id

    year_conflict = False

    def __str__(self) -> str:
        return f"{self.citing} cites {self.text}"
