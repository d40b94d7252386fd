"""The archive's content: delegations, speakers, meetings, Council seats, statements,
resolutions and the citations between them, with the QuerySet methods pages use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

ROLE_CHOICES = [
    ("president", "President"),
    ("member", "Council member"),
    ("invitee", "Invited delegation"),
    ("secretariat", "Secretariat"),
    ("other", "Other briefer"),
]
SOURCE_CHOICES = [
    ("pdf", "Verbatim record (PDF)"),
    ("text", "Verbatim record (text)"),
    ("corpus", "Research corpus"),
    ("statement", "Single statement"),
]
# When one meeting arrives from several sources, the higher rank wins.
SOURCE_RANK = {"pdf": 4, "text": 3, "corpus": 2, "statement": 1}


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
        return self.kind in ("state", "observer_state")

    def get_absolute_url(self) -> str:
        if self.is_state:
            return reverse("archive:country-detail", args=[self.key])
        return reverse("archive:organisation-detail", args=[self.key])


class SpeakerQuerySet(models.QuerySet):
    def active(self) -> SpeakerQuerySet:
        """Speakers with at least one statement (counts refreshed after each import)."""
        return self.filter(statement_count__gt=0)


class Speaker(models.Model):
    """One person. ``name`` is the fullest form seen; variants keep every printed form."""

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
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)

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
        return settings.OFFICIAL_DOCUMENT_URL.format(symbol=self.title.replace(" ", ""))

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

    def substantive(self) -> StatementQuerySet:
        """Leaves out the chair's procedural turns (the President not speaking for a country)."""
        return self.exclude(role="president", national_capacity=False)

    def newest_first(self) -> StatementQuerySet:
        return self.order_by("-chrono")

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
        """The speaker's name as this record prints it ("Mrs. Gueguen"; the President's from the cover)."""
        if self.role == "president" and self.meeting.president_name:
            return self.meeting.president_name
        name = self.speaker_label.split("(", 1)[0].strip()
        return name or self.speaker_name

    @property
    def citation(self) -> str:
        """'Mr. Dang (Viet Nam), President, S/PV.8698, 8 January 2020, p. 2'"""
        parts = [self.printed_name + (f" ({self.delegation.name})" if self.delegation_id else "")]
        parts.append(self.get_role_display())
        parts.append(self.meeting.title)
        if self.meeting.date:
            parts.append(f"{self.meeting.date.day} {self.meeting.date:%B %Y}")
        if self.source_page:
            parts.append(f"p. {self.source_page}")
        return ", ".join(parts)

    @property
    def speaker_name(self) -> str:
        if self.speaker_id:
            return self.speaker.name
        return self.speaker_label


class ResolutionQuerySet(models.QuerySet):
    def most_cited(self) -> ResolutionQuerySet:
        """By ``citation_count`` (statements' citations, refreshed after each import and relink)."""
        return self.filter(citation_count__gt=0).order_by("-citation_count", "number")

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
        return settings.OFFICIAL_DOCUMENT_URL.format(symbol=self.symbol.replace(" ", ""))


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

    # The same face as a statement Citation, for rendering links in a resolution's text.
    @property
    def resolution_id(self) -> int | None:
        return self.cited_id

    year_conflict = False

    def __str__(self) -> str:
        return f"{self.citing} cites {self.text}"
