"""Who may do what with the tasks of a case."""

from typing import Literal

from cases.cases.models import CaseRecord
from cases.cases.policy import audience
from kit.auth import Principal

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
