"""The officer's page of what was emailed about a case: to whom, when, and whether it went."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.cases.rendering import page, see_other
from web.cases.words import kind_title
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.gateway import GatewayUnavailable
from web.i18n import format_moment
from web.notifications.words import delivery_status, email_title
from web.pages import authority_base
from web.paging import Trail

router = APIRouter(include_in_schema=False)

PAGE_SIZE = "20"


def shown_delivery(delivery: dict[str, Any]) -> dict[str, Any]:
    """An email as the officer's list shows it."""
    status_text, status_colour = delivery_status(str(delivery.get("status")))
    sent_at = delivery.get("sent_at")
    return {
        **delivery,
        "title": email_title(str(delivery.get("template"))),
        "status_text": status_text,
        "status_colour": status_colour,
        "created": format_moment(str(delivery.get("created_at"))),
        "sent": format_moment(str(sent_at)) if sent_at else None,
    }


@router.get("/{authority}/caseload/{case_id}/emails")
async def case_emails(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Every email sent about the case, newest first, with whether it went."""
    case = (await reading.read_case(officer, case_id)).body
    case_path = f"{authority_base(request)}/caseload/{case_id}"
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await officer.call("GET", f"/notifications/cases/{case_id}/deliveries", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(f"{case_path}/emails")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"case emails answered {answer.status}")
    context = {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": case_path,
        "emails": [shown_delivery(item) for item in answer.body.get("items", [])],
        "paging": trail.links(f"{case_path}/emails", answer.body.get("next_cursor")),
    }
    return page(request, "notifications/case_emails.html", context)
