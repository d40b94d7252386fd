"""The one home of the role rules, asked by every reader (whole records, research corpora, single
statements): which printed offices preside or speak for the Secretariat, and what role a resolved
delegation gives its speaker. ``model.ROLES`` lists the roles."""

from __future__ import annotations

from collections.abc import Collection

from .delegations import DelegationInfo

PRESIDING_OFFICES = ("The President", "The Acting President")
SECRETARIAT_OFFICES = ("The Secretary-General", "The Deputy Secretary-General")
SECRETARIAT = "United Nations"
SECRETARIAT_KEY = "united-nations"  # the table's key for SECRETARIAT (tests/test_delegations.py)


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
