"""The one home of the role rules, asked by every reader (whole records, research corpora, single
statements): which printed offices preside or speak for the Secretariat, what role a resolved
delegation gives its speaker, when the President speaks for their own country, when a Council
member speaks as the chair of one of the Council's committees or working groups, and what kind of
title a briefer holds. ``model.ROLES`` lists the roles."""

from __future__ import annotations

import re
from collections.abc import Collection

from .delegations import DelegationInfo

PRESIDING_OFFICES = ("The President", "The Acting President")
SECRETARIAT_OFFICES = ("The Secretary-General", "The Deputy Secretary-General")
SECRETARIAT = "United Nations"
SECRETARIAT_KEY = "united-nations"  # the table's key for SECRETARIAT (tests/test_delegations.py)
CHAIR = "committee-chair"  # a Council member speaking as the chair of a Council committee or working group

# "I shall now make a statement in my capacity as the representative of Viet Nam." (group 1: the
# country as printed); "I shall now make a statement in my national capacity."; "I shall now speak
# in my national capacity."; "I would like to add a few words in my national capacity." Not "I
# should reserve that for my statement in my national capacity" (a statement still to come).
NATIONAL_CAPACITY_RE = re.compile(
    r"\bin my (?:national )?capacity as (?:the )?representative of (?:the )?([^.,;:]+?)\s*[.,;:]"
    r"|(?<!for my )\b(?:statement|speak|speaking|words|remarks?)\s*(?:-\s*)?in my national capacity\b",
    re.I,
)
# A briefing by the chair of a Council body, said at its start: "I have the honour to brief the
# Council in my capacity as Chair of the Security Council Committee established pursuant to
# resolution 2374 (2017) concerning Mali"; "I have the honour to report to the Security Council on
# the work of the Committee established pursuant to the same resolution"; "I am speaking in my
# capacity as Security Council Facilitator for the implementation of resolution 2231 (2015)".
# Group "body": the body as printed. A member saying in its own statement that it chairs a
# committee ("As the Chair of the Committee ..., Viet Nam has ...") is not briefing as its chair.
_BODY = (
    r"(?:the\s*)?(?:Security\s+Council\s+)?(?:Committee|(?:Informal\s+|Ad\s+Hoc\s+)?Working\s+Group"
    r"|[A-Z][\w\s-]{2,60}?configuration\s+of\s+the\s+Peacebuilding\s+Commission)\b[^.;:]*?"
    r"(?:,\s+concerning\s+[^.,;:]+?)?"
)
_CHAIR_OF = r"(?:the\s+)?(?:Chair(?:man|person)?|Vice-Chair)\s+of\s*"
CHAIR_RE = re.compile(
    rf"\bin\s+my\s+(?:new\s+)?capacity\s+as\s+{_CHAIR_OF}(?P<body>{_BODY})(?=\s*[,.;:]|\s+(?:for|covering)\b)"
    rf"|(?:^|(?<=[.!?]\s))As\s+{_CHAIR_OF}(?P<as_chair>{_BODY}),\s+I\b"
    r"|\bI\s+(?:have\s+the\s+honour|am\s+honoured)\s+(?:to|of)\s+(?:report|brief)[^.]*?\bon\s+the\s+work\s+of\s+(?P<work>(?:the\s+)?(?:Security\s+Council\s+)?Committee\s+established"
    r"\s+pursuant\s+to\s+[^.;:]*?(?:\(\d{4}\)|the\s+same\s+resolution)(?:,?\s+concerning\s+[^.,;:]+)?)"
    r"|\bin\s+my\s+capacity\s+as\s+(?P<facilitator>(?:the\s+)?Security\s+Council\s+Facilitator\s+for\s+[^.;:]*?\(\d{4}\))",
)
CHAIR_OPENING_CHARS = 400  # a chair says so in the first sentences of the briefing
RESOLUTION_RE = re.compile(r"\bresolution\s+\d{1,4}\s*\(\d{4}\)")

# Title kinds, for filtering: (kind, words that say it). A printed title is of the kind whose
# words come first in it ("Under-Secretary-General for Humanitarian Affairs and Emergency Relief
# Coordinator": under-secretary-general).
TITLE_KINDS: tuple[tuple[str, str], ...] = (
    ("deputy-secretary-general", r"Deputy\s+Secretary-\s?General"),
    ("secretary-general", r"(?<![-\w\s])\s*Secretary-\s?General(?!\s+(?:for|of|on)\b)|^Secretary-\s?General"),
    ("under-secretary-general", r"Under-\s?Secretary-\s?General"),
    ("assistant-secretary-general", r"Assistant\s+Secretary-\s?General"),
    ("special-envoy", r"Special\s+Envoy"),
    ("special-representative", r"Special\s+Representative"),
    ("special-coordinator", r"Special\s+Coordinator"),
    ("special-adviser", r"Special\s+Adviser"),
    ("high-commissioner", r"High\s+Commissioner"),
    ("high-representative", r"High\s+Representative"),
    ("executive-director", r"Executive\s+(?:Director|Secretary)"),
    ("force-commander", r"Force\s+Commander|Police\s+(?:Commissioner|Adviser)|Military\s+Adviser"),
    ("chair", r"Chair(?:man|woman|person)?(?:-in-Office)?\b|Facilitator"),
    ("prosecutor", r"Prosecutor"),
    ("judge", r"\bPresident\s+of\s+the\s+International\s+(?:Residual|Court|Criminal)|\bJudge\b"),
    ("director", r"Director(?:-General)?\b|Head\s+of\b|Chief\s+of\b"),
)
_TITLE_KIND_RES = tuple((kind, re.compile(words)) for kind, words in TITLE_KINDS)
TITLE_KIND_VALUES = tuple(kind for kind, _ in TITLE_KINDS) + ("other",)
# (kind, label) for filters: "special-envoy" -> "Special Envoy", "under-secretary-general" -> "Under-Secretary-General"
TITLE_KIND_CHOICES = tuple(
    (
        kind,
        " ".join(w.capitalize() for w in kind.split("-"))
        .replace("Secretary General", "Secretary-General")
        .replace("Under Secretary", "Under-Secretary"),
    )
    for kind in TITLE_KIND_VALUES
)


def office_role(office: str | None) -> tuple[str, str | None] | None:
    """(role, delegation) that a label's office alone decides — the chair ("The President") or the
    Secretariat ("The Secretary-General": United Nations) — else None. The chair's delegation is
    the presidency's, which only the record knows: None here."""
    if office in PRESIDING_OFFICES:
        return "president", None
    if office in SECRETARIAT_OFFICES:
        return "secretariat", SECRETARIAT
    return None


def delegation_role(info: DelegationInfo, members: Collection[str] = ()) -> str:
    """The role of a speaker for a resolved delegation: the Secretariat's, a Council member's (its
    key among ``members`` that day), else an invitee's."""
    if info.kind == "secretariat":
        return "secretariat"
    if info.key in members:
        return "member"
    return "invitee"


def national_capacity(text: str) -> tuple[bool, str | None]:
    """Whether the President's turn ``text`` holds a statement in their national capacity, and the
    country it names as printed ("Viet Nam"; None for "in my national capacity")."""
    found = NATIONAL_CAPACITY_RE.search(text)
    if found is None:
        return False, None
    return True, (found.group(1).strip() if found.group(1) else None)


def chaired_body(text: str) -> str | None:
    """The Council body whose chair gives this briefing, as printed ("the Security Council
    Committee established pursuant to resolution 751 (1992), concerning Somalia"), when the
    briefing says so in its opening; else None. "The same resolution" is replaced by the
    resolution named before it."""
    opening = text[:CHAIR_OPENING_CHARS]
    found = CHAIR_RE.search(opening)
    if found is None:
        return None
    body = " ".join(
        (found.group("body") or found.group("as_chair") or found.group("work") or found.group("facilitator")).split()
    )
    body = body.rstrip(" ,")
    if "the same resolution" in body:
        before = RESOLUTION_RE.findall(opening[: found.start()])
        if before:
            body = body.replace("the same resolution", " ".join(before[-1].split()))
    return body


def title_kind(title: str | None) -> str:
    """The kind of a printed title ("Special Envoy of the Secretary-General for Syria":
    "special-envoy"), one of ``TITLE_KIND_VALUES``; "" for no title."""
    if not title:
        return ""
    found = [(m.start(), kind) for kind, pattern in _TITLE_KIND_RES if (m := pattern.search(title))]
    return min(found)[1] if found else "other"


def office_title(office: str | None) -> str | None:
    """A label's office as a title: "The Secretary-General" -> "Secretary-General"."""
    if not office or office in PRESIDING_OFFICES:
        return None
    return re.sub(r"^The\s+", "", office)


def title_kind_named(text: str) -> str | None:
    """The title kind a reader typed ("special envoy", "Special Envoys", "special-envoy", "envoy"),
    one of ``TITLE_KIND_VALUES``; None when it names none, or more than one."""
    words = [w[:-1] if w.endswith("s") and not w.endswith("ss") else w for w in re.split(r"[\s_-]+", text.lower()) if w]
    wanted = "-".join(words)
    if not wanted:
        return None
    if wanted in TITLE_KIND_VALUES:
        return wanted
    ending = [kind for kind in TITLE_KIND_VALUES if kind.endswith("-" + wanted)]
    return ending[0] if len(ending) == 1 else None
