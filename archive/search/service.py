"""Running a query in the site's language: results for one page, facets, hits per year, "who says
this most", suggestions that are known to return hits (``search()``, also for the API), and what the
search page adds around it (``search_page()``: the canonical query of a "search within" form, a
symbol sent to its page or its citations searched, chips, names found). The view renders it."""

from __future__ import annotations

import difflib
import math
import time
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from haystack.query import SQ, SearchQuerySet

from archive.models import ROLE_CHOICES, Delegation, Resolution, Speaker, Statement
from archive.parsing.agenda import item_by_slug
from archive.parsing.delegations import resolve_delegation
from archive.symbol_links import resolve

from . import query as ql
from .engine import SUBSTANTIVE_DELEGATIONS, get_backend

PER_PAGE = 20
FACETS = (
    "delegation_exact",
    "year_exact",
    "role_exact",
    "resolutions",
    "language_exact",
    "agenda",
    SUBSTANTIVE_DELEGATIONS,
)
SORTS = {"relevance": None, "newest": "-chrono", "oldest": "chrono"}
ROLE_LABELS = dict(ROLE_CHOICES)


def resolve_country(value: str) -> str | None:
    """A typed country or organisation -> its delegation key (name, short name, key, ISO code, alias)."""
    value = value.strip()
    if not value:
        return None
    found = (
        Delegation.objects.filter(
            Q(name__iexact=value) | Q(short_name__iexact=value) | Q(key__iexact=value) | Q(iso3__iexact=value)
        )
        .values_list("key", flat=True)
        .first()
    )
    if found:
        return found
    info = resolve_delegation(value)
    return info.key if info is not None else None


def resolve_speaker(value: str) -> list[str]:
    """A speaker typed in full (a name as printed, or a speaker's slug) -> the slugs of the speakers
    with that name; a part of a name (a surname) resolves to none and is searched as words."""
    value = " ".join(value.split())
    if not value:
        return []
    return sorted(
        Speaker.objects.filter(Q(name__iexact=value) | Q(slug__iexact=value) | Q(names__name__iexact=value))
        .values_list("slug", flat=True)
        .distinct()
    )


def compile_query(parsed: ql.ParsedQuery) -> ql.Compiled:
    return ql.to_sq(parsed, resolve_country=resolve_country, resolve_speaker=resolve_speaker)


@dataclass
class Hit:
    statement: Statement
    snippet: str  # safe HTML: escaped text with <mark> around matched words ("" when none)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    query: str  # the query text with this value added as a filter
    active: bool = False


@dataclass(frozen=True)
class Chip:
    label: str  # what this top-level part of the query means, in words
    without: str | None  # the query text without it (None: it is the only part)


@dataclass
class Outcome:
    text: str
    parsed: ql.ParsedQuery | None = None
    error: str = ""
    notices: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    sort: str = "relevance"
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    per_year: list[tuple[str, int]] = field(default_factory=list)
    top_delegations: list[tuple[str, str, int]] = field(default_factory=list)  # name, url, count
    suggestion: tuple[str, int] | None = None  # (query text, hits)
    missing_index: bool = False
    # search_page() only:
    canonical: str = ""  # the query to redirect to: a "search within" form's filters folded in
    redirect: str = ""  # where a query that is only a symbol goes (its page)
    names: dict[str, list] = field(default_factory=dict)  # names_matching()

    @property
    def chips(self) -> list[Chip]:
        """One per top-level part of the query, each removable."""
        parts = self.parsed.parts if self.parsed is not None else ()
        return [Chip(ql.describe(p), self.parsed.without(i) if len(parts) > 1 else None) for i, p in enumerate(parts)]

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def _sqs(sq: SQ):
    return SearchQuerySet().filter(sq)


def count(sq: SQ) -> int:
    query = _sqs(sq).query
    query.set_limits(0, 1)
    query.run()
    return query.get_count()


def search(text: str, *, page: int = 1, sort: str = "relevance") -> Outcome:
    outcome = Outcome(text=text, sort=sort if sort in SORTS else "relevance")
    try:
        parsed = ql.parse(text)
        compiled = compile_query(parsed)
    except ql.QueryError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.parsed = parsed
    outcome.notices = list(parsed.notices) + compiled.notices
    backend = get_backend()
    if not backend.has_index():
        outcome.missing_index = True
        return outcome

    query = _sqs(compiled.sq).query
    for name in FACETS:
        query.add_field_facet(name)
    if SORTS[outcome.sort]:
        query.add_order_by(SORTS[outcome.sort])
    page = max(1, page)
    query.set_limits((page - 1) * PER_PAGE, page * PER_PAGE)
    query.run()
    outcome.total = query.get_count()
    outcome.pages = math.ceil(outcome.total / PER_PAGE)
    if outcome.total and page > outcome.pages:  # past the end: show the last page
        return search(text, page=outcome.pages, sort=sort)
    outcome.page = page
    results = query.get_results()
    ids = [int(r.pk) for r in results]
    by_id = Statement.objects.listing().in_bulk(ids)
    shown = [by_id[i] for i in ids if i in by_id]
    outcome.hits = list(map(Hit, shown, backend.snippets(compiled.sq, [s.text for s in shown])))
    facets = (query.get_facet_counts() or {}).get("fields", {})
    outcome.facets = _facets(facets, parsed)
    outcome.per_year = sorted((y, n) for y, n in facets.get("year_exact", []))
    if outcome.total:
        outcome.top_delegations = _named_delegations(facets.get(SUBSTANTIVE_DELEGATIONS, [])[:10])
    else:
        outcome.suggestion = suggest(parsed, backend)
    return outcome


def search_page(text: str, *, within=(), page: int = 1, sort: str = "relevance") -> Outcome:
    """The search page. ``within``: (filter, value) pairs a "search within" form elsewhere sent
    beside the text; they are folded into one query (``canonical``) for the page to redirect to, so
    that its chips show them. A query that is only a symbol goes to its page (``redirect``); one the
    archive does not hold is said so, and for a resolution its citations are searched. Otherwise
    ``search()``, with the delegations, speakers and resolutions found by name."""
    if within:
        return Outcome(text=text, canonical=within_query(text, within))
    target = ql.symbol_target(text)
    notice = ""
    if target is not None:
        where, notice = symbol_page(target)
        if where:
            return Outcome(text=text, redirect=where)
    outcome = search(
        f"resolution:{target.number}" if notice and target.kind == "resolution" else text, page=page, sort=sort
    )
    if notice:
        outcome.notices.insert(0, notice)
    if outcome.parsed is not None:
        outcome.names = names_matching(outcome.parsed)
    return outcome


def within_query(text: str, within) -> str:
    """The filters (name, value) written before the text, as one query."""
    filters = [ql.to_text(ql.Filter(name, value.strip())) for name, value in within if value.strip()]
    return " ".join([*filters, text.strip()]).strip()


def symbol_page(target: ql.SymbolTarget) -> tuple[str, str]:
    """(where a symbol's page is, or ""; a notice when the archive does not hold it). A resolution
    the registry does not hold stays here (the statements citing it are searched); any other symbol
    goes where statement text links it (``symbol_links.resolve``: our page, else the official
    document)."""
    if target.kind == "resolution" or target.reference is None:
        if Resolution.objects.filter(number=target.number).exists():
            try:
                return reverse("archive:resolution-detail", args=[target.number]), ""
            except NoReverseMatch:
                return "", ""
        return "", f"{target.symbol} is not in the archive; statements citing it are listed below."
    url, _held = resolve([target.reference])[target.reference.symbol]
    return url, ""


def who_says_most(sq: SQ, limit: int = 10) -> list[tuple[str, str, int]]:
    """Delegations with the most matching statements, the chair's procedural turns left out
    (a search of its own; ``search()`` gets the same from its one pass)."""
    query = _sqs(sq & ~SQ(procedural="1")).query
    query.add_field_facet("delegation_exact")
    query.set_limits(0, 1)
    query.run()
    return _named_delegations((query.get_facet_counts() or {}).get("fields", {}).get("delegation_exact", [])[:limit])


def _named_delegations(rows) -> list[tuple[str, str, int]]:
    delegations = Delegation.objects.in_bulk([k for k, _ in rows], field_name="key")
    return [(delegations[k].name, delegations[k].get_absolute_url(), n) for k, n in rows if k in delegations]


def _with(parsed: ql.ParsedQuery, name: str, value: str) -> str:
    """The query text with one more filter."""
    return f"{parsed.text()} {ql.to_text(ql.Filter(name, value))}".strip()


def _facets(facets: dict, parsed: ql.ParsedQuery) -> dict[str, list[FacetValue]]:
    active = {(f.name, f.value.lower()) for f in parsed.filters()}
    out: dict[str, list[FacetValue]] = {}
    rows = facets.get("delegation_exact", [])[:15]
    names = {d.key: d for d in Delegation.objects.filter(key__in=[k for k, _ in rows])}
    out["Delegation"] = [
        FacetValue(
            k,
            names[k].name,
            n,
            _with(parsed, "country", names[k].name),
            ("country", names[k].name.lower()) in active or ("country", k) in active,
        )
        for k, n in rows
        if k in names
    ]
    out["Year"] = [
        FacetValue(y, y, n, _with(parsed, "year", y), ("year", y) in active)
        for y, n in sorted(facets.get("year_exact", []), reverse=True)
    ]
    out["Role"] = [
        FacetValue(r, ROLE_LABELS.get(r, r), n, _with(parsed, "role", r), ("role", r) in active)
        for r, n in facets.get("role_exact", [])
    ]
    rows = facets.get("resolutions", [])[:15]
    years = dict(Resolution.objects.filter(number__in=[int(k) for k, _ in rows]).values_list("number", "year"))
    out["Resolution cited"] = [
        FacetValue(
            k,
            f"S/RES/{k}" + (f" ({years[int(k)]})" if years.get(int(k)) else ""),
            n,
            _with(parsed, "resolution", k),
            ("resolution", k) in active,
        )
        for k, n in rows
    ]
    out["Language"] = [
        FacetValue(lang, lang.title(), n, _with(parsed, "language", lang.title()), ("language", lang) in active)
        for lang, n in facets.get("language_exact", [])
    ]
    # A statement counts under its meeting's item and the broader items above it (the index's lineage).
    items = [(item_by_slug(k), n) for k, n in facets.get("agenda", [])[:15]]
    out["Agenda item"] = [
        FacetValue(item.slug, item.title, n, _with(parsed, "agenda", item.slug), ("agenda", item.slug) in active)
        for item, n in items
        if item is not None
    ]
    return {name: values for name, values in out.items() if values}


# Suggestions stay cheap whatever the query: at most this many unknown words (more, and the query is
# no misspelling: no suggestion), each compared with the words of its first letter only
# (spelling.Vocabulary), and no word after this many seconds have gone by.
MAX_SUGGESTED_WORDS = 4
SUGGEST_SECONDS = 0.3


def suggest(parsed: ql.ParsedQuery, backend=None) -> tuple[str, int] | None:
    """A corrected query that is known to return hits: misspelt words replaced by close words of the
    indexed text (as the engine in use analyses them); unknown country and speaker names by close
    names in the archive."""
    backend = backend or get_backend()
    vocabulary = backend.vocabulary()
    if vocabulary is None:
        return None
    unknown = {w for w in parsed.positive_words() if backend.unknown_word(w)}
    if len(unknown) > MAX_SUGGESTED_WORDS:
        return None
    deadline = time.monotonic() + SUGGEST_SECONDS
    changed = False

    def fix(node: ql.Node) -> ql.Node:
        nonlocal changed
        if isinstance(node, ql.And | ql.Or):
            return type(node)(tuple(fix(n) for n in node.nodes))
        if time.monotonic() >= deadline:
            return node
        if isinstance(node, ql.Term):
            if node.word in unknown:
                for candidate in vocabulary.close_words(node.word, limit=1):
                    changed = True
                    return ql.Term(candidate)
            return node
        if isinstance(node, ql.Filter) and node.name == "country" and resolve_country(node.value) is None:
            names = list(Delegation.objects.filter(statements__isnull=False).distinct().values_list("name", flat=True))
            close = difflib.get_close_matches(node.value, names, n=1, cutoff=0.6)
            if close:
                changed = True
                return ql.Filter("country", close[0])
            return node
        if isinstance(node, ql.Filter) and node.name == "speaker":
            surnames = set(Speaker.objects.values_list("surname_key", flat=True))
            word = node.value.split()[-1].lower() if node.value.split() else ""
            if word and word not in surnames:
                close = difflib.get_close_matches(word, sorted(surnames), n=1, cutoff=0.7)
                if close:
                    changed = True
                    return ql.Filter("speaker", close[0].replace("-", " "))
            return node
        return node

    fixed = fix(parsed.node)
    if not changed:
        return None
    text = ql.to_text(fixed)
    try:
        n = count(compile_query(ql.ParsedQuery(fixed)).sq)
    except ql.QueryError:
        return None
    return (text, n) if n else None


def names_matching(parsed: ql.ParsedQuery, limit: int = 5) -> dict[str, list]:
    """Delegations, speakers and resolutions whose names contain the query's words (found by name)."""
    words = [w for w in parsed.positive_words() if len(w) > 2]
    if not words or len(words) > 4:
        return {}
    text = " ".join(words)
    delegations = Delegation.objects.filter(  # statement_count: stored, so no join over every statement
        Q(name__icontains=text) | Q(short_name__icontains=text), statement_count__gt=0
    )[:limit]
    speaker_q = Q()
    for w in words:
        speaker_q &= Q(name__icontains=w)
    speakers = Speaker.objects.filter(speaker_q).select_related("delegation")[:limit]
    resolutions = Resolution.objects.filter(title__icontains=text)[:limit] if len(text) > 3 else []
    found = {"Delegations": list(delegations), "Speakers": list(speakers), "Resolutions": list(resolutions)}
    return {k: v for k, v in found.items() if v}
