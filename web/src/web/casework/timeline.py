"""A case's whole history, newest first, a page at a time: for its officers and, on a
complaint about their organisation, the landlord's users."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from web.cases import words
from web.casework import reading, views
from web.casework.desks import LANDLORDS, OFFICERS, CaseId, Desk, LandlordUser, Officer
from web.casework.routes import case_path
from web.pages import render
from web.paging import Trail
from web.roles import RoleHolder

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


async def _history_page(
    request: Request, holder: RoleHolder, desk: Desk, case_id: str
) -> HTMLResponse:
    case = (await reading.read_case(holder, case_id)).body
    trail = Trail.of(request)
    entries, following = await reading.history_of(
        holder, case_id, limit=PAGE_SIZE, cursor=trail.cursor
    )
    path = f"{case_path(request, desk, case_id)}/history"
    context = {
        "case": case,
        "case_path": case_path(request, desk, case_id),
        "kind_title": words.kind_title(str(case["kind"])),
        "history": views.history_rows(entries, me=holder.user_id),
        "paging": trail.links(path, following),
    }
    return render(request, "casework/history.html", context)


@router.get("/{authority}/caseload/{case_id}/history")
async def officer_history(request: Request, officer: Officer, case_id: CaseId) -> HTMLResponse:
    """Everything that happened to the case."""
    return await _history_page(request, officer, OFFICERS, case_id)


@router.get("/{authority}/complaints/{case_id}/history")
async def landlord_history(
    request: Request, landlord: LandlordUser, case_id: CaseId
) -> HTMLResponse:
    """What happened to the complaint that the landlord's side sees."""
    return await _history_page(request, landlord, LANDLORDS, case_id)
