"""The contact details of a draft or of an open application; changing them never
suspends it."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.applications import (
    DRAFT,
    ENDED,
    ApplicantDep,
    CaseId,
)
from web.cases.forms import (
    CONTACT_METHODS,
    STALE,
    ContactForm,
    stale_message,
    version_of,
)
from web.cases.rendering import (
    applications_home,
    journey,
    page,
    see_other,
)
from web.cases.words import contact_method_label
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


# Contact details, on a draft or on an open application


def _contact_context(case: dict[str, Any], form: ContactForm, version: str) -> dict[str, Any]:
    methods = [
        {
            "value": method,
            "text": contact_method_label(method),
            "checked": form.values.get("preferred_contact_method") == method,
        }
        for method in CONTACT_METHODS
    ]
    return {**journey(case), "form": form, "version": version, "methods": methods}


@router.get("/{authority}/applications/{case_id}/contact")
async def contact_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The contact details held, to change."""
    answer = await applicant.case(case_id)
    if answer.body["status"] in ENDED:
        raise NotFound()
    form = ContactForm.of(answer.body.get("contact"))
    return page(
        request, "cases/contact.html", _contact_context(answer.body, form, answer.etag or "")
    )


@router.post("/{authority}/applications/{case_id}/contact")
async def change_contact(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Replace the contact details; an application on the register stays as it is."""
    current = await applicant.case(case_id)
    case = current.body
    if case["status"] in ENDED:
        raise NotFound()
    sent = version_of(form_data)
    form = ContactForm()
    contact = form.read(form_data)
    if contact is not None:
        answer = await applicant.call(
            "PUT", f"/cases/{case_id}/contact", body={"contact": contact}, if_match=sent
        )
        if answer.status == 200:
            after = "tasks" if case["status"] == DRAFT else ""
            return see_other(f"{applications_home(request)}/{case_id}/{after}".rstrip("/"))
        if answer.status in {412, 428}:
            form.errors[STALE] = stale_message()
        else:
            form.refused(answer.error_details)
    context = _contact_context(case, form, sent or current.etag or "")
    return page(request, "cases/contact.html", context, status=400)
