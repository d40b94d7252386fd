"""The archive's search language, parsed here (not by ``auto_query``) into haystack ``SQ`` objects.

    climate security                 both words (every word must match)
    "rule of law"                    the exact phrase
    climate OR environment           either (``|`` works too)
    sanctions -Iran                  ``-`` (or ``NOT``) leaves out
    (Syria OR Yemen) humanitarian    parentheses group
    country:France  country:"Russian Federation"  speaker:Nebenzia  resolution:2334
    year:2020  date:2020-01..2020-03  role:president  language:French  meeting:8700
    agenda:middle-east  agenda:"The situation in Mali"  agenda:Syria

Parsing is pure: ``parse()`` turns text into a small tree of frozen dataclasses and a list of
notices (what was repaired or ignored), ``to_sq()`` turns the tree into ``SQ`` and ``to_text()``
turns it back into text (used for removable chips). A ``resolve_country`` callback given by the
caller maps a typed country to a delegation key; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from haystack.inputs import Exact
from haystack.query import SQ

from archive.parsing.agenda import find_items
from archive.parsing.roles import TITLE_KIND_VALUES, title_kind_named

from .values import (  # noqa: F401 - the filter values and symbols, read by callers through this module too
    EARLIEST_DATE,
    LATEST_DATE,
    DateSpan,
    SymbolTarget,
    parse_date_bound,
    parse_date_span,
    parse_meeting,
    parse_resolution_number,
    symbol_target,
)

MAX_QUERY_CHARS = 500
MAX_TERMS = 40
MAX_DEPTH = 20  # parentheses inside parentheses: deeper, and parsing or compiling could exhaust the stack
# Control characters (tab, line feed and carriage return are spaces): no text holds them, an Atom
# feed cannot carry them, and PostgreSQL refuses NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# field typed in the box -> canonical filter name
FIELD_ALIASES = {
    "country": "country",
    "delegation": "country",
    "author": "country",  # the UN Digital Library's word for it
    "speaker": "speaker",
    "resolution": "resolution",
    "res": "resolution",
    "year": "year",
    "date": "date",
    "role": "role",
    "title": "title",
    "language": "language",
    "lang": "language",
    "meeting": "meeting",
    "agenda": "agenda",
    "item": "agenda",
}
FILTER_LABELS = {
    "country": "Country",
    "speaker": "Speaker",
    "resolution": "Resolution",
    "year": "Year",
    "date": "Date",
    "role": "Role",
    "title": "Title",
    "language": "Language",
    "meeting": "Meeting",
    "agenda": "Agenda item",
}
ROLE_ALIASES = {
    "president": "president",
    "chair": "president",
    "member": "member",
    "members": "member",
    "council member": "member",
    "invitee": "invitee",
    "invited": "invitee",
    "secretariat": "secretariat",
    "committee chair": "committee-chair",
    "committee-chair": "committee-chair",
    "chair of a committee": "committee-chair",
    "briefer": "other",
    "other": "other",
}
LANGUAGES = {"arabic", "chinese", "english", "french", "russian", "spanish"}
WORD = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """The query cannot be searched at all (empty, too long); the message is for the reader."""


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Term:
    word: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    name: str  # canonical: country, speaker, resolution, year, date, role, language, meeting, agenda
    value: str  # as typed (without quotes)


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Term | Phrase | Filter | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    node: Node | None
    notices: tuple[str, ...] = ()

    @property
    def parts(self) -> tuple[Node, ...]:
        """Top-level conjuncts (each one is a chip)."""
        if self.node is None:
            return ()
        if isinstance(self.node, And):
            return self.node.nodes
        return (self.node,)

    def without(self, index: int) -> str:
        """The query text with one top-level part removed (a chip's remove link)."""
        parts = [p for i, p in enumerate(self.parts) if i != index]
        return " ".join(to_text(p, top=len(parts) == 1) for p in parts)

    def text(self) -> str:
        return to_text(self.node) if self.node is not None else ""

    def positive_words(self) -> list[str]:
        """Words and phrase words that must or may match the text (for highlighting)."""
        return _positive_words(self.node) if self.node is not None else []

    def filters(self) -> list[Filter]:
        return [p for p in self.parts if isinstance(p, Filter)]

    def has_text(self) -> bool:
        return bool(self.positive_words())


def _positive_words(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return list(node.words)
    if isinstance(node, And | Or):
        return [w for n in node.nodes for w in _positive_words(n)]
    return []


# --------------------------------------------------------------------------- tokens

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<phrase>"[^"]*"?)                      # a phrase; an unclosed one runs to the end
  | (?P<field>[A-Za-z]+):(?P<fvalue>"[^"]*"?|[^\s()"]*)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


@dataclass
class _Token:
    kind: str  # lparen, rparen, phrase, field, word, or, not
    text: str
    name: str = ""
    negated: bool = False


def _tokens(text: str, notices: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        raw = m.group(0)
        if m.group("space"):
            continue
        if m.group("field"):
            name = m.group("field").lower()
            value = m.group("fvalue")
            if value.startswith('"'):
                if len(value) == 1 or not value.endswith('"'):
                    notices.append(f"A quotation mark after {name}: was not closed; it was closed at the end.")
                value = value.strip('"')
            canonical = FIELD_ALIASES.get(name)
            if canonical is None:
                notices.append(f"There is no filter called “{name}:”; its words were searched as text.")
                tokens.append(_Token("phrase" if " " in value else "word", f"{name} {value}"))
                continue
            tokens.append(_Token("field", value.strip(), name=canonical))
            continue
        if m.group("phrase"):
            if len(raw) == 1 or not raw.endswith('"'):
                notices.append("A quotation mark was not closed; the phrase was closed at the end.")
            tokens.append(_Token("phrase", raw.strip('"')))
            continue
        if kind == "word":
            if raw in ("OR", "|", "||"):
                tokens.append(_Token("or", raw))
            elif raw in ("AND", "&", "&&", "+"):
                continue  # every word must match anyway
            elif raw == "NOT":
                tokens.append(_Token("not", raw))
            elif raw.startswith("-") and len(raw) > 1:
                tokens.append(_Token("not", "-"))
                rest = raw[1:]
                tokens.append(_Token("word", rest))
            elif raw == "-":
                continue
            else:
                tokens.append(_Token("word", raw))
            continue
        tokens.append(_Token(kind, raw))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[_Token], notices: list[str]):
        self.tokens = tokens
        self.i = 0
        self.notices = notices
        self.depth = 0  # parentheses open around the current token

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        while self.peek() is not None:  # a stray ")"
            self.take()
            self.notices.append("A closing parenthesis had no opening one; it was ignored.")
            more = self.or_expr()
            node = _and([n for n in (node, more) if n is not None])
        return node

    def or_expr(self) -> Node | None:
        branches = []
        first = self.and_expr()
        if first is not None:
            branches.append(first)
        while (t := self.peek()) is not None and t.kind == "or":
            self.take()
            branch = self.and_expr()
            if branch is not None:
                branches.append(branch)
            else:
                self.notices.append("OR needs something on both sides; it was ignored.")
        if not branches:
            return None
        if len(branches) == 1:
            return branches[0]
        flat: list[Node] = []
        for b in branches:
            flat.extend(b.nodes if isinstance(b, Or) else (b,))
        return Or(tuple(flat))

    def and_expr(self) -> Node | None:
        nodes: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("or", "rparen"):
            node = self.unary()
            if node is not None:
                nodes.append(node)
        return _and(nodes)

    def unary(self) -> Node | None:
        t = self.take()
        if t.kind == "not":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen"):
                self.notices.append("A minus sign or NOT had nothing after it; it was ignored.")
                return None
            inner = self.unary()
            if inner is None:
                return None
            if isinstance(inner, Not):
                return inner.node
            return Not(inner)
        if t.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"That query has parentheses more than {MAX_DEPTH} deep; use fewer.")
            inner = self.or_expr()
            self.depth -= 1
            closing = self.peek()
            if closing is not None and closing.kind == "rparen":
                self.take()
            else:
                self.notices.append("A parenthesis was not closed; it was closed at the end.")
            return inner
        if t.kind == "field":
            if not t.text:
                self.notices.append(f"The filter “{t.name}:” had no value; it was ignored.")
                return None
            return Filter(t.name, t.text)
        if t.kind == "phrase":
            words = tuple(w.lower() for w in WORD.findall(t.text))
            if not words:
                return None
            return Phrase(words) if len(words) > 1 else Term(words[0])
        if t.kind == "word":
            words = tuple(w.lower() for w in WORD.findall(t.text))
            if not words:
                return None
            # "peace-keeping", "S/2020/1": the parts side by side, as the text was indexed
            return Phrase(words) if len(words) > 1 else Term(words[0])
        return None  # not reached: "or" and "rparen" are handled by the callers


def _and(nodes: list[Node]) -> Node | None:
    flat: list[Node] = []
    for n in nodes:
        flat.extend(n.nodes if isinstance(n, And) else (n,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def parse(text: str) -> ParsedQuery:
    """Parse what a reader typed. Raises ``QueryError`` only for a query that cannot be run."""
    text = (text or "").strip()
    if not text:
        raise QueryError("Type some words to search for.")
    _check_length(text)
    if CONTROL_CHARACTERS.search(text):
        raise QueryError("That query has a control character in it; type it again without.")
    notices: list[str] = []
    # "-" glued to a field or a phrase (-country:France, -"rule of law") means NOT
    text = re.sub(r'(^|[\s(])-(?=[A-Za-z]+:|")', r"\1NOT ", text)
    tokens = _tokens(text, notices)
    node = _Parser(tokens, notices).parse()
    if node is None:
        raise QueryError("That query has no words that can be searched for.")
    if _count_terms(node) > MAX_TERMS:
        raise QueryError(f"That query has more than {MAX_TERMS} words and filters; use fewer.")
    if _only_negative(node):
        raise QueryError("A query cannot only leave things out: add a word or a filter to search for.")
    for value in _date_values(node):
        span = parse_date_span(value)
        if span is not None and (span.start < EARLIEST_DATE or span.end > LATEST_DATE):
            raise QueryError(f"“{value}”: dates can be searched from {EARLIEST_DATE.year} to {LATEST_DATE.year} only.")
    parsed = ParsedQuery(node, tuple(dict.fromkeys(notices)))
    _check_length(parsed.text(), "Written out in full, that query")  # shown back and linked: a query too
    return parsed


def _check_length(text: str, what: str = "That query") -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"{what} is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}. "
            "Search for the most telling words or a short phrase."
        )


def _date_values(node: Node) -> list[str]:
    """The values of the year: and date: filters anywhere in the tree."""
    if isinstance(node, Filter):
        return [node.value] if node.name in ("year", "date") else []
    if isinstance(node, Not):
        return _date_values(node.node)
    if isinstance(node, And | Or):
        return [v for n in node.nodes for v in _date_values(n)]
    return []


def _count_terms(node: Node) -> int:
    if isinstance(node, And | Or):
        return sum(_count_terms(n) for n in node.nodes)
    if isinstance(node, Not):
        return _count_terms(node.node)
    if isinstance(node, Phrase):
        return len(node.words)
    return 1


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(n) for n in node.nodes)
    if isinstance(node, Or):
        return any(_only_negative(n) for n in node.nodes)
    return False


# --------------------------------------------------------------------------- back to text


def _quote(value: str) -> str:
    return f'"{value}"' if re.search(r'[\s()"]', value) or not value else value


def to_text(node: Node, *, top: bool = True) -> str:
    if isinstance(node, Term):
        return node.word
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Filter):
        return f"{node.name}:{_quote(node.value)}"
    if isinstance(node, Not):
        return "-" + to_text(node.node, top=False)
    if isinstance(node, And):
        inner = " ".join(to_text(n, top=False) for n in node.nodes)
        return inner if top else f"({inner})"
    if isinstance(node, Or):
        inner = " OR ".join(to_text(n, top=False) for n in node.nodes)
        return inner if top else f"({inner})"
    raise TypeError(node)


def describe(node: Node) -> str:
    """A chip's label: what this part of the query means, in words."""
    if isinstance(node, Term):
        return node.word
    if isinstance(node, Phrase):
        return "“" + " ".join(node.words) + "”"
    if isinstance(node, Filter):
        return f"{FILTER_LABELS[node.name]}: {node.value}"
    if isinstance(node, Not):
        return "not " + describe(node.node)
    if isinstance(node, And):
        return "(" + " and ".join(describe(n) for n in node.nodes) + ")"
    if isinstance(node, Or):
        return " or ".join(describe(n) for n in node.nodes)
    raise TypeError(node)


# --------------------------------------------------------------------------- to SQ


@dataclass
class Compiled:
    sq: SQ
    notices: list[str] = field(default_factory=list)


def to_sq(
    parsed: ParsedQuery,
    *,
    resolve_country: Callable[[str], str | None] | None = None,
    resolve_speaker: Callable[[str], list[str]] | None = None,
) -> Compiled:
    """The tree as haystack ``SQ``. Filters go to the un-analysed ``*_exact`` fields where the
    value is known (a delegation key, a speaker named in full, a role, a year), otherwise to the
    analysed name fields. ``resolve_speaker`` maps a typed name to the slugs of the speakers with
    exactly that name (none for a part of a name, such as a surname)."""
    notices: list[str] = []

    def build(node: Node) -> SQ | None:
        if isinstance(node, Term):
            return SQ(content=node.word)
        if isinstance(node, Phrase):
            return SQ(content=Exact(" ".join(node.words)))
        if isinstance(node, Filter):
            return _filter_sq(node, resolve_country, resolve_speaker, notices)
        if isinstance(node, Not):
            inner = build(node.node)
            return None if inner is None else ~inner
        parts = [sq for sq in (build(n) for n in node.nodes) if sq is not None]
        if not parts:
            return None
        combined = parts[0]
        for sq in parts[1:]:
            combined = (combined | sq) if isinstance(node, Or) else (combined & sq)
        return combined

    sq = build(parsed.node) if parsed.node is not None else None
    if sq is None:
        raise QueryError("None of the filters in that query could be used: " + " ".join(notices))
    return Compiled(sq, notices)


def _words_value(value: str) -> str | Exact | None:
    words = [w.lower() for w in WORD.findall(value)]
    if not words:
        return None
    return words[0] if len(words) == 1 else Exact(" ".join(words))


def _filter_sq(node: Filter, resolve_country, resolve_speaker, notices: list[str]) -> SQ | None:
    name, value = node.name, node.value
    if name == "country":
        key = resolve_country(value) if resolve_country else None
        if key:
            return SQ(delegation_exact=key)
        words = _words_value(value)
        if words is None:
            notices.append(f"“country:{value}” names no country; it was ignored.")
            return None
        notices.append(f"No delegation is called “{value}”; delegations whose names contain it were searched.")
        return SQ(delegation=words)
    if name == "speaker":
        slugs = resolve_speaker(value) if resolve_speaker else []
        if slugs:
            combined = SQ(speaker_exact=slugs[0])
            for slug in slugs[1:]:
                combined |= SQ(speaker_exact=slug)
            return combined
        words = _words_value(value)
        if words is None:
            notices.append(f"“speaker:{value}” names nobody; it was ignored.")
            return None
        return SQ(speaker=words)
    if name == "resolution":
        number = parse_resolution_number(value)
        if number is None:
            notices.append(f"“resolution:{value}” is not a resolution number (try resolution:2334); it was ignored.")
            return None
        return SQ(resolutions=str(number))
    if name == "year":
        if re.fullmatch(r"\d{4}", value):
            return SQ(year_exact=value)
        span = parse_date_span(value)
        if span is None:
            notices.append(f"“year:{value}” is not a year (try year:2020 or year:2018..2020); it was ignored.")
            return None
        return SQ(date__gte=span.start) & SQ(date__lte=span.end)
    if name == "date":
        span = parse_date_span(value)
        if span is None:
            notices.append(
                f"“date:{value}” is not a date or range (try date:2020-01..2020-03 or date:2020-01-08); it was ignored."
            )
            return None
        return SQ(date__gte=span.start) & SQ(date__lte=span.end)
    if name == "role":
        role = ROLE_ALIASES.get(" ".join(value.lower().split()))
        if role is None:
            notices.append(
                f"“role:{value}” is not a role (president, member, invitee, secretariat, committee-chair, "
                "briefer); it was ignored."
            )
            return None
        return SQ(role_exact=role)
    if name == "title":
        kind = title_kind_named(value)
        if kind is None:
            notices.append(f"“title:{value}” is not a kind of title ({', '.join(TITLE_KIND_VALUES)}); it was ignored.")
            return None
        return SQ(title_exact=kind)
    if name == "language":
        language = value.strip().lower()
        if language not in LANGUAGES:
            notices.append(
                f"“language:{value}” is not a language of the Council (Arabic, Chinese, English, French, "
                "Russian, Spanish); it was ignored."
            )
            return None
        return SQ(language_exact=language)
    if name == "meeting":
        slug = parse_meeting(value)
        if slug is None:
            notices.append(
                f"“meeting:{value}” is not a meeting (try meeting:8700 or meeting:S/PV.8700); it was ignored."
            )
            return None
        return SQ(meeting_exact=slug)
    if name == "agenda":
        # The index holds each statement's item and the broader items above it, so a broader
        # item ("middle-east") finds its sub-items' meetings too (archive/parsing/agenda.py).
        slugs = find_items(value)
        if not slugs:
            notices.append(
                f"“agenda:{value}” names no agenda item (try agenda:middle-east or see /agenda/); it was ignored."
            )
            return None
        combined = SQ(agenda=slugs[0])
        for slug in slugs[1:]:
            combined |= SQ(agenda=slug)
        return combined
    raise ValueError(name)
