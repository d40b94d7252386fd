"""Agenda items at write time: the rows of the canonical list (``archive/parsing/agenda_items.tsv``)
and the item a meeting is filed under, with the title it printed. Called by the Writer for each
meeting and by migration 0014 for the meetings stored before it (with its historical models,
hence the model classes as arguments)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.parsing.agenda import council_items, match_meeting

UNMATCHED = "agenda title not in the list of agenda items (archive/parsing/agenda_items.tsv)"


@dataclass(frozen=True)
class Filing:
    """What a meeting stores of its agenda item, and the warning when its title matched none."""

    fields: dict[str, object]  # agenda_item, agenda_as_printed
    warning: str | None = None


def store_council_items(item_model) -> dict[str, object]:
    """Every item of the list as a row (created or updated, parents first): slug -> row."""
    rows: dict[str, object] = {}
    order = {item.slug: position for position, item in enumerate(council_items())}
    existing = {row.slug: row for row in item_model.objects.all()}
    for item in council_items():
        values = {"title": item.title, "parent": rows.get(item.parent) if item.parent else None}
        values["position"] = order[item.slug]
        row = existing.get(item.slug)
        if row is None:
            row = item_model.objects.create(slug=item.slug, **values)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
        rows[item.slug] = row
    return rows


def meeting_titles(agenda: list[dict], topic: str | None) -> list[str | None]:
    """A meeting's main titles: its cover's first agenda line (the item; the lines after it are
    sub-items, kept in ``agenda``), then its topic (the corpus's). The same for a parsed meeting
    (``as_dict()["agenda"]``) and a stored one."""
    return [agenda[0].get("title") if agenda else None, topic]


def file_meeting(agenda: list[dict], topic: str | None, rows: dict[str, object]) -> Filing:
    """The fields a meeting stores for its agenda (``rows``: slug -> stored item, from
    :func:`store_council_items`); a title matching no item is stored as printed, with a warning."""
    match = match_meeting(meeting_titles(agenda, topic))
    if match is None:
        return Filing({"agenda_item": None, "agenda_as_printed": ""})
    printed = match.printed[:500]
    if match.item is None:
        return Filing({"agenda_item": None, "agenda_as_printed": printed}, f"{UNMATCHED}: {printed!r}")
    return Filing({"agenda_item": rows[match.item.slug], "agenda_as_printed": printed})


def refile_meetings(meeting_model, item_model) -> list[int]:
    """File every stored meeting again under the list as it is now (after migration 0014, or a
    change to ``agenda_items.tsv``): the ids of the meetings whose item, printed title or agenda
    warning changed. Rows of items no longer in the list are deleted once no meeting is under them."""
    rows = store_council_items(item_model)
    changed = []
    meetings = meeting_model.objects.only("pk", "agenda", "topic", "agenda_item", "agenda_as_printed", "warnings")
    for meeting in meetings.iterator(chunk_size=500):
        filed = file_meeting(meeting.agenda, meeting.topic, rows)
        item = filed.fields["agenda_item"]
        warnings = [w for w in meeting.warnings if not w.startswith(UNMATCHED)] + (
            [filed.warning] if filed.warning else []
        )
        if (
            meeting.agenda_item_id == (item.pk if item else None)
            and meeting.agenda_as_printed == filed.fields["agenda_as_printed"]
            and meeting.warnings == warnings
        ):
            continue
        meeting.agenda_item = item
        meeting.agenda_as_printed = filed.fields["agenda_as_printed"]
        meeting.warnings = warnings
        meeting.save(update_fields=["agenda_item", "agenda_as_printed", "warnings"])
        changed.append(meeting.pk)
    gone = item_model.objects.exclude(slug__in=rows)
    gone.filter(parent__isnull=False).delete()  # sub-items first: a parent is protected while it has any
    gone.delete()
    return changed
