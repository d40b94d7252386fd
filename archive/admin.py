"""Admin for the archive: look up and correct imported rows.

Meetings, their statements and Council seats are written by ``archive.importing``; the admin
does not create them and shows where each came from (source file, checksum, import time, the
speaker label as printed). An edit made here lasts until the meeting is imported again from a
changed source, which rewrites the meeting in place. Changelists use ``list_select_related`` and
autocomplete or raw-id widgets, so their query count does not grow with the number of rows.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from .importing import merge_speakers, split_name
from .importing.speakers import HAND
from .models import (
    AgendaItem,
    Citation,
    Correction,
    CouncilSeat,
    Delegation,
    DelegationYear,
    ImportRun,
    Meeting,
    Resolution,
    ResolutionReference,
    Speaker,
    SpeakerDecision,
    SpeakerName,
    SpeakerRedirect,
    Statement,
    StatementAlias,
    StatementFlag,
    VetoedDraft,
)


def changelist_link(model, label: str, **filters) -> str:
    url = reverse(f"admin:archive_{model._meta.model_name}_changelist") + "?" + urlencode(filters)
    return format_html('<a href="{}">{}</a>', url, label)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the archive computes or records itself (yearly summaries, import runs): shown, never
    added or edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "short_name", "kind", "iso2", "iso3", "permanent_member")
    list_filter = ("kind", "permanent_member")
    search_fields = ("name", "short_name", "key", "iso2", "iso3")
    readonly_fields = ("statements_link",)

    @admin.display(description="Statements")
    def statements_link(self, obj: Delegation) -> str:
        return changelist_link(Statement, "Statements by this delegation", delegation__id__exact=obj.pk)


class SpeakerNameInline(admin.TabularInline):
    model = SpeakerName
    extra = 0
    fields = ("name", "evidence")
    readonly_fields = ("evidence",)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ("name", "delegation", "surname_key", "slug", "statement_count")
    list_select_related = ("delegation",)
    list_filter = ("delegation__kind", "delegation__permanent_member")
    search_fields = ("name", "surname_key", "slug", "names__name", "delegation__name", "delegation__iso3")
    autocomplete_fields = ("delegation",)
    inlines = (SpeakerNameInline,)
    readonly_fields = ("statements_link",)
    actions = ("merge_selected",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_statements=Count("statements"))

    @admin.action(
        description="Merge the selected speakers into the one with the most statements", permissions=["change"]
    )
    def merge_selected(self, request, queryset) -> None:
        people = sorted(queryset, key=lambda s: (-s.n_statements, s.pk))
        if len(people) < 2:
            self.message_user(request, "Select two speakers or more to merge.", messages.WARNING)
            return
        survivor = people[0]
        for gone in people[1:]:
            merge_speakers(survivor, gone, evidence=f"merged {HAND} by {request.user}", made_by=str(request.user))
        self.message_user(request, f"Merged {len(people) - 1} speaker(s) into {survivor.name} ({survivor.slug}).")

    @admin.display(description="Statements", ordering="n_statements")
    def statement_count(self, obj: Speaker) -> int:
        return obj.n_statements

    @admin.display(description="Statements")
    def statements_link(self, obj: Speaker) -> str:
        return changelist_link(Statement, f"{obj.n_statements} statements", speaker__id__exact=obj.pk)


@admin.register(SpeakerName)
class SpeakerNameAdmin(admin.ModelAdmin):
    """Every printed form of a name and why it is its person's; a form can be split off."""

    list_display = ("name", "speaker", "evidence")
    list_select_related = ("speaker",)
    search_fields = ("name", "speaker__name", "speaker__slug", "evidence")
    raw_id_fields = ("speaker",)
    actions = ("split_selected",)

    @admin.action(
        description="Split the selected printed forms off, each to a person of its own", permissions=["change"]
    )
    def split_selected(self, request, queryset) -> None:
        for form in queryset.select_related("speaker__delegation"):
            try:
                person = split_name(form.speaker, form.name, made_by=str(request.user))
            except ValueError as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(request, f"{form.name!r} is now {person.slug}.")


@admin.register(SpeakerDecision)
class SpeakerDecisionAdmin(ReadOnlyAdmin):
    list_display = ("made_at", "kind", "speaker", "other", "name", "made_by")
    list_select_related = ("speaker",)
    list_filter = ("kind",)
    search_fields = ("speaker__name", "other", "name")


@admin.register(SpeakerRedirect)
class SpeakerRedirectAdmin(ReadOnlyAdmin):
    list_display = ("old_slug", "speaker")
    list_select_related = ("speaker",)
    search_fields = ("old_slug", "speaker__slug")


class CouncilSeatInline(admin.TabularInline):
    model = CouncilSeat
    extra = 0
    autocomplete_fields = ("delegation",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "topic", "presidency", "source_kind", "statement_count")
    list_display_links = ("title",)
    list_select_related = ("presidency",)
    list_filter = (
        "source_kind",
        ("presidency", admin.RelatedOnlyFieldListFilter),
        ("agenda_item", admin.RelatedOnlyFieldListFilter),
    )
    date_hierarchy = "date"
    search_fields = ("symbol", "slug", "topic", "agenda_as_printed", "president_name")
    autocomplete_fields = ("presidency",)
    inlines = (CouncilSeatInline,)
    readonly_fields = (
        "statements_link",
        "agenda_item",  # filed by the import service from archive/parsing/agenda_items.tsv, again at every run
        "agenda_as_printed",
        "official_record",
        "source_kind",
        "source_name",
        "source_checksum",
        "imported_at",
        "warnings",
    )
    fieldsets = (
        (None, {"fields": ("symbol", "number", "resumption", "slug", "date", "start_time", "place")}),
        (
            "Council",
            {"fields": ("council_year", "president_name", "presidency", "topic", "agenda_item", "agenda_as_printed")},
        ),
        ("Record", {"fields": ("statements_link", "agenda", "stage_directions", "votes", "invitations")}),
        (
            "Provenance",
            {
                "fields": (
                    "official_record",
                    "source_kind",
                    "source_name",
                    "source_checksum",
                    "imported_at",
                    "warnings",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_statements=Count("statements"))

    def has_add_permission(self, request) -> bool:
        return False  # meetings come from the import service

    @admin.display(description="Meeting", ordering="symbol")
    def title(self, obj: Meeting) -> str:
        return obj.title

    @admin.display(description="Statements", ordering="n_statements")
    def statement_count(self, obj: Meeting) -> int:
        return obj.n_statements

    @admin.display(description="Statements")
    def statements_link(self, obj: Meeting) -> str:
        return changelist_link(Statement, f"{obj.n_statements} statements", meeting__id__exact=obj.pk)

    @admin.display(description="Official record")
    def official_record(self, obj: Meeting) -> str:
        return format_html('<a href="{}">{}</a>', obj.official_url, obj.title)


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    """The list of agenda items lives in archive/parsing/agenda_items.tsv (reviewed, versioned);
    its rows are written from it by every import run."""

    list_display = ("title", "slug", "parent", "meetings_link")
    list_select_related = ("parent",)
    search_fields = ("title", "slug")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_meetings=Count("meetings"))

    @admin.display(description="Meetings", ordering="n_meetings")
    def meetings_link(self, obj: AgendaItem) -> str:
        return changelist_link(Meeting, f"{obj.n_meetings} meetings", agenda_item__id__exact=obj.pk)


@admin.register(CouncilSeat)
class CouncilSeatAdmin(admin.ModelAdmin):
    list_display = ("meeting", "delegation", "representative", "is_president")
    list_select_related = ("meeting", "delegation")
    list_filter = ("is_president", "delegation__permanent_member")
    date_hierarchy = "meeting__date"
    search_fields = ("delegation__name", "delegation__iso3", "representative", "meeting__symbol")
    autocomplete_fields = ("meeting", "delegation")


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("meeting", "order", "speaker_label", "speaker", "delegation", "role", "language", "word_count")
    list_display_links = ("order", "speaker_label")
    list_select_related = ("meeting", "speaker", "delegation")
    list_filter = (
        "role",
        "title_kind",
        "invited_under",
        "language",
        "national_capacity",
        "meeting__source_kind",
        "delegation__kind",
        "delegation__permanent_member",
    )
    date_hierarchy = "meeting__date"
    search_fields = (
        "text",
        "speaker_label",
        "speaker__name",
        "delegation__name",
        "delegation__iso3",
        "meeting__symbol",
    )
    search_help_text = "Statement text, speaker label, speaker, delegation or meeting symbol"
    show_full_result_count = False  # one COUNT over the whole table less per page
    autocomplete_fields = ("meeting", "speaker", "delegation")
    readonly_fields = (
        "speaker_label",
        "delegation_as_printed",
        "provenance",
        "source_page",
        "source_line",
        "word_count",
        "citations_link",
    )
    fieldsets = (
        (None, {"fields": ("meeting", "order")}),
        (
            "Speaker",
            {
                "fields": (
                    "speaker_label",
                    "speaker",
                    "delegation_as_printed",
                    "delegation",
                    "role",
                    "national_capacity",
                    "on_behalf_of",
                    "language",
                )
            },
        ),
        ("Text", {"fields": ("text", "word_count", "citations_link")}),
        ("Provenance", {"fields": ("provenance", "source_page", "source_line")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "speaker", "delegation")

    def has_add_permission(self, request) -> bool:
        return False  # statements come from the import service

    @admin.display(description="Source")
    def provenance(self, obj: Statement) -> str:
        meeting = obj.meeting
        return format_html(
            "{} <code>{}</code>, imported {} (checksum <code>{}</code>); "
            '<a href="{}">official record</a>, <a href="{}">page on this site</a>',
            meeting.get_source_kind_display(),
            meeting.source_name,
            meeting.imported_at,
            meeting.source_checksum[:12],
            meeting.official_url,
            obj.get_absolute_url(),
        )

    @admin.display(description="Citations")
    def citations_link(self, obj: Statement) -> str:
        return changelist_link(Citation, "Resolutions cited", statement__id__exact=obj.pk)


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("symbol", "title", "adopted_on", "adopting_meeting", "text_in_archive", "citation_count")
    list_select_related = ("adopting_meeting",)
    list_filter = ("text_in_archive", "year")
    search_fields = ("=number", "title")
    autocomplete_fields = ("adopting_meeting",)
    readonly_fields = ("source_name", "citation_count")

    @admin.display(description="Resolution", ordering="number")
    def symbol(self, obj: Resolution) -> str:
        return obj.symbol


@admin.register(VetoedDraft)
class VetoedDraftAdmin(admin.ModelAdmin):
    """Loaded by ``load_vetoes`` and completed by imported records; the source's wording is shown."""

    list_display = ("draft", "date", "meeting", "topic", "source_name")
    list_select_related = ("meeting",)
    list_filter = ("vetoed_by",)
    search_fields = ("draft", "subject", "topic")
    autocomplete_fields = ("meeting", "vetoed_by")
    readonly_fields = ("meeting_records", "vetoed_by_printed", "vote", "vote_position", "text", "source_name")
    date_hierarchy = "date"


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ("text", "number", "year_printed", "resolution", "statement", "year_conflict")
    list_select_related = ("statement__meeting", "resolution")
    list_filter = ("year_conflict",)
    search_fields = ("=number", "text")
    show_full_result_count = False
    raw_id_fields = ("statement",)
    autocomplete_fields = ("resolution",)
    readonly_fields = ("text", "start", "end", "year_printed", "paragraphs")


@admin.register(ResolutionReference)
class ResolutionReferenceAdmin(admin.ModelAdmin):
    list_display = ("citing", "text", "number", "year_printed", "cited")
    list_select_related = ("citing", "cited")
    search_fields = ("=number", "text", "=citing__number")
    autocomplete_fields = ("citing", "cited")
    readonly_fields = ("text", "start", "end", "year_printed", "paragraphs")


@admin.register(DelegationYear)
class DelegationYearAdmin(ReadOnlyAdmin):
    """A summary recomputed after each import: read only."""

    list_display = ("delegation", "year", "statements", "chair_turns", "council_member", "presided")
    list_filter = ("year", "council_member", "presided")
    search_fields = ("delegation__name", "delegation__key")
    list_select_related = ("delegation",)


@admin.register(StatementAlias)
class StatementAliasAdmin(admin.ModelAdmin):
    """Old statement URLs that a re-import renumbered, and where they redirect."""

    list_display = ("meeting", "old_order", "statement")
    search_fields = ("meeting__symbol",)
    list_select_related = ("meeting", "statement__meeting")
    raw_id_fields = ("statement",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Every import run, as recorded by the import service (read only)."""

    list_display = (
        "started_at",
        "command",
        "meetings_created",
        "meetings_replaced",
        "meetings_unchanged",
        "meetings_skipped",
        "statements",
        "error_count",
        "dry_run",
    )
    list_filter = ("command", "dry_run")
    date_hierarchy = "started_at"

    @admin.display(description="Errors")
    def error_count(self, obj: ImportRun) -> int:
        return len(obj.errors)


@admin.register(StatementFlag)
class StatementFlagAdmin(admin.ModelAdmin):
    """Statements the import was unsure of, with a link to correct each by hand."""

    list_display = ("statement", "reason", "detail", "correct")
    list_filter = ("reason",)
    search_fields = ("detail", "statement__speaker_label", "statement__meeting__symbol")
    list_select_related = ("statement__meeting",)
    raw_id_fields = ("statement",)

    @admin.display(description="Correct")
    def correct(self, obj: StatementFlag) -> str:
        query = urlencode(
            {
                "meeting_slug": obj.statement.meeting.slug,
                "order": obj.statement.order,
                "speaker_label": obj.statement.speaker_label,
            }
        )
        return format_html('<a href="{}?{}">Correct by hand</a>', reverse("admin:archive_correction_add"), query)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Hand corrections; saving one applies it at once, and every re-import applies it again."""

    list_display = ("meeting_slug", "order", "speaker_label", "delegation", "speaker_name", "created_at")
    search_fields = ("meeting_slug", "speaker_label", "speaker_name")
    autocomplete_fields = ("delegation",)

    def save_model(self, request, obj: Correction, form, change) -> None:
        super().save_model(request, obj, form, change)
        from .importing import correct_meeting

        meeting = Meeting.objects.filter(slug=obj.meeting_slug).first()
        if meeting is not None:
            correct_meeting(meeting)


from .models import Subscription  # noqa: E402 - e-mail alerts (archive/alerts/)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """E-mail alerts: who follows what; delete one to stop it. Sign-ups come from the site's form."""

    list_display = ("email", "kind", "target", "confirmed_at", "last_statement_id", "last_sent_at")
    list_filter = ("kind", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "target")
    readonly_fields = ("created_at", "confirmed_at", "last_statement_id", "last_sent_at")

    def has_add_permission(self, request) -> bool:
        return False
