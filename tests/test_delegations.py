"""Tests for archive.parsing.delegations: the table, the resolver, and full
coverage of the delegations named in the shared unsc-2020 data."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.parsing.delegations import (
    ALIASES,
    NOT_DELEGATIONS,
    DelegationInfo,
    all_delegations,
    delegation_by_key,
    normalise_name,
    resolve_delegation,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "unsc-2020"

FORMER_STATES = {"yug", "scg", "zar", "csk", "sun", "ddr", "republic-of-china"}
NON_ISO_STATES = {"kosovo", "republic-of-china"}  # kind "state" but no ISO 3166-1 code exists


def _key(text: str) -> str | None:
    d = resolve_delegation(text)
    return d.key if d else None


# ---------------------------------------------------------------------------
# Targeted resolver tests
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bolivia (Plurinational State of)", "bol"),
        ("(Bolivia (Plurinational State of))", "bol"),
        ("Plurinational State of Bolivia", "bol"),
        ("Plurinational State of\nBolivia", "bol"),
        ("United Kingdom", "gbr"),
        ("United Kingdom of Great Britain and Northern Ireland", "gbr"),
        ("(United Kingdom of Great Britain and Northern Ireland)", "gbr"),
        ("the United Kingdom", "gbr"),
        ("Iran (Islamic Republic of)", "irn"),
        ("Islamic Republic of Iran", "irn"),
        ("the Niger", "ner"),
        ("Niger", "ner"),
        ("NIGER", "ner"),
        ("Nigeria", "nga"),
        ("Kyrgyztan", "kgz"),
        ("Kyrgyzstan", "kgz"),
        ("Kyrgyz Republic", "kgz"),
        ("Côte d\u2019Ivoire", "civ"),
        ("Cote d'Ivoire", "civ"),
        ("CÔTE D'IVOIRE", "civ"),
        ("Turkey", "tur"),
        ("Türkiye", "tur"),
        ("Turkiye", "tur"),
        ("UN", "united-nations"),
        ("United Nations", "united-nations"),
        ("Secretariat", "united-nations"),
        ("EU", "european-union"),
        ("European Union", "european-union"),
        ("AU", "african-union"),
        ("Republic of Tunisia", "tun"),
        ("Tunisia", "tun"),
        ("Lao People\u2019s Democratic Republic", "lao"),
        ("Democratic People's Republic of Korea", "prk"),
        ("Republic of Korea", "kor"),
        ("Czech Republic", "cze"),
        ("Czechia", "cze"),
        ("Swaziland", "swz"),
        ("Eswatini", "swz"),
        ("The former Yugoslav Republic of Macedonia", "mkd"),
        ("North Macedonia", "mkd"),
        ("State of Palestine", "pse"),
        ("Palestine", "pse"),
        ("Holy See", "vat"),
        ("Libyan Arab Jamahiriya", "lby"),
        ("Yugoslavia", "yug"),
        ("Federal Republic of Yugoslavia", "yug"),
        ("Serbia and Montenegro", "scg"),
        ("Serbia", "srb"),
        ("Zaire", "zar"),
        ("Democratic Republic of the Congo", "cod"),
        ("Congo", "cog"),
        ("Guinea", "gin"),
        ("Guinea-Bissau", "gnb"),
        ("Guinea-\nBissau", "gnb"),
        ("Timor- Leste", "tls"),
        ("Sudan", "sdn"),
        ("the Sudan", "sdn"),
        ("South Sudan", "ssd"),
        ("Dominica", "dma"),
        ("Dominican Republic", "dom"),
        ("Viet Nam", "vnm"),
        ("Socialist Republic of Viet Nam", "vnm"),
        ("Venezuela (Bolivarian Republic of)", "ven"),
        ("Bolivarian Republic of Venezuela", "ven"),
        ("Micronesia (Federated States of)", "fsm"),
        ("Republic of Moldova", "mda"),
        ("United Republic of Tanzania", "tza"),
        ("Syrian Arab Republic", "syr"),
        ("Russia", "rus"),
        ("the Russian Federation", "rus"),
        ("United States of America", "usa"),
        ("the United States of America", "usa"),
        ("  United\n  States   of America  ", "usa"),
        ("GBR", "gbr"),
        ("NATO", "nato"),
        ("ICC", "icc"),
        ("International Criminal Court", "icc"),
        ("OSCE", "osce"),
        ("League of the Arab States", "league-of-arab-states"),
        ("El] Salvador", "slv"),
        ("Médecins du Monde", "medecins-du-monde"),
        ("Medecins du Monde", "medecins-du-monde"),
        ("Kosovo", "kosovo"),
    ],
)
def test_resolves(text: str, key: str) -> None:
    assert _key(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis",
        "",
        "   ",
        "Korea",
        "Guinea Bissau Republic",
        "Nige",
        "Nigerr",
        "Individual",
        "spoke in French",
        "The President",
        "Security Council",
        "gbr",
        "Gbr",
        "AUS-",
        "and",
    ],
)
def test_unknown_is_none(text: str) -> None:
    assert resolve_delegation(text) is None


def test_niger_is_never_nigeria() -> None:
    for text in ("Niger", "the Niger", "(Niger)", "Republic of the Niger", "NER"):
        assert _key(text) == "ner"


def test_iso2_codes_are_not_matched() -> None:
    # "AU" is the African Union, never Australia (ISO alpha-2 AU).
    assert _key("AU") == "african-union"
    assert resolve_delegation("FR") is None


def test_delegation_by_key() -> None:
    assert delegation_by_key("gbr") == resolve_delegation("United Kingdom")
    assert delegation_by_key("nope") is None


# ---------------------------------------------------------------------------
# Table invariants
# ---------------------------------------------------------------------------
def test_keys_unique() -> None:
    keys = [d.key for d in all_delegations()]
    assert len(keys) == len(set(keys))


def test_names_and_shorts_unique() -> None:
    seen: dict[str, str] = {}
    for d in all_delegations():
        for n in {normalise_name(d.name), normalise_name(d.short)}:
            assert seen.setdefault(n, d.key) == d.key, (n, seen[n], d.key)


def test_kinds_are_known() -> None:
    assert {d.kind for d in all_delegations()} <= {"state", "observer_state", "organisation", "secretariat"}


def test_counts() -> None:
    ds = all_delegations()
    members = [d for d in ds if d.kind == "state" and d.key not in FORMER_STATES | NON_ISO_STATES]
    assert len(members) == 193
    assert sorted(d.key for d in ds if d.kind == "observer_state") == ["pse", "vat"]
    assert [d.key for d in ds if d.kind == "secretariat"] == ["united-nations"]


def test_states_have_codes_and_keys_follow_iso3() -> None:
    for d in all_delegations():
        if d.kind in ("state", "observer_state") and d.key not in NON_ISO_STATES:
            assert d.iso2 and re.fullmatch(r"[A-Z]{2}", d.iso2), d
            assert d.iso3 and re.fullmatch(r"[A-Z]{3}", d.iso3), d
            assert d.key == d.iso3.lower(), d
        if d.kind in ("organisation", "secretariat"):
            assert d.iso2 is None and d.iso3 is None, d
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", d.key), d


def test_current_iso_codes_unique() -> None:
    current = [
        d
        for d in all_delegations()
        if d.kind in ("state", "observer_state") and d.key not in FORMER_STATES | NON_ISO_STATES
    ]
    assert len({d.iso2 for d in current}) == len(current)
    assert len({d.iso3 for d in current}) == len(current)


def test_exactly_five_permanent_members() -> None:
    p5 = sorted(d.key for d in all_delegations() if d.permanent_member)
    assert p5 == ["chn", "fra", "gbr", "rus", "usa"]


def test_resolve_round_trips_name_and_short() -> None:
    for d in all_delegations():
        assert resolve_delegation(d.name) is d
        assert resolve_delegation(d.short) is d


def test_aliases_are_normalised_and_point_to_known_keys() -> None:
    keys = {d.key for d in all_delegations()}
    assert ALIASES
    for variant, key in ALIASES.items():
        assert normalise_name(variant) == variant
        assert key in keys
        assert resolve_delegation(variant).key == key  # type: ignore[union-attr]


def test_alias_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        ALIASES["atlantis"] = "fra"  # type: ignore[index]


def test_dataclass_is_frozen() -> None:
    d = resolve_delegation("France")
    assert isinstance(d, DelegationInfo)
    with pytest.raises(AttributeError):
        d.name = "x"  # type: ignore[misc]


def test_not_delegations_are_normalised() -> None:
    for v in NOT_DELEGATIONS:
        assert normalise_name(v) == v
        assert resolve_delegation(v) is None


# ---------------------------------------------------------------------------
# The real data in shared/: 100% of delegations must resolve
# ---------------------------------------------------------------------------
needs_data = pytest.mark.skipif(
    not DATA.is_dir(),
    reason=f"shared data set not present at {DATA} (unsc-2020 lives in the project's shared/ folder)",
)

# A speaker label at the start of a line: "Mr. Nebenzia (Russian Federation) (spoke in
# Russian):", with nested parentheses ("(Bolivia (Plurinational State of))") and
# line breaks inside the parentheses allowed.
_LABEL_RE = re.compile(r"^(?P<who>[^\n():]{1,80}?)\s*(?P<parens>(?:\((?:[^()]|\([^()]*\))*\)\s*)+):", re.M)
_LANGUAGE_NOTE_RE = re.compile(r"^\s*(spoke|interpretation)\b", re.I)


def _paren_groups(text: str) -> list[str]:
    """Top-level parenthesised groups of text, without their outer parentheses."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start:i])
    return out


def _label_countries(label_match: re.Match[str]) -> list[str]:
    """The delegation(s) named in a label, language notes left out."""
    return [g for g in _paren_groups(label_match.group("parens")) if not _LANGUAGE_NOTE_RE.match(g)]


def _meta_rows() -> list[dict[str, str]]:
    with open(DATA / "meta.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _speeches() -> Iterator[dict]:
    with open(DATA / "speeches.jsonl", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _meeting_text_names() -> Iterator[tuple[str, str]]:
    """(source, name) for every label country and cover-page delegation."""
    for path in sorted((DATA / "meetings" / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for m in _LABEL_RE.finditer(text):
            for c in _label_countries(m):
                yield f"{path.name}: {m.group(0)!r}", c
        # Cover page: "President:" then "Mr. X . . ." and "(Viet Nam)"; then
        # "Members:" and one "Country . . . ." line per member, up to "Agenda".
        cover = re.search(r"^President:\n(.*?)^Agenda$", text, re.M | re.S)
        assert cover, f"no cover page in {path.name}"
        block = cover.group(1)
        pres = re.search(r"^\((.+)\)\s*$", block, re.M)
        assert pres, f"no President's delegation on the cover of {path.name}"
        yield f"{path.name}: cover President", pres.group(1)
        members = re.findall(r"^([^\n.][^\n]*?)\s*(?:\. ?){2,}\s*$", block.split("Members:", 1)[1], re.M)
        assert len(members) == 14, (path.name, members)  # the President's State is the 15th
        for name in members:
            yield f"{path.name}: cover Members", name


@needs_data
def test_every_meta_country_resolves() -> None:
    rows = _meta_rows()
    values = sorted({r["country"] for r in rows})
    assert len(values) == 180
    unresolved = [v for v in values if resolve_delegation(v) is None and normalise_name(v) not in NOT_DELEGATIONS]
    assert unresolved == []
    # The non-delegation values are exactly the known ones.
    assert {normalise_name(v) for v in values if resolve_delegation(v) is None} == NOT_DELEGATIONS


@needs_data
def test_meta_country_samples() -> None:
    values = {r["country"] for r in _meta_rows()}
    expected = {
        "UN": "united-nations",
        "EU": "european-union",
        "ICC": "icc",
        "NATO": "nato",
        "El] Salvador": "slv",
        "Kyrgyztan": "kgz",
        "Republic of Tunisia": "tun",
        "Tunisia": "tun",
        "Saint Vincent and Grenadines": "vct",
        "Turkey": "tur",
        "Plurinational State of Bolivia": "bol",
        "Islamic Republic of Iran": "irn",
        "Bolivarian Republic of Venezuela": "ven",
        "Niger": "ner",
        "Nigeria": "nga",
        "United Kingdom": "gbr",
        "United Kingdom of Great Britain and Northern Ireland": "gbr",
        "League of Arab States": "league-of-arab-states",
        "League of the Arab States": "league-of-arab-states",
        "Afghanistan Independent Human Rights Commmission": "aihrc",
        "Palestine": "pse",
        "State of Palestine": "pse",
        "Russia": "rus",
    }
    for value, key in expected.items():
        assert value in values
        assert _key(value) == key, value


@needs_data
def test_every_label_in_speeches_jsonl_resolves() -> None:
    unresolved: set[str] = set()
    n = 0
    for row in _speeches():
        m = _LABEL_RE.match(row["content"])
        if not m:
            continue
        for c in _label_countries(m):
            n += 1
            if resolve_delegation(c) is None:
                unresolved.add(c)
    assert n > 700  # 796 labelled speeches name a delegation
    assert sorted(unresolved) == []


# Rows where the corpus's `country` and the printed label name different
# delegations on purpose: a committee chair speaking for a Council committee,
# coded "UN" by the corpus authors while the record prints his State.
_KNOWN_DISAGREEMENTS = {("UNSC_2020_SPV.8710", 4)}


@needs_data
def test_meta_country_agrees_with_label() -> None:
    mismatches = []
    for row in _speeches():
        m = _LABEL_RE.match(row["content"])
        if not m:
            continue
        meta = resolve_delegation(row["country"])
        for c in _label_countries(m):
            label = resolve_delegation(c)
            if meta is None:
                # Only the language note entered as a country: S/PV.8724, speech by
                # Mr. Michon, label "(spoke in French) (France)".
                assert normalise_name(row["country"]) == "spoke in french", row["country"]
                assert label is not None and label.key == "fra"
            elif label != meta and (row["basename"], row["speech"]) not in _KNOWN_DISAGREEMENTS:
                mismatches.append((row["basename"], row["speech"], row["country"], c))
    assert mismatches == []


@needs_data
def test_every_label_in_speech_files_resolves() -> None:
    unresolved: set[str] = set()
    n = 0
    for path in sorted((DATA / "speeches").glob("*.txt")):
        first = path.read_bytes().decode("cp1252").split("\n", 1)[0]
        m = _LABEL_RE.match(first)
        if not m:
            continue
        for c in _label_countries(m):
            n += 1
            if resolve_delegation(c) is None:
                unresolved.add(c)
    assert n > 500
    assert sorted(unresolved) == []


@needs_data
def test_every_name_in_meeting_texts_resolves() -> None:
    pairs = list(_meeting_text_names())
    assert len(pairs) > 200
    unresolved = sorted({(src, name) for src, name in pairs if resolve_delegation(name) is None})
    assert unresolved == []
    keys = {resolve_delegation(name).key for _, name in pairs}  # type: ignore[union-attr]
    assert {"gbr", "bol", "irn", "ven", "lao", "ner", "pse"} <= keys


def test_china_by_date_and_states_that_no_longer_exist() -> None:
    import datetime as dt

    from archive.parsing.delegations import SUCCESSORS, delegation_by_key, resolve_delegation_on

    assert resolve_delegation_on("China", dt.date(1950, 8, 29)).key == "republic-of-china"
    assert resolve_delegation_on("China", dt.date(1971, 10, 25)).key == "chn"
    assert resolve_delegation_on("Union of Soviet Socialist Republics", dt.date(1950, 1, 1)).key == "sun"
    assert resolve_delegation_on("German Democratic Republic", None).key == "ddr"
    # Kept apart, their successors named (never merged).
    assert [k for k, _ in SUCCESSORS["sun"]] == ["rus"] and delegation_by_key("sun") != delegation_by_key("rus")
    assert [k for k, _ in SUCCESSORS["csk"]] == ["cze", "svk"]
    assert all(delegation_by_key(k) for successors in SUCCESSORS.values() for k, _ in successors)


# --------------------------------------------------------------------------- the key a reader hands on


def test_a_delegation_name_resolves_back_to_its_key() -> None:
    """Every reader stores a resolved delegation by its table name, so the name alone says which
    delegation it is: that is why ``delegation_key`` stays out of a statement's dict (golden files,
    the meeting checksum) — a change of key is always a change of name."""
    from archive.parsing.roles import SECRETARIAT, SECRETARIAT_KEY

    for info in all_delegations():
        back = resolve_delegation(info.name)
        assert back is not None and back.key == info.key, info
    assert resolve_delegation(SECRETARIAT).key == SECRETARIAT_KEY


def _reader_keys(meetings) -> list[tuple[str | None, str | None, str]]:
    return [(s.delegation, s.delegation_key, s.role) for m in meetings for s in m.statements]


def test_every_reader_hands_on_the_key_it_resolved() -> None:
    """The record, corpus and single-statement readers each give a statement the key of the
    delegation they resolved (None for a name outside the table), and a record its presidency's."""
    import datetime as dt

    from archive.parsing import parse_path

    from .conftest import SAMPLE

    record = parse_path(SAMPLE / "records" / "S_PV.8698_E.pdf")[0]
    assert record.presidency == "Viet Nam" and record.presidency_key == "vnm"
    corpus = parse_path(SAMPLE / "corpus-2020")
    seeds = SHARED / "seeds" if (SHARED / "seeds").exists() else Path(__file__).parent / "fixtures" / "seeds"
    statement = parse_path(seeds / "000_b358dbdd33e14572.txt", symbol="S/PV.8027", date=dt.date(2017, 8, 2))
    assert statement[0].statements[0].delegation_key == "kaz"
    for meetings in ([record], corpus, statement):
        rows = _reader_keys(meetings)
        assert rows
        for name, key, role in rows:
            info = resolve_delegation(name) if name else None
            assert key == (info.key if info else None), (name, key, role)
    keys = {key for _, key, _ in _reader_keys([record])}
    assert {"vnm", "united-nations"} <= keys  # the chair (the presidency) and the Secretariat
    seats = {m.delegation_key for m in record.members}
    assert len(seats) == len(record.members) == 14 and None not in seats  # the President sits apart


def test_every_reader_resolves_china_by_the_meetings_date():
    """The corpus and single-statement readers, like the record reader: "China" before 25 October
    1971 is the Republic of China."""
    import datetime as dt

    from archive.parsing import parse_statement_text

    before = parse_statement_text("Mr. Tsiang (China): I thank you.", symbol="S/PV.492", date=dt.date(1950, 8, 29))
    after = parse_statement_text("Mr. Zhang (China): I thank you.", symbol="S/PV.8700", date=dt.date(2020, 1, 10))
    assert before.statements[0].delegation_key == "republic-of-china"
    assert after.statements[0].delegation_key == "chn"


def test_the_corpus_reader_resolves_china_by_the_meetings_date():
    import datetime as dt

    from archive.parsing.corpus import _statement

    row = {"participanttype": "Mentioned", "country": "China", "speaker": "Mr. Tsiang"}
    early, _ = _statement(1, row, "I thank you.", path="meta.tsv", line=2, date=dt.date(1950, 8, 29))
    late, _ = _statement(1, row, "I thank you.", path="meta.tsv", line=2, date=dt.date(2020, 1, 10))
    assert (early.delegation_key, late.delegation_key) == ("republic-of-china", "chn")
