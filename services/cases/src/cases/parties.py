"""The parts people play in a case's casework (tasks and messages): who may start new work
on a case, whom it can be for, and who sees what is for each side."""

from typing import Literal

from cases.cases.models import CaseRecord
from cases.cases.policy import audience
from cases.errors import DetailsMissing, NotYoursToDo
from kit.auth import Principal
from kit.errors import Conflict

Party = Literal["staff", "applicant", "landlord"]
"""The part a caller plays in a case's casework."""


def party_of(principal: Principal, case: CaseRecord) -> Party | None:
    """The caller's part on a case they can see: its authority's staff, its applicant, or a user
    of the landlord a complaint is about."""
    who = audience(principal)
    if who == "staff":
        return "staff"
    if case.applicant_id == principal.user_id and "applicant" in principal.roles:
        return "applicant"
    if (
        who == "landlord"
        and case.kind == "complaint"
        and case.organisation_id is not None
        and case.organisation_id == principal.organisation
    ):
        return "landlord"
    return None


def sees_part(party: Party | None, part: str) -> bool:
    """Whether a caller playing `party` sees what is for `part` (the applicant's or the
    landlord's): staff see both, each person only their own side's."""
    return party == "staff" or (party is not None and party == part)


class CaseClosedForWork(Conflict):
    """New tasks or messages on a case that is not open."""

    code = "case_not_open"
    message = "This case is not open: nothing new can be added to it."


def start_work(party: Party | None, case: CaseRecord, *, what: str) -> None:
    """Refuse new work on a case (`what` it is, e.g. "set tasks") but by its authority's
    staff, and on a case that is not open."""
    if party != "staff":
        raise NotYoursToDo(f"Only the authority's officers {what}.")
    if not case.open:
        raise CaseClosedForWork()


def person_on_side(
    case: CaseRecord, side: str, landlord_user_id: str | None, *, thing: str, to: str
) -> str:
    """The user a `thing` (a task, a message) is for: the case's applicant, or the named user
    of the landlord a complaint is about (`to` says what else has users: "to write to")."""
    if side == "applicant":
        if landlord_user_id is not None:
            raise DetailsMissing(
                f"A {thing} for the applicant names no landlord user.",
                details={"unexpected": ["landlord_user_id"]},
            )
        return case.applicant_id
    if case.kind != "complaint" or case.organisation_id is None:
        raise NotYoursToDo(f"Only a complaint about a landlord has landlord users {to}.")
    if landlord_user_id is None:
        raise DetailsMissing(
            f"Say which of the landlord's users the {thing} is for.",
            details={"missing": ["landlord_user_id"]},
        )
    return landlord_user_id
