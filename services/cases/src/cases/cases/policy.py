"""Who may see a case and who may act on it."""

from typing import Literal

from cases.cases.kinds import DRAFT, Actor, Transition
from cases.cases.models import CaseRecord
from kit.auth import Principal

Audience = Literal["staff", "landlord", "applicant", "none"]
STAFF_ROLES = ("officer", "manager")
LANDLORD_ROLES = ("landlord_user", "landlord_admin")


def audience(principal: Principal) -> Audience:
    """What the caller is to casework: the authority's staff, a landlord's user, an applicant."""
    if principal.has_any(*STAFF_ROLES):
        return "staff"
    if principal.organisation and set(LANDLORD_ROLES) & principal.roles:
        return "landlord"
    if "applicant" in principal.roles:
        return "applicant"
    return "none"


def can_see(principal: Principal, case: CaseRecord) -> bool:
    """Staff see their authority's cases; a landlord's users the complaints about it; an
    applicant their own, drafts too (the repository keeps every read within the caller's
    authority)."""
    if principal.authority != case.authority:
        return False
    if case.applicant_id == principal.user_id and "applicant" in principal.roles:
        return True
    if case.status == DRAFT:
        # A draft is the applicant's alone until they send it.
        return False
    who = audience(principal)
    if who == "staff":
        return True
    return (
        who == "landlord"
        and case.kind == "complaint"
        and case.organisation_id == principal.organisation
    )


def acting_as(principal: Principal, case: CaseRecord) -> Actor | None:
    """The part the caller plays on a case they can see."""
    if case.applicant_id == principal.user_id:
        return "applicant"
    who = audience(principal)
    if who in ("staff", "landlord"):
        return who
    return None


def may_take(principal: Principal, case: CaseRecord, transition: Transition) -> bool:
    """Whether the caller may take this transition on the case."""
    actor = acting_as(principal, case)
    return actor is not None and actor in transition.by
