"""The applicant's applications: the list of them, starting one, the case page and its PDF."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.cases import timeline
from web.cases.applications import (
    DRAFT,
    ApplicantDep,
    CaseId,
    day_of,
    listed,
)
from web.cases.forms import text_of
from web.cases.rendering import (
    answer_rows,
    applications_home,
    contact_rows,
    journey,
    members_shown,
    page,
    see_other,
)
from web.cases.words import clock_label, kind_title
from web.i18n import current_language
from web.i18n import gettext as _
from web.paging import Trail
from web.sessions.dependencies import CheckedForm
from web.tasks.views import next_tasks

router = APIRouter(include_in_schema=False)


IDEMPOTENCY_KEY = "idempotency_key"


# The list of applications


async def _listing(request: Request, applicant: ApplicantDep, state: str) -> HTMLResponse:
    trail = Trail.of(request)
    found, following = await applicant.cases(state, cursor=trail.cursor)
    path = applications_home(request) + ("/closed" if state == "closed" else "")
    context = {
        "state": state,
        "cases": [listed(case) for case in found],
        "paging": trail.links(path, following),
    }
    return page(request, "cases/applications.html", context)


@router.get("/{authority}/applications")
async def applications(request: Request, applicant: ApplicantDep) -> HTMLResponse:
    """Open applications, newest first, a page at a time."""
    return await _listing(request, applicant, "open")


@router.get("/{authority}/applications/closed")
async def closed_applications(request: Request, applicant: ApplicantDep) -> HTMLResponse:
    """Closed applications with their closed date, newest first, a page at a time."""
    return await _listing(request, applicant, "closed")


# Starting one


async def _kind_items(applicant: ApplicantDep, chosen: str) -> list[dict[str, Any]]:
    return [
        {
            "value": kind["kind"],
            "text": kind_title(str(kind["kind"])),
            "checked": kind["kind"] == chosen,
        }
        for kind in await applicant.kinds()
    ]


@router.get("/{authority}/applications/start")
async def start_page(request: Request, applicant: ApplicantDep) -> HTMLResponse:
    """Choose the kind of application; the form carries the key that makes one, once."""
    context = {"kinds": await _kind_items(applicant, ""), "key": uuid.uuid4().hex, "errors": {}}
    return page(request, "cases/start.html", context)


@router.post("/{authority}/applications/start")
async def start(request: Request, applicant: ApplicantDep, form_data: CheckedForm) -> Response:
    """Start a draft of the chosen kind; sent twice, the same draft."""
    chosen = text_of(form_data, "kind")
    key = text_of(form_data, IDEMPOTENCY_KEY)
    kinds = await _kind_items(applicant, chosen)
    if chosen not in {item["value"] for item in kinds} or not key.isalnum() or len(key) > 64:
        context = {
            "kinds": kinds,
            "key": uuid.uuid4().hex,
            "errors": {"kind": _("Select what you are applying for")},
        }
        return page(request, "cases/start.html", context, status=400)
    answer = await applicant.call(
        "POST",
        "/cases",
        body={"kind": chosen, "language": current_language.get()},
        headers={"Idempotency-Key": key},
    )
    if answer.status != 201 or not isinstance(answer.body, dict):
        context = {
            "kinds": kinds,
            "key": uuid.uuid4().hex,
            "errors": {"kind": _("Sorry, you could not start this application. Try again later")},
        }
        return page(request, "cases/start.html", context, status=400)
    return see_other(f"{applications_home(request)}/{answer.body['id']}/tasks")


# The case page


@router.get("/{authority}/applications/{case_id}")
async def case_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application: status, deadlines, answers, household, contact details and history."""
    case = (await applicant.case(case_id)).body
    if case["status"] == DRAFT:
        return see_other(f"{applications_home(request)}/{case_id}/tasks")
    questions = await applicant.questions(case["kind"])
    history, more_history = await timeline.history_of(applicant, case_id, limit=timeline.LATEST)
    clocks = [
        {**clock, "text": clock_label(str(clock["name"])), "due": day_of(clock["due_on"])}
        for clock in case.get("clocks", [])
    ]
    context = {
        **journey(case),
        "summary": listed(case),
        "clocks": clocks,
        "rows": answer_rows(case, questions, base=None),
        "members": members_shown(case),
        "contact": contact_rows(case.get("contact")),
        "next_tasks": await next_tasks(applicant, case_id),
        "events": timeline.shown(history),
        "more_history": more_history is not None,
        "register": case.get("register_details"),
        "register_dates": {
            "registration": day_of((case.get("register_details") or {}).get("registration_date")),
            "review": day_of((case.get("register_details") or {}).get("review_date")),
        },
        "change_pending": (case.get("change") or {}).get("status") == "submitted",
    }
    return page(request, "cases/case.html", context)


# The PDF


@router.get("/{authority}/applications/{case_id}/pdf")
async def pdf(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application as the API renders it, in the page's language, passed on as it arrives."""
    language = current_language.get()
    download = await applicant.download(f"/cases/cases/{case_id}/pdf?language={language}")
    return download.as_pdf("application.pdf")
