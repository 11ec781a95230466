"""The people in a draft application's household: added and removed from its pages."""

import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.applications import ApplicantDep, CaseId
from web.cases.forms import (
    RELATIONSHIPS,
    STALE,
    MemberForm,
    stale_message,
    version_of,
)
from web.cases.rendering import (
    applications_home,
    draft_of,
    journey,
    members_shown,
    page,
    see_other,
)
from web.cases.words import relationship_label
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


# The household


@router.get("/{authority}/applications/{case_id}/household")
async def household(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Everyone who would live with the applicant, and a way to add someone."""
    case, version = await draft_of(applicant, case_id)
    context = {**journey(case), "members": members_shown(case), "version": version, "errors": {}}
    return page(request, "cases/household.html", context)


def _member_context(case: dict[str, Any], form: MemberForm, version: str) -> dict[str, Any]:
    relationships = [
        {"value": value, "text": relationship_label(value), "checked": value == form.relationship}
        for value in RELATIONSHIPS
    ]
    return {**journey(case), "form": form, "version": version, "relationships": relationships}


@router.get("/{authority}/applications/{case_id}/household/add")
async def add_member_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The form to add someone to the household."""
    case, version = await draft_of(applicant, case_id)
    return page(request, "cases/member.html", _member_context(case, MemberForm(), version))


async def _replace_household(
    applicant: ApplicantDep, case_id: str, members: list[dict[str, Any]], sent: str | None
) -> Any:
    return await applicant.call(
        "PUT", f"/cases/{case_id}/household", body={"household": members}, if_match=sent
    )


def _held_members(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The household as held, to send back with a change: numbers masked as the API showed
    them, which it takes to mean the numbers it holds."""
    return [
        {
            key: member[key]
            for key in ("name", "national_insurance_number", "date_of_birth", "relationship")
        }
        for member in case.get("household", [])
    ]


@router.post("/{authority}/applications/{case_id}/household/add")
async def add_member(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Add the person to the household held."""
    case, current = await draft_of(applicant, case_id)
    sent = version_of(form_data)
    form = MemberForm()
    member = form.read(form_data, today=datetime.date.today())
    if member is not None:
        answer = await _replace_household(applicant, case_id, [*_held_members(case), member], sent)
        if answer.status == 200:
            return see_other(f"{applications_home(request)}/{case_id}/household")
        if answer.status in {412, 428}:
            form.errors[STALE] = stale_message()
        else:
            form.refused(answer.error_details)
    context = _member_context(case, form, sent or current)
    return page(request, "cases/member.html", context, status=400)


@router.post("/{authority}/applications/{case_id}/household/{index}/remove")
async def remove_member(
    request: Request, applicant: ApplicantDep, case_id: CaseId, index: int, form_data: CheckedForm
) -> Response:
    """Take the person off the household held."""
    case, current = await draft_of(applicant, case_id)
    members = _held_members(case)
    if not 0 <= index < len(members):
        raise NotFound()
    sent = version_of(form_data)
    answer = await _replace_household(
        applicant, case_id, members[:index] + members[index + 1 :], sent
    )
    if answer.status == 200:
        return see_other(f"{applications_home(request)}/{case_id}/household")
    errors = {"members": stale_message()}
    context = {
        **journey(case),
        "members": members_shown(case),
        "version": current,
        "errors": errors,
    }
    return page(request, "cases/household.html", context, status=400)
