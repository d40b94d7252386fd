"""What the search index holds for each statement (haystack ``SearchIndex``).

Analysed fields (``text``, ``speaker``, ``delegation``) are searched by words; ``*_exact`` fields and
``resolutions`` and ``agenda`` hold un-analysed values for filters and facets (a delegation key, a
role, a title's kind, a year, the numbers of the resolutions cited, the meeting's agenda item and the broader items
above it, ``archive.parsing.agenda.lineage``). ``chrono`` is the statement's stored sort key (``Statement.chrono``,
``models.chrono_key``), so the engines sort by time as the database does. ``stamp`` is stored (not
searched) so ``repair_search_index`` can tell a stale document from a current one.
"""

from __future__ import annotations

from haystack import indexes

from archive.models import Statement
from archive.parsing.agenda import lineage
from archive.search.engine import ExactField, ExactMultiField


def statement_stamp(statement: Statement) -> str:
    """Changes whenever the meeting is re-imported with a difference, citations change, or the
    statement's delegation or speaker is corrected by hand."""
    numbers = ",".join(str(n) for n in sorted({c.number for c in statement.citations.all()}))
    who = f"{statement.delegation_id or ''}/{statement.speaker_id or ''}"
    agenda = statement.meeting.agenda_item_id or ""  # filed again under a changed list of items
    return f"{statement.meeting.source_checksum[:16]}:{statement.word_count}:{numbers}:{who}:{agenda}"


class StatementIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, model_attr="text")
    speaker = indexes.CharField()
    delegation = indexes.CharField()
    delegation_exact = ExactField()
    speaker_exact = ExactField()
    role_exact = ExactField(model_attr="role")
    title_exact = ExactField(model_attr="title_kind")  # "special-envoy" (roles.title_kind)
    procedural = ExactField()
    language_exact = ExactField()
    meeting_exact = ExactField()
    year_exact = ExactField()
    date = indexes.DateField(null=True)
    chrono = indexes.IntegerField()
    resolutions = ExactMultiField()
    agenda = ExactMultiField()
    stamp = indexes.CharField(indexed=False, stored=True)

    def get_model(self):
        return Statement

    def index_queryset(self, using=None):
        # The meeting's JSON columns are not indexed: parsing them for every statement was most of
        # the cost of reading statements for a rebuild.
        return (
            Statement.objects.listing()
            .select_related("meeting__agenda_item")
            .defer(*(f"meeting__{name}" for name in ("agenda", "stage_directions", "votes", "invitations", "warnings")))
            .prefetch_related("citations")
            .order_by("pk")
        )

    def prepare_speaker(self, obj: Statement) -> str:
        names = [obj.label_as_printed]  # "unknown" printed where no name was is not a name to find
        if obj.speaker_id:
            names.append(obj.speaker.name)
        if obj.role == "president" and obj.meeting.president_name:
            names.append(obj.meeting.president_name)
        return " ".join(dict.fromkeys(names))

    def prepare_delegation(self, obj: Statement) -> str:
        names = [obj.delegation_as_printed]
        if obj.delegation_id:
            names += [obj.delegation.name, obj.delegation.short_name]
        return " ".join(dict.fromkeys(n for n in names if n))

    def prepare_delegation_exact(self, obj: Statement) -> str:
        return obj.delegation.key if obj.delegation_id else ""

    def prepare_speaker_exact(self, obj: Statement) -> str:
        return obj.speaker.slug if obj.speaker_id else ""

    def prepare_procedural(self, obj: Statement) -> str:
        return "1" if obj.role == "president" and not obj.national_capacity else "0"

    def prepare_language_exact(self, obj: Statement) -> str:
        # A record marks "(spoke in French)"; an unmarked statement was made in English.
        return (obj.language or "English").lower()

    def prepare_meeting_exact(self, obj: Statement) -> str:
        return obj.meeting.slug

    def prepare_year_exact(self, obj: Statement) -> str:
        return str(obj.meeting.date.year) if obj.meeting.date else ""

    def prepare_date(self, obj: Statement):
        return obj.meeting.date

    def prepare_chrono(self, obj: Statement) -> int:
        return obj.chrono  # the stored sort key (models.chrono_key): newest/oldest as in every listing

    def prepare_resolutions(self, obj: Statement) -> list[str]:
        return [str(n) for n in sorted({c.number for c in obj.citations.all()})]

    def prepare_agenda(self, obj: Statement) -> list[str]:
        item = obj.meeting.agenda_item
        return list(lineage(item.slug)) if item is not None else []

    def prepare_stamp(self, obj: Statement) -> str:
        return statement_stamp(obj)
