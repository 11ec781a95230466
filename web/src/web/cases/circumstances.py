"""A change of circumstances on a live register application: it is suspended until an
officer verifies the change."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.applications import ApplicantDep, CaseId
from web.cases.forms import CircumstancesForm, stale_message, version_of
from web.cases.rendering import (
    applications_home,
    journey,
    page,
    see_other,
)
from web.i18n import gettext as _
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


async def _live_register(applicant: ApplicantDep, case_id: str) -> tuple[dict[str, Any], str]:
    answer = await applicant.case(case_id)
    if answer.body.get("kind") != "housing_register" or answer.body.get("status") != "live":
        raise NotFound()
    return answer.body, answer.etag or ""


@router.get("/{authority}/applications/{case_id}/change-of-circumstances")
async def circumstances_page(
    request: Request, applicant: ApplicantDep, case_id: CaseId
) -> Response:
    """Tell the housing team what has changed."""
    case, version = await _live_register(applicant, case_id)
    questions = await applicant.questions(case["kind"])
    form = CircumstancesForm.of(questions, case.get("answers", {}))
    context = {**journey(case), "form": form, "questions": questions, "version": version}
    return page(request, "cases/circumstances.html", context)


@router.post("/{authority}/applications/{case_id}/change-of-circumstances")
async def report_change(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Send the change: the application is suspended until an officer verifies it."""
    case, current = await _live_register(applicant, case_id)
    questions = await applicant.questions(case["kind"])
    form = CircumstancesForm()
    sent = version_of(form_data)
    change = form.read(form_data, questions, case.get("answers", {}))
    if change is not None:
        note, answers = change
        body: dict[str, Any] = {"note": note, **({"answers": answers} if answers else {})}
        answer = await applicant.call(
            "POST", f"/cases/{case_id}/circumstances", body=body, if_match=sent
        )
        if answer.status == 200:
            return see_other(f"{applications_home(request)}/{case_id}")
        form.errors["note"] = (
            stale_message()
            if answer.status in {412, 428}
            else _("Sorry, your change could not be sent. Try again later")
        )
    context = {**journey(case), "form": form, "questions": questions, "version": sent or current}
    return page(request, "cases/circumstances.html", context, status=400)
