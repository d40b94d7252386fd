"""Fuzz targets and input strategies for the parser, the citation finder and the search query language.

Shared by the short runs in CI (tests/test_fuzz.py) and the long run (bench/fuzz.py). Inputs are
arbitrary text and real record fragments (lines of a 2020 record, rows of the 2020 corpus, real
paragraphs) mutated: lines dropped, repeated, swapped, cut, glued to noise. Each target either
returns normally, with its properties holding, or raises the documented ``ParseError`` (for the
query language: ``QueryError``); anything else is a crash. The query target needs Django's settings
(haystack builds the engines' queries); it touches no database and no index.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from archive.citations import decode_bytes, detect_self_number, find_citations, find_references
from archive.parsing import ParseError, parse_record_text, parse_statement_text
from archive.parsing.corpus import parse_corpus
from archive.parsing.labels import match_label
from archive.parsing.limits import MAX_STATEMENT_CHARS

from .conftest import UNSC_2020

RECORD = UNSC_2020 / "meetings" / "text" / "S_PV.8700_E.txt"
CORPUS = UNSC_2020 / "speeches.jsonl"
NOISE = [
    "\x00",
    "\f",
    "\r",
    "\r\n",
    "\t",
    "\u2028",
    "\ufeff",
    "\u200b",
    "\ud7ff",
    "\U0001f600",
    "(",
    ")",
    ":",
    "S/PV.",
    "S/RES/",
    "resolution ",
    "(2020)",
    "99999999999999999999",
    "-",
    ". . . . .",
    "The President:",
    "(spoke in French)",
    "<script>",
    "&amp;",
    "\u0301",
    "Ä",
    "ﬁ",
    "99 January 2020",
    "0000-00-00",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "\ufffe",
    '"',
    "\t",
    "7" * 5000,
    "[" * 3000,
    "UNSC_2020_SPV." + "9" * 400,
]
META = UNSC_2020 / "meta.tsv"
SPEECHES = UNSC_2020 / "speeches"
CONTROL = set(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]) | {"\ufffe", "\uffff"}


@functools.cache
def record_lines() -> tuple[str, ...]:
    return tuple(RECORD.read_text(encoding="utf-8").split("\n"))


@functools.cache
def corpus_rows() -> tuple[str, ...]:
    with CORPUS.open(encoding="utf-8") as fh:
        return tuple(line.rstrip("\n") for _, line in zip(range(120), fh, strict=False))


@functools.cache
def paragraphs() -> tuple[str, ...]:
    """Real paragraphs that cite resolutions (and some that do not)."""
    out = []
    for row in corpus_rows():
        text = json.loads(row)["content"]
        out.extend(p for p in text.split("\n") if p.strip())
    cites = [p for p in out if "resolution" in p]
    return tuple(cites + out[:200])


def noise() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NOISE), st.text(max_size=30))


def mutated(pieces: st.SearchStrategy[list[str]], joiner: str) -> st.SearchStrategy[str]:
    """A list of real pieces, mutated a few times, joined."""

    @st.composite
    def build(draw) -> str:
        items = list(draw(pieces))
        for _ in range(draw(st.integers(0, 8))):
            if not items:
                items.append(draw(noise()))
                continue
            i = draw(st.integers(0, len(items) - 1))
            op = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "insert", "glue", "upper"]))
            if op == "drop":
                del items[i]
            elif op == "repeat":
                items[i:i] = [items[i]] * draw(st.integers(1, 20))
            elif op == "swap":
                j = draw(st.integers(0, len(items) - 1))
                items[i], items[j] = items[j], items[i]
            elif op == "cut":
                items[i] = items[i][: draw(st.integers(0, max(0, len(items[i]))))]
            elif op == "insert":
                items.insert(i, draw(noise()))
            elif op == "glue":
                k = draw(st.integers(0, len(items[i])))
                items[i] = items[i][:k] + draw(noise()) + items[i][k:]
            else:
                items[i] = items[i].upper()
        return joiner.join(items)

    return build()


def window(lines: tuple[str, ...], *, max_lines: int) -> st.SearchStrategy[list[str]]:
    """Consecutive real lines; often the record's start, so the cover is read and the body reached."""
    start = st.one_of(st.just(0), st.integers(0, len(lines) - 1))
    return st.tuples(start, st.integers(1, max_lines)).map(lambda se: list(lines[se[0] : se[0] + se[1]]))


# --------------------------------------------------------------------------- strategies


def record_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), mutated(window(record_lines(), max_lines=400), "\n"))


def statement_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), mutated(window(record_lines()[120:], max_lines=60), "\n"))


def label_texts() -> st.SearchStrategy[str]:
    labels = [ln for ln in record_lines() if match_label(ln) is not None][:80]
    return st.one_of(st.text(max_size=200), mutated(st.lists(st.sampled_from(labels), min_size=1, max_size=3), " "))


def corpus_tables() -> st.SearchStrategy[str]:
    """speeches.jsonl contents: real rows mutated as text, or with fields replaced by odd values."""
    odd = st.one_of(
        st.none(),
        st.integers(-(10**20), 10**20),
        st.text(max_size=30),
        st.sampled_from(NOISE),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
        st.floats(allow_nan=True),
    )
    keys = [
        "basename",
        "spv",
        "date",
        "speech",
        "speaker",
        "participanttype",
        "country",
        "content",
        "filename",
        "topic",
    ]

    @st.composite
    def field_changes(draw) -> str:
        rows = [json.loads(r) for r in draw(st.lists(st.sampled_from(corpus_rows()), min_size=1, max_size=6))]
        for row in rows:
            for key in draw(st.lists(st.sampled_from(keys), max_size=3)):
                row[key] = draw(odd)
        return "\n".join(json.dumps(r) for r in rows)

    return st.one_of(field_changes(), mutated(st.lists(st.sampled_from(corpus_rows()), min_size=1, max_size=6), "\n"))


@functools.cache
def meta_rows() -> tuple[str, ...]:
    """The header and the first rows of the corpus's meta.tsv (their speech files exist)."""
    with META.open(encoding="utf-8") as fh:
        return tuple(line.rstrip("\n") for _, line in zip(range(121), fh, strict=False))


def meta_tables() -> st.SearchStrategy[str]:
    """meta.tsv contents: the header and real rows, mutated as text or with fields replaced."""
    header, rows = meta_rows()[0], meta_rows()[1:]
    odd = st.one_of(st.sampled_from(NOISE), st.text(max_size=30), st.integers(-(10**30), 10**30).map(str))

    @st.composite
    def field_changes(draw) -> str:
        picked = [r.split("\t") for r in draw(st.lists(st.sampled_from(rows), min_size=1, max_size=6))]
        for cells in picked:
            for i in draw(st.lists(st.integers(0, len(cells) - 1), max_size=3)):
                cells[i] = draw(odd)
        return "\n".join([header, *("\t".join(cells) for cells in picked)])

    return st.one_of(
        field_changes(),
        mutated(st.lists(st.sampled_from(rows), min_size=1, max_size=6).map(lambda r: [header, *r]), "\n"),
        st.text(max_size=300),
    )


@functools.cache
def speech_files() -> tuple[str, ...]:
    """Real speech files as published (Windows-1252, CRLF), decoded here as Latin-1 to mutate them."""
    names = [line.split("\t")[0] for line in meta_rows()[1:40]]
    return tuple((SPEECHES / name).read_bytes().decode("latin-1") for name in names)


def speech_texts() -> st.SearchStrategy[str]:
    """Speech file contents: real files' lines mutated, or arbitrary text."""
    lines = st.sampled_from(speech_files()).map(lambda text: text.split("\r\n"))
    return st.one_of(mutated(lines, "\r\n"), st.text(max_size=300))


def citation_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=300), mutated(st.lists(st.sampled_from(paragraphs()), min_size=1, max_size=3), "\n")
    )


# --------------------------------------------------------------------------- targets (raise on a broken property)


def check_record(text: str) -> None:
    try:
        meeting = parse_record_text(text, path="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt"), exc
        return
    assert meeting.symbol.startswith("S/PV.")
    check_meetings([meeting])
    for s in meeting.statements:
        assert s.speaker_label and all(p.strip() == p and p for p in s.paragraphs), s


def check_statement(text: str) -> None:
    try:
        meeting = parse_statement_text(text, symbol="S/PV.1", date=dt.date(2020, 1, 1), path="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt"), exc
        return
    (statement,) = meeting.statements
    assert statement.speaker_label
    check_meetings([meeting])


def check_label(text: str) -> None:
    found = match_label(text)
    if found is not None:
        label, offset = found
        assert 0 < offset <= len(text) and label.printed
        assert label.name is None or label.name.strip()


_corpus_dir = tempfile.TemporaryDirectory(prefix="fuzz-corpus-")


def _folder(name: str) -> Path:
    folder = Path(_corpus_dir.name) / name
    (folder / "speeches").mkdir(parents=True, exist_ok=True)
    return folder


def check_meetings(meetings) -> None:
    """Properties of any parse: statements numbered 1..n, a statement's text within the limit, no
    character XML cannot carry in any field."""
    for m in meetings:
        assert [s.order for s in m.statements] == list(range(1, len(m.statements) + 1))
        assert all(len(s.text) <= MAX_STATEMENT_CHARS for s in m.statements)
        printed = json.dumps(m.as_dict(), ensure_ascii=False, default=str)
        assert not CONTROL.intersection(printed), sorted(CONTROL.intersection(printed))


def parse_checked(folder: Path, *named: str) -> list:
    """The corpus folder's meetings, their properties checked; none when the documented ParseError
    came, naming one of the ``named`` files (a table's errors also name the line)."""
    try:
        meetings = parse_corpus(folder)
    except ParseError as exc:
        assert any(name in str(exc) for name in named), exc
        assert exc.line is not None or "speeches.jsonl" not in str(exc), exc
        return []
    check_meetings(meetings)
    return meetings


def check_corpus(table: str) -> None:
    folder = _folder("jsonl")
    (folder / "speeches.jsonl").write_text(table, encoding="utf-8", errors="surrogatepass")
    for m in parse_checked(folder, "speeches.jsonl"):
        assert m.date is not None and m.statements


def check_meta(table: str) -> None:
    """A meta.tsv (no speeches.jsonl) over the real speech files of its rows."""
    folder = _folder("tsv")
    for line in meta_rows()[1:]:
        target = folder / "speeches" / line.split("\t")[0]
        if not target.exists():
            target.write_bytes((SPEECHES / target.name).read_bytes())
    (folder / "meta.tsv").write_text(table, encoding="utf-8", errors="surrogatepass")
    parse_checked(folder, "meta.tsv", "speeches")


def check_speech(text: str) -> None:
    """A speech file's bytes (mutated text in Latin-1, as cp1252 files read) under a real row."""
    folder = _folder("speech")
    header, row = meta_rows()[0], meta_rows()[1]
    (folder / "meta.tsv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    latin = all(ord(ch) < 256 for ch in text)  # a mutated real file; else arbitrary text, as UTF-8
    data = text.encode("latin-1") if latin else text.encode("utf-8", "surrogatepass")
    (folder / "speeches" / row.split("\t")[0]).write_bytes(data)
    parse_checked(folder, "spch001.txt", "meta.tsv")


def check_citations(text: str) -> None:
    last_end = -1
    for c in find_citations(text, self_number=detect_self_number(text)):
        assert 0 <= c.start < c.end <= len(text) and text[c.start : c.end] == c.text, c
        assert c.start >= last_end and 1 <= c.number <= 3000, c
        assert c.year is None or str(c.year) in c.text, c
        last_end = c.end
    for r in find_references(text):
        assert text[r.start : r.end] == r.text and r.symbol[:2] in ("S/", "A/", "E/"), r
        assert r.kind.startswith(("ga_", "ecosoc_")) == (r.symbol[0] != "S"), r
    assert isinstance(decode_bytes(text.encode("utf-8", "surrogatepass")), str)


# --------------------------------------------------------------------------- the query language

QUERY_PIECES = [
    "peace",
    "security",
    "Libya",
    "ceasefire",
    "humanitarian",
    "S/PV.8700",
    "peace-keeping",
    "2334",
    "x",
    "ß",
    "OR",
    "|",
    "||",
    "AND",
    "&",
    "+",
    "NOT",
    "-",
    "--",
    "-peace",
    "(",
    ")",
    "((",
    "))",
    '"',
    '"rule of law"',
    "*",
    "?",
    "country:France",
    'country:"Russian Federation"',
    "country:",
    "-country:fra",
    "speaker:Nebenzia",
    'speaker:"Vassily Nebenzia"',
    "resolution:2334",
    "res:S/RES/2334 (2016)",
    "resolution:abc",
    "year:2020",
    "year:2018..2020",
    "year:0001",
    "year:0001..2020",
    "year:99999",
    "date:2020-01..2020-03",
    "date:..2019",
    "date:2019..",
    "date:..",
    "date:0999",
    "date:2020-02-30",
    "date:9999-12-31",
    "role:president",
    "role:king",
    "language:French",
    "lang:",
    "meeting:8700",
    "meeting:S/PV.8699 (Resumption 1)",
    "meeting:abc",
    "colour:blue",
    "a:b:c",
    ":",
    "\x01",
    "\x1f",
    "\x7f",
    "\t",
    "\n",
    "\u00b2",
    "\u202e",
    "\U0001f600",
]


def query_texts() -> st.SearchStrategy[str]:
    """Arbitrary text, and the language's own pieces (words, operators, filters with good and bad
    values) mutated and joined, often deeply nested."""
    pieces = st.lists(st.sampled_from(QUERY_PIECES), min_size=1, max_size=30)
    nested = st.tuples(st.integers(0, 40), st.sampled_from(["(", "-(", "NOT (", '("'])).map(
        lambda n: n[1] * n[0] + "peace"
    )
    return st.one_of(st.text(max_size=200), mutated(pieces, " "), mutated(pieces, ""), nested)


@functools.cache
def engines() -> tuple:
    """The Whoosh and tantivy backends, set up but with no index: compiling a query needs none."""
    from archive.search.backend import ArchiveWhooshBackend
    from archive.search.tantivy_backend import TantivySearchBackend

    whoosh = ArchiveWhooshBackend("default", PATH=tempfile.mkdtemp(prefix="fuzz-whoosh-"))
    tantivy = TantivySearchBackend("default", PATH=tempfile.mkdtemp(prefix="fuzz-tantivy-"))
    whoosh.setup()
    tantivy.setup()
    return whoosh, tantivy


def check_query(text: str) -> None:
    """Parsed, compiled to SQ and translated by both engines, or refused with the parser's own
    ``QueryError``: nothing else may come out (a RecursionError or an engine's TimeError was a 500)."""
    from haystack.query import SearchQuerySet

    from archive.search import query as ql

    try:
        parsed = ql.parse(text)
        compiled = ql.to_sq(parsed)
    except ql.QueryError as exc:
        assert str(exc), text
        return
    assert parsed.node is not None
    ql.describe(parsed.node)
    ql.parse(parsed.text())  # the text shown back (chips, links) is a query too
    whoosh, tantivy = engines()
    query_string = SearchQuerySet().filter(compiled.sq).query.build_query()
    whoosh.parser.parse(query_string)
    tantivy.translate(compiled.sq)


TARGETS: dict[str, tuple[Callable[[], st.SearchStrategy[str]], Callable[[str], None]]] = {
    "record text": (record_texts, check_record),
    "single statement": (statement_texts, check_statement),
    "speaker label": (label_texts, check_label),
    "corpus rows": (corpus_tables, check_corpus),
    "corpus meta.tsv": (meta_tables, check_meta),
    "corpus speech file": (speech_texts, check_speech),
    "citations": (citation_texts, check_citations),
    "search query": (query_texts, check_query),
}
