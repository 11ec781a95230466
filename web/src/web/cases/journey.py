"""A draft's journey: its task list, a page per question, saving to come back later,
checking the answers and submitting it."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kit.errors import NotFound
from web.cases.applications import (
    DRAFT,
    ApplicantDep,
    CaseId,
    day_of,
)
from web.cases.forms import (
    STALE,
    problems_at,
    stale_message,
    text_of,
    version_of,
)
from web.cases.questions import Question
from web.cases.rendering import (
    answer_rows,
    applications_home,
    contact_rows,
    draft_of,
    journey,
    members_shown,
    page,
    see_other,
)
from web.cases.words import status_label
from web.i18n import gettext as _
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


# What the "Save and come back later" button sends.
LATER = "later"


# The journey of a draft


def _draft_or_case_page(request: Request, case_id: str) -> RedirectResponse:
    return see_other(f"{applications_home(request)}/{case_id}")


@router.get("/{authority}/applications/{case_id}/tasks")
async def tasks(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The parts of the application and how far each has got."""
    answer = await applicant.case(case_id)
    case = answer.body
    if case["status"] != DRAFT:
        return _draft_or_case_page(request, case_id)
    questions = await applicant.questions(case["kind"])
    answers = case.get("answers", {})
    base = f"{applications_home(request)}/{case_id}"
    question_tasks = [
        {
            "title": question.text,
            "href": f"{base}/questions/{question.id}",
            "done": question.id in answers,
            "optional": not question.required,
        }
        for question in questions
    ]
    context = {
        **journey(case),
        "question_tasks": question_tasks,
        "household_done": bool(case.get("household")),
        "contact_done": case.get("contact") is not None,
        "unanswered": sum(1 for q in questions if q.required and q.id not in answers),
        "expires": day_of(case.get("draft_expires_on")),
    }
    return page(request, "cases/tasks.html", context)


def _question_context(
    case: dict[str, Any],
    question: Question,
    *,
    value: str,
    version: str,
    error: str | None,
) -> dict[str, Any]:
    return {
        **journey(case),
        "question": question,
        "value": value,
        "version": version,
        "errors": {question.id: error} if error else {},
    }


async def _question(
    applicant: ApplicantDep, case: dict[str, Any], question_id: str
) -> tuple[Question, Question | None]:
    """The question asked, and the one after it, if any."""
    questions = await applicant.questions(case["kind"])
    for index, question in enumerate(questions):
        if question.id == question_id:
            following = questions[index + 1] if index + 1 < len(questions) else None
            return question, following
    raise NotFound()


@router.get("/{authority}/applications/{case_id}/questions/{question_id}")
async def question_page(
    request: Request, applicant: ApplicantDep, case_id: CaseId, question_id: str
) -> Response:
    """One question, with the answer given so far."""
    case, version = await draft_of(applicant, case_id)
    question, _following = await _question(applicant, case, question_id)
    value = question.form_value(case.get("answers", {}).get(question.id))
    context = _question_context(case, question, value=value, version=version, error=None)
    return page(request, "cases/question.html", context)


@router.post("/{authority}/applications/{case_id}/questions/{question_id}")
async def answer_question(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    question_id: str,
    form_data: CheckedForm,
) -> Response:
    """Save the answer to the draft; then the next question, or the saved page if asked."""
    case, current = await draft_of(applicant, case_id)
    question, following = await _question(applicant, case, question_id)
    later = text_of(form_data, "then") == LATER
    raw = text_of(form_data, "answer")
    sent = version_of(form_data)
    answer, error = question.read(raw)
    if error is None and answer is None and question.required and not later:
        error = question.missing()
    if error is not None:
        context = _question_context(case, question, value=raw, version=sent or current, error=error)
        return page(request, "cases/question.html", context, status=400)
    held = case.get("answers", {}).get(question.id)
    if answer != held:
        saved = await applicant.call(
            "PATCH",
            f"/cases/{case_id}/answers",
            body={"answers": {question.id: answer}},
            if_match=sent,
        )
        if saved.status in {412, 428}:
            context = _question_context(
                case, question, value=raw, version=current, error=stale_message()
            )
            return page(request, "cases/question.html", context, status=400)
        if saved.status != 200:
            wrong = problems_at(saved.error_details, "answers")
            text = (
                question.missing()
                if question.id in wrong
                else _("Sorry, your answer could not be saved. Try again later")
            )
            context = _question_context(case, question, value=raw, version=current, error=text)
            return page(request, "cases/question.html", context, status=400)
    base = f"{applications_home(request)}/{case_id}"
    if later:
        return see_other(f"{base}/saved")
    return see_other(f"{base}/questions/{following.id}" if following else f"{base}/tasks")


@router.get("/{authority}/applications/{case_id}/saved")
async def saved(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The draft is kept: until when, and how to come back to it."""
    case, _version = await draft_of(applicant, case_id)
    context = {**journey(case), "expires": day_of(case.get("draft_expires_on"))}
    return page(request, "cases/saved.html", context)


# Checking and submitting


async def _check_context(
    request: Request, applicant: ApplicantDep, case: dict[str, Any], version: str
) -> dict[str, Any]:
    questions = await applicant.questions(case["kind"])
    base = f"{applications_home(request)}/{case['id']}"
    answers = case.get("answers", {})
    missing = [q for q in questions if q.required and q.id not in answers]
    return {
        **journey(case),
        "rows": answer_rows(case, questions, base=base),
        "members": members_shown(case),
        "contact": contact_rows(case.get("contact")),
        "version": version,
        "errors": {q.id: q.missing() for q in missing},
        "error_links": {q.id: f"{base}/questions/{q.id}" for q in missing},
    }


@router.get("/{authority}/applications/{case_id}/check")
async def check_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Every answer, each with a way to change it, then the button to submit."""
    case, version = await draft_of(applicant, case_id)
    context = await _check_context(request, applicant, case, version)
    context["errors"] = {}
    return page(request, "cases/check.html", context)


@router.post("/{authority}/applications/{case_id}/check")
async def submit(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Submit the application, unless a required question is unanswered."""
    _case, current = await draft_of(applicant, case_id)
    answer = await applicant.call(
        "POST",
        f"/cases/{case_id}/actions",
        body={"action": "submit"},
        if_match=version_of(form_data),
    )
    if answer.status == 200:
        return see_other(f"{applications_home(request)}/{case_id}/submitted")
    fresh = (await applicant.case(case_id)).body
    context = await _check_context(request, applicant, fresh, current)
    if answer.status in {412, 428}:
        context["errors"] = {STALE: stale_message()}
        context["error_links"] = {STALE: "#submit"}
    elif not context["errors"]:
        context["errors"] = {STALE: _("Sorry, your application could not be sent. Try again later")}
        context["error_links"] = {STALE: "#submit"}
    return page(request, "cases/check.html", context, status=400)


@router.get("/{authority}/applications/{case_id}/submitted")
async def submitted(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application is with the housing team: its reference and status."""
    case = (await applicant.case(case_id)).body
    if case["status"] == DRAFT:
        return see_other(f"{applications_home(request)}/{case_id}/tasks")
    context = {**journey(case), "status_text": status_label(str(case["status"]))}
    return page(request, "cases/submitted.html", context)
