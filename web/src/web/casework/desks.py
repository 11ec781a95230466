"""Where people work cases: the officers' caseload and a landlord's complaints list."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path

from web.roles import RoleHolder, holding

# The ids the cases API gives cases.
CaseId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]

# The moves a page offers: the kinds' transitions, and the changes made besides them.
TRANSITIONS = (
    "accept",
    "start_prevention",
    "start_relief",
    "decide",
    "assess",
    "set_live",
    "start_advice",
    "investigate",
    "determine",
    "close",
)
ASSIGN = "assign"
STAGE = "stage"
VERIFY = "verify"
REJECT = "reject"
MOVE_PATTERN = "^(" + "|".join([*TRANSITIONS, ASSIGN, STAGE, VERIFY, REJECT]) + ")$"
Move = Annotated[str, Path(pattern=MOVE_PATTERN)]
ENDED = frozenset({"closed", "cancelled"})


@dataclass(frozen=True)
class Desk:
    """One audience's pages of cases: where they live and which moves they offer."""

    # The pages' first path segment after the authority.
    path: str
    staff: bool
    moves: frozenset[str]


OFFICERS = Desk(
    path="caseload",
    staff=True,
    moves=frozenset([*TRANSITIONS, ASSIGN, STAGE, VERIFY, REJECT]),
)
LANDLORDS = Desk(
    path="complaints",
    staff=False,
    moves=frozenset({"investigate", "determine", "close"}),
)

Officer = Annotated[RoleHolder, Depends(holding("officer", "manager"))]
LandlordUser = Annotated[RoleHolder, Depends(holding("landlord_user", "landlord_admin"))]


def moves_open(desk: Desk, case: dict[str, object]) -> list[str]:
    """The moves this desk may make on the case as it stands, in the kind's order."""
    allowed = case.get("actions")
    offered = [m for m in TRANSITIONS if isinstance(allowed, list) and m in allowed]
    if desk.staff and case.get("status") not in ENDED:
        offered.append(ASSIGN)
        if case.get("kind") == "complaint":
            offered.append(STAGE)
    change = case.get("change")
    if (
        desk.staff
        and isinstance(change, dict)
        and change.get("status") == "submitted"
        and case.get("status") == "suspended"
    ):
        offered += [VERIFY, REJECT]
    return [move for move in offered if move in desk.moves]
