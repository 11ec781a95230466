"""An application's history for its applicant: the latest on the application's page, and all
of it, newest first, a page at a time, on a page of its own."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.cases.applications import ApplicantDep, CaseId
from web.cases.rendering import applications_home, page
from web.cases.words import history_label, kind_title, status_label
from web.i18n import format_moment
from web.paging import Trail

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
# How much of it the application's own page shows.
LATEST = 10


def latest_of_runs(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history (newest first) with each run of the same thing done in the same status (a
    draft's answers, one question at a time) shown once, as its latest."""
    kept: list[dict[str, Any]] = []
    for entry in entries:
        if kept and (kept[-1]["action"], kept[-1]["to_status"]) == (
            entry["action"],
            entry["to_status"],
        ):
            continue
        kept.append(entry)
    return kept


def shown(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as the applicant reads them."""
    return [
        {
            "when": format_moment(str(entry["at"])),
            "what": history_label(str(entry["action"])),
            "status": status_label(str(entry["to_status"])),
            "reason": entry.get("reason"),
        }
        for entry in latest_of_runs(entries)
    ]


async def history_of(
    applicant: ApplicantDep, case_id: str, *, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the application's history, newest first, and the next page's cursor."""
    params = {"order": "newest", "limit": str(limit), **({"cursor": cursor} if cursor else {})}
    answer = await applicant.call("GET", f"/cases/{case_id}/history", params=params)
    if answer.status == 400 and cursor:
        return await history_of(applicant, case_id, limit=limit)
    body = answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}
    following = body.get("next_cursor")
    items = [entry for entry in body.get("items", []) if isinstance(entry, dict)]
    return items, following if isinstance(following, str) else None


@router.get("/{authority}/applications/{case_id}/history")
async def history_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Everything that happened to the application that its applicant may see."""
    case = (await applicant.case(case_id)).body
    trail = Trail.of(request)
    entries, following = await history_of(applicant, case_id, limit=PAGE_SIZE, cursor=trail.cursor)
    case_address = f"{applications_home(request)}/{case_id}"
    context = {
        "case": case,
        "case_path": case_address,
        "kind_title": kind_title(str(case["kind"])),
        "events": shown(entries),
        "paging": trail.links(f"{case_address}/history", following),
    }
    return page(request, "cases/history.html", context)
