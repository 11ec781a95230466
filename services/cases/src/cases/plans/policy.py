"""Who may do what with a case's Personal Housing Plan.

The authority's staff (officers and managers) who can see a homelessness case write its plan
and issue it. The case's applicant sees it once it has been issued, and then agrees to it or
not, updates their own actions, adds actions of their own and asks for a review. Nobody else
sees it: a landlord's users never see a homelessness case at all.
"""

from typing import Literal

from cases.cases.models import CaseRecord
from cases.cases.policy import audience, can_see
from kit.auth import Principal

Part = Literal["staff", "applicant"]


def part_of(principal: Principal, case: CaseRecord) -> Part | None:
    """The caller's part in the case's plan, if any."""
    if not can_see(principal, case):
        return None
    if audience(principal) == "staff":
        return "staff"
    if case.applicant_id == principal.user_id and "applicant" in principal.roles:
        return "applicant"
    return None


# What the applicant may change of an action that is theirs to take.
APPLICANT_FIELDS = frozenset({"progress", "notes"})
