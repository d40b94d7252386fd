"""What the API returns and accepts: pydantic schemas (django-ninja), from which the OpenAPI schema
is generated. Objects are named by their public ids (meeting slug, statement meeting + order,
delegation key, speaker slug, resolution number); ``url`` is the page on the site, ``api_url`` the
object in the API, both absolute paths."""

from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator

from archive.models import Resolution
from archive.parsing.model import ROLES
from archive.parsing.roles import TITLE_KIND_VALUES

# ---------------------------------------------------------------- accepted values

MEETING_SLUG = r"^(?:[0-9]{1,5}(?:-r[0-9]{1,2})?|s-[0-9]{4}-[0-9]{1,5})$"
KEY = r"^[a-z0-9][a-z0-9-]{0,79}$"  # a delegation key or a speaker slug
MAX_ORDER = 9999  # statements per meeting part (Statement.chrono keeps four digits)
MAX_NUMBER = 99999  # meeting and resolution numbers
# Free text: anything but NUL, which PostgreSQL cannot take in a string (a 422, not a 500).
TEXT = r"^[^\x00]*$"
NameFilter = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT, description="Part of the name")]
Role = Literal[ROLES]  # archive/parsing/model.py
TitleKind = Literal[TITLE_KIND_VALUES]  # archive/parsing/roles.py


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic alone would also take a number as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("expected a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

MeetingSlug = Annotated[str, Field(pattern=MEETING_SLUG, examples=["8698", "8699-r1"])]
DelegationKey = Annotated[str, Field(pattern=KEY, max_length=80, examples=["fra", "united-nations"])]
SpeakerSlug = Annotated[str, Field(pattern=KEY, max_length=120, examples=["nebenzia-rus"])]
ResolutionNumber = Annotated[int, Field(ge=1, le=MAX_NUMBER, examples=[2504])]
StatementOrder = Annotated[int, Field(ge=1, le=MAX_ORDER, examples=[1])]
CitationStart = Annotated[int, Field(ge=0, le=10_000_000, description="Offset in the statement's text")]
Year = Annotated[int, Field(ge=1945, le=2100, examples=[2020])]
AgendaSlug = Annotated[str, Field(pattern=KEY, max_length=80, examples=["middle-east", "mali"])]


class Paged(Schema):
    page: int = Field(1, ge=1, le=100000, description="Page number, from 1")
    per_page: int = Field(20, ge=1, le=100, description="Items per page (at most 100)")


class StatementFilters(Paged):
    meeting: MeetingSlug | None = Field(None, description="Meeting slug: 8698, 8699-r1")
    agenda: AgendaSlug | None = Field(
        None, description="Agenda item slug: statements of its meetings and its sub-items'"
    )
    delegation: DelegationKey | None = Field(None, description="Delegation key: fra, rus, united-nations")
    speaker: SpeakerSlug | None = Field(None, description="Speaker slug: nebenzia-rus")
    resolution: ResolutionNumber | None = Field(None, description="Statements citing this resolution number")
    year: Year | None = Field(None, description="Year of the meeting")
    date_from: IsoDate | None = Field(None, description="Meetings on or after this day (YYYY-MM-DD)")
    date_to: IsoDate | None = Field(None, description="Meetings on or before this day (YYYY-MM-DD)")
    role: Role | None = None
    title: TitleKind | None = Field(None, description="Kind of the speaker's title: special-envoy, ...")
    language: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[A-Za-z][A-Za-z -]*$",
        description="Language spoken, as the record says it (French); English for none given",
    )
    sort: Literal["oldest", "newest"] = Field("oldest", description="In the order spoken, oldest or newest first")


class MeetingFilters(Paged):
    agenda: AgendaSlug | None = Field(
        None, description="Slug of an agenda item (/api/v1/agenda/): its meetings and its sub-items'"
    )
    year: Year | None = None
    date_from: IsoDate | None = Field(None, description="On or after this day (YYYY-MM-DD)")
    date_to: IsoDate | None = Field(None, description="On or before this day (YYYY-MM-DD)")
    presidency: DelegationKey | None = Field(None, description="Key of the delegation presiding")
    sort: Literal["newest", "oldest"] = "newest"


class SpeakerFilters(Paged):
    delegation: DelegationKey | None = None
    name: NameFilter | None = None


class DelegationFilters(Paged):
    kind: Literal["state", "observer_state", "organisation", "secretariat", "unknown"] | None = None
    name: NameFilter | None = None


class ResolutionFilters(Paged):
    year: Year | None = None
    cited: Literal["yes"] | None = Field(None, description="yes: only resolutions cited in statements")
    sort: Literal["number", "most-cited"] = "number"


class CitationFilters(Paged):
    resolution: ResolutionNumber | None = Field(None, description="Resolution number as printed")
    meeting: MeetingSlug | None = None
    order: StatementOrder | None = Field(
        None, description="The citing statement's number in its meeting (with meeting: one statement)"
    )
    delegation: DelegationKey | None = Field(None, description="Key of the citing statement's delegation")
    year: Year | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class SearchParams(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=500,
        pattern=TEXT,
        description="A query in the site's search language",
        examples=['"rule of law" country:France'],
    )
    page: int = Field(1, ge=1, le=10000)
    sort: Literal["relevance", "newest", "oldest"] = "relevance"


# ---------------------------------------------------------------- errors


class Error(Schema):
    detail: str


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


ERRORS = {400: Error, 404: Error, 422: ValidationErrorOut}

# ---------------------------------------------------------------- references


def api_link(name: str, *attrs: str) -> staticmethod:
    """A resolver: the object's path in the API, from its public id (attributes of the row)."""
    getters = [attrgetter(a) for a in attrs]
    return staticmethod(lambda obj: reverse(f"api:{name}", args=[get(obj) for get in getters]))


def list_link(name: str, param: str, attr: str) -> staticmethod:
    """A resolver: the API list filtered on this object (``/api/v1/statements/?speaker=...``)."""
    get = attrgetter(attr)
    return staticmethod(lambda obj: f"{reverse(f'api:{name}')}?{param}={get(obj)}")


SITE_URL = staticmethod(lambda obj: obj.get_absolute_url())  # a resolver: the object's page on the site


class DelegationRef(Schema):
    key: str
    name: str
    url: str
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("delegation", "key")


class SpeakerRef(Schema):
    slug: str
    name: str
    url: str
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("speaker", "slug")


class AgendaItemRef(Schema):
    slug: str
    title: str = Field(description="The Council's own wording")
    url: str
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("agenda-item", "slug")


class AgendaItemOut(AgendaItemRef):
    parent: AgendaItemRef | None = Field(description="The broader item it belongs to")
    meeting_count: int = Field(description="Meetings filed under it (not its sub-items)")
    first_date: dt.date | None
    last_date: dt.date | None
    meetings_api_url: str

    @staticmethod
    def resolve_first_date(obj) -> dt.date | None:
        return obj.first

    @staticmethod
    def resolve_last_date(obj) -> dt.date | None:
        return obj.last

    resolve_meetings_api_url = list_link("meetings", "agenda", "slug")


class MeetingRef(Schema):
    slug: str
    symbol: str
    title: str
    date: dt.date | None
    url: str
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("meeting", "slug")


class ResolutionRef(Schema):
    number: int
    symbol: str
    url: str
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("resolution", "number")


class StatementRef(Schema):
    meeting: str = Field(description="Meeting slug")
    order: int
    speaker_label: str
    delegation: str | None = Field(description="Delegation key")
    role: str
    url: str
    api_url: str

    @staticmethod
    def resolve_meeting(obj) -> str:
        return obj.meeting.slug

    @staticmethod
    def resolve_delegation(obj) -> str | None:
        return obj.delegation.key if obj.delegation_id else None

    resolve_url = SITE_URL
    resolve_api_url = api_link("statement", "meeting.slug", "order")


# ---------------------------------------------------------------- objects


class Flag(Schema):
    reason: str
    detail: str


class StatementOut(Schema):
    meeting: MeetingRef
    order: int
    speaker_label: str = Field(description="As printed")
    speaker_name: str = Field(
        description="Who spoke: the speaker's name, or 'Representative of X' when none was printed"
    )
    speaker: SpeakerRef | None
    delegation: DelegationRef | None
    delegation_as_printed: str
    role: str
    national_capacity: bool
    on_behalf_of: str
    chaired_body: str = Field(description="For a committee chair: the body chaired, as printed")
    title: str = Field(description="The speaker's title as printed: Special Envoy of the Secretary-General for Syria")
    title_kind: str = Field(description="Its kind: special-envoy, under-secretary-general, ...; empty for none")
    invited_under: str = Field(description="37 or 39: the rule of procedure the speaker was invited under")
    language: str = Field(description="Language spoken; empty for English")
    word_count: int
    source_page: int | None
    citation: str = Field(description="The form to quote: speaker, role, meeting, date, page")
    text: str = Field(description="Paragraphs separated by a blank line")
    flags: list[Flag] = Field(description="What the import was unsure of")
    url: str = Field(description="The statement's page (permalink) on the site")
    api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("statement", "meeting.slug", "order")


class CitationIn(Schema):
    """A citation as part of its statement."""

    text: str = Field(description="As printed")
    number: int
    year_printed: int | None
    paragraphs: list[str]
    start: int = Field(description="Offset of the citation in the statement's text")
    end: int
    year_conflict: bool = Field(description="The printed year contradicts the registry (then not linked)")
    resolution: ResolutionRef | None
    api_url: str

    resolve_api_url = api_link("citation", "statement.meeting.slug", "statement.order", "start")


class StatementDetail(StatementOut):
    citations: list[CitationIn]


class CitationOut(CitationIn):
    statement: StatementRef


class MeetingOut(Schema):
    slug: str
    symbol: str
    title: str
    number: int | None
    resumption: int | None
    date: dt.date | None
    topic: str
    agenda_item: AgendaItemRef | None = Field(description="The agenda item it is filed under")
    agenda_as_printed: str = Field(description="The title it was filed from, as printed (or the corpus's topic)")
    president_name: str
    presidency: DelegationRef | None
    statement_count: int
    source_kind: str
    url: str
    api_url: str
    official_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("meeting", "slug")


class AgendaItem(Schema):
    title: str
    documents: list[str] = []


class Seat(Schema):
    delegation: DelegationRef
    representative: str
    is_president: bool


class MeetingDetail(MeetingOut):
    start_time: str
    place: str
    council_year: str
    agenda: list[AgendaItem]
    seats: list[Seat]
    statements: list[StatementRef]
    resolutions_adopted: list[ResolutionRef]
    statements_api_url: str

    @staticmethod
    def resolve_seats(obj) -> list:
        return list(obj.seats.all())

    @staticmethod
    def resolve_statements(obj) -> list:
        return list(obj.statements.all())

    @staticmethod
    def resolve_resolutions_adopted(obj) -> list:
        return list(obj.adopted_resolutions.all())

    resolve_statements_api_url = list_link("statements", "meeting", "slug")


class SpeakerOut(Schema):
    slug: str
    name: str
    delegation: DelegationRef | None
    statement_count: int
    url: str
    api_url: str
    statements_api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("speaker", "slug")
    resolve_statements_api_url = list_link("statements", "speaker", "slug")


class SpeakerDetail(SpeakerOut):
    names: list[str] = Field(description="Every form of the name as printed")

    @staticmethod
    def resolve_names(obj) -> list[str]:
        return [n.name for n in obj.names.all()]


class DelegationOut(Schema):
    key: str
    name: str
    short_name: str
    kind: str
    iso2: str
    iso3: str
    permanent_member: bool
    statement_count: int
    url: str
    api_url: str
    statements_api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("delegation", "key")
    resolve_statements_api_url = list_link("statements", "delegation", "key")


class DelegationYearOut(Schema):
    year: int
    statements: int = Field(description="Statements, the chair's procedural turns left out")
    chair_turns: int
    council_member: bool
    presided: bool


class DelegationDetail(DelegationOut):
    years: list[DelegationYearOut]

    @staticmethod
    def resolve_years(obj) -> list:
        return list(obj.years.all())


class VoteCounts(Schema):
    in_favour: int
    against: int | None = None
    abstaining: int | None = None


class Vote(Schema):
    """As stored (docs/votes.md): names as printed, their delegation keys, the counts as announced."""

    unanimous: bool | None = None
    in_favour: list[str] | None = None
    against: list[str] | None = None
    abstaining: list[str] | None = None
    keys: dict[str, list[str | None]] | None = Field(None, description="Delegation key of each name, in the same order")
    counts: VoteCounts | None = Field(None, description="The counts as the President announced them")
    procedure: str | None = Field(None, description='"written" for the 2020 written procedure')
    draft: str | None = Field(None, description="The draft resolution's symbol")


class ResolutionOut(Schema):
    number: int
    symbol: str
    year: int | None
    title: str
    adopted_on: dt.date | None
    adopting_meeting: MeetingRef | None
    text_in_archive: bool
    vote: Vote
    citation_count: int = Field(description="Citations in statements")
    url: str
    api_url: str
    official_url: str
    citations_api_url: str

    resolve_url = SITE_URL
    resolve_api_url = api_link("resolution", "number")
    resolve_citations_api_url = list_link("citations", "resolution", "number")


class ResolutionDetail(ResolutionOut):
    text: str
    cites: list[int] = Field(description="Numbers of the resolutions its text cites, each once")
    cited_by: list[int] = Field(description="Numbers of the resolutions whose text cites it, each once")

    @staticmethod
    def resolve_cites(obj) -> list[int]:
        return list(dict.fromkeys(r.number for r in obj.references.all()))

    @staticmethod
    def resolve_cited_by(obj) -> list[int]:
        return [r.number for r in Resolution.objects.citing(obj)]


# ---------------------------------------------------------------- pages


class Index(Schema):
    docs: str = Field(description="Interactive documentation")
    openapi: str = Field(description="The OpenAPI schema of this API")
    lists: dict[str, str]


class PageOut(Schema):
    count: int = Field(description="Items matching, on every page")
    page: int
    pages: int
    per_page: int
    next: str | None = Field(description="The next page (absolute path), or null")
    previous: str | None


class MeetingPage(PageOut):
    results: list[MeetingOut]


class AgendaItemPage(PageOut):
    results: list[AgendaItemOut]


class StatementPage(PageOut):
    results: list[StatementOut]


class SpeakerPage(PageOut):
    results: list[SpeakerOut]


class DelegationPage(PageOut):
    results: list[DelegationOut]


class ResolutionPage(PageOut):
    results: list[ResolutionOut]


class CitationPage(PageOut):
    results: list[CitationOut]


class Hit(Schema):
    snippet: str = Field(description="HTML: the text escaped, matched words in <mark>; empty when none")
    statement: StatementOut


class FacetValue(Schema):
    value: str
    label: str
    count: int
    query: str = Field(description="This query with the value added as a filter")


class SearchPage(PageOut):
    query: str
    sort: str
    notices: list[str] = Field(description="What was repaired or ignored in the query")
    facets: dict[str, list[FacetValue]]
    results: list[Hit]
