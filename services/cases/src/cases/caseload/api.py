"""The caseload route: officers' cases with filters, landlord users' complaints."""

from typing import Annotated

from fastapi import APIRouter, Query

from cases.caseload.service import Caseload, Filters
from cases.cases.kinds import KINDS
from cases.cases.schemas import CaseList
from cases.cases.service import today
from cases.cases.views import summary
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["caseload"], dependencies=AUTHORITY_SCOPED)

KIND_PATTERN = "^(" + "|".join(KINDS) + ")$"


@router.get(
    "/caseload",
    response_model=CaseList,
    summary="The caseload: open cases newest first, or those due soonest",
    responses=declared(400, 401, 403, 404),
)
async def caseload(
    principal: CurrentPrincipal,
    stores: StoresDep,
    status: Annotated[str | None, Query(pattern="^[a-z_]{1,40}$")] = None,
    kind: Annotated[str | None, Query(pattern=KIND_PATTERN)] = None,
    owner: Annotated[str | None, Query(pattern="^[A-Za-z0-9_-]{1,64}$")] = None,
    unassigned: bool = False,
    due_within: Annotated[
        int | None, Query(ge=0, le=366, description="Statutory deadline within this many days")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=400)] = None,
) -> CaseList:
    """Officers and managers see their authority's cases; landlord users the complaints
    about their organisation. A filter on a status shows cases in it, open or not."""
    page = await Caseload(stores.cases, stores.references).page(
        principal,
        Filters(
            status=status, kind=kind, owner=owner, unassigned=unassigned, due_within=due_within
        ),
        today=today(),
        limit=limit,
        cursor=cursor,
    )
    return CaseList(items=[summary(case) for case in page.items], next_cursor=page.next_cursor)
