"""The applicant's applications: the list, starting one, answering its questions, checking and
submitting it, the case page, contact details, a change of circumstances and the PDF."""

import datetime
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from kit.errors import NotFound
from web.cases.applications import (
    DRAFT,
    ENDED,
    ApplicantDep,
    CaseId,
    day_of,
    listed,
)
from web.cases.forms import (
    CONTACT_METHODS,
    RELATIONSHIPS,
    STALE,
    CircumstancesForm,
    ContactForm,
    MemberForm,
    problems_at,
    stale_message,
    text_of,
    version_of,
)
from web.cases.questions import Question
from web.cases.words import (
    action_label,
    contact_method_label,
    kind_title,
    relationship_label,
    status_label,
)
from web.gateway import gateway_of
from web.i18n import format_moment
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)
HOMELESSNESS = "homelessness"
# What the "Save and come back later" button sends.
LATER = "later"
IDEMPOTENCY_KEY = "idempotency_key"
# The script that makes Exit this page replace the page it leaves.
EXIT_SCRIPT = "exit-this-page.js"


def _home(request: Request) -> str:
    return f"{authority_base(request)}/applications"


def _page(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """The page, with its error summary's entries each linking to the field in error."""
    form = context.get("form")
    errors: dict[str, str] = context.get("errors") or (form.errors if form is not None else {})
    links: dict[str, str] = context.get("error_links", {})
    entries = [{"text": text, "href": links.get(name, f"#{name}")} for name, text in errors.items()]
    return render(request, template, {**context, "error_list": entries}, status=status)


def _go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _journey(case: dict[str, Any]) -> dict[str, Any]:
    """What every page of an application's journey shows besides its own form."""
    return {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "exit_this_page": case.get("kind") == HOMELESSNESS,
    }


def history_label(action: str) -> str:
    """What happened to a case, as its history lists it."""
    labels = {
        "create": _("Application started"),
        "answers_changed": _("Answers changed"),
        "household_changed": _("Household changed"),
        "contact_changed": _("Contact details changed"),
        "assign": _("Assigned to an officer"),
        "stage_changed": _("Stage changed"),
        "change_submitted": _("Change of circumstances told"),
        "change_verified": _("Change of circumstances verified"),
        "change_rejected": _("Change of circumstances not accepted"),
        "suspend": _("Suspended"),
        "reinstate": _("Live again"),
    }
    return labels.get(action) or action_label(action)


# The list of applications


@router.get("/{authority}/applications")
async def applications(request: Request, applicant: ApplicantDep) -> HTMLResponse:
    """Open applications, then closed ones with their closed date."""
    open_cases = [listed(case) for case in await applicant.cases("open")]
    closed_cases = [listed(case) for case in await applicant.cases("closed")]
    return _page(
        request,
        "cases/applications.html",
        {"open_cases": open_cases, "closed_cases": closed_cases},
    )


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
    return _page(request, "cases/start.html", context)


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
        return _page(request, "cases/start.html", context, status=400)
    answer = await applicant.call(
        "POST", "/cases", body={"kind": chosen}, headers={"Idempotency-Key": key}
    )
    if answer.status != 201 or not isinstance(answer.body, dict):
        context = {
            "kinds": kinds,
            "key": uuid.uuid4().hex,
            "errors": {"kind": _("Sorry, you could not start this application. Try again later")},
        }
        return _page(request, "cases/start.html", context, status=400)
    return _go(f"{_home(request)}/{answer.body['id']}/tasks")


# The journey of a draft


async def _draft(applicant: ApplicantDep, case_id: str) -> tuple[dict[str, Any], str]:
    """A draft of the person's and its version; not found once it is no longer a draft."""
    answer = await applicant.case(case_id)
    if answer.body.get("status") != DRAFT:
        raise NotFound()
    return answer.body, answer.etag or ""


def _draft_or_case_page(request: Request, case_id: str) -> RedirectResponse:
    return _go(f"{_home(request)}/{case_id}")


@router.get("/{authority}/applications/{case_id}/tasks")
async def tasks(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The parts of the application and how far each has got."""
    answer = await applicant.case(case_id)
    case = answer.body
    if case["status"] != DRAFT:
        return _draft_or_case_page(request, case_id)
    questions = await applicant.questions(case["kind"])
    answers = case.get("answers", {})
    base = f"{_home(request)}/{case_id}"
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
        **_journey(case),
        "question_tasks": question_tasks,
        "household_done": bool(case.get("household")),
        "contact_done": case.get("contact") is not None,
        "unanswered": sum(1 for q in questions if q.required and q.id not in answers),
        "expires": day_of(case.get("draft_expires_on")),
    }
    return _page(request, "cases/tasks.html", context)


def _question_context(
    case: dict[str, Any],
    question: Question,
    *,
    value: str,
    version: str,
    error: str | None,
) -> dict[str, Any]:
    return {
        **_journey(case),
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
    case, version = await _draft(applicant, case_id)
    question, _following = await _question(applicant, case, question_id)
    value = question.form_value(case.get("answers", {}).get(question.id))
    context = _question_context(case, question, value=value, version=version, error=None)
    return _page(request, "cases/question.html", context)


@router.post("/{authority}/applications/{case_id}/questions/{question_id}")
async def answer_question(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    question_id: str,
    form_data: CheckedForm,
) -> Response:
    """Save the answer to the draft; then the next question, or the saved page if asked."""
    case, current = await _draft(applicant, case_id)
    question, following = await _question(applicant, case, question_id)
    later = text_of(form_data, "then") == LATER
    raw = text_of(form_data, "answer")
    sent = version_of(form_data)
    answer, error = question.read(raw)
    if error is None and answer is None and question.required and not later:
        error = question.missing()
    if error is not None:
        context = _question_context(case, question, value=raw, version=sent or current, error=error)
        return _page(request, "cases/question.html", context, status=400)
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
            return _page(request, "cases/question.html", context, status=400)
        if saved.status != 200:
            wrong = problems_at(saved.error_details, "answers")
            text = (
                question.missing()
                if question.id in wrong
                else _("Sorry, your answer could not be saved. Try again later")
            )
            context = _question_context(case, question, value=raw, version=current, error=text)
            return _page(request, "cases/question.html", context, status=400)
    base = f"{_home(request)}/{case_id}"
    if later:
        return _go(f"{base}/saved")
    return _go(f"{base}/questions/{following.id}" if following else f"{base}/tasks")


@router.get("/{authority}/applications/{case_id}/saved")
async def saved(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The draft is kept: until when, and how to come back to it."""
    case, _version = await _draft(applicant, case_id)
    context = {**_journey(case), "expires": day_of(case.get("draft_expires_on"))}
    return _page(request, "cases/saved.html", context)


# The household


def _members(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **member,
            "relationship_text": relationship_label(str(member.get("relationship"))),
            "born": day_of(member.get("date_of_birth")),
        }
        for member in case.get("household", [])
    ]


@router.get("/{authority}/applications/{case_id}/household")
async def household(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Everyone who would live with the applicant, and a way to add someone."""
    case, version = await _draft(applicant, case_id)
    context = {**_journey(case), "members": _members(case), "version": version, "errors": {}}
    return _page(request, "cases/household.html", context)


def _member_context(case: dict[str, Any], form: MemberForm, version: str) -> dict[str, Any]:
    relationships = [
        {"value": value, "text": relationship_label(value), "checked": value == form.relationship}
        for value in RELATIONSHIPS
    ]
    return {**_journey(case), "form": form, "version": version, "relationships": relationships}


@router.get("/{authority}/applications/{case_id}/household/add")
async def add_member_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The form to add someone to the household."""
    case, version = await _draft(applicant, case_id)
    return _page(request, "cases/member.html", _member_context(case, MemberForm(), version))


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
    case, current = await _draft(applicant, case_id)
    sent = version_of(form_data)
    form = MemberForm()
    member = form.read(form_data, today=datetime.date.today())
    if member is not None:
        answer = await _replace_household(applicant, case_id, [*_held_members(case), member], sent)
        if answer.status == 200:
            return _go(f"{_home(request)}/{case_id}/household")
        if answer.status in {412, 428}:
            form.errors[STALE] = stale_message()
        else:
            form.refused(answer.error_details)
    context = _member_context(case, form, sent or current)
    return _page(request, "cases/member.html", context, status=400)


@router.post("/{authority}/applications/{case_id}/household/{index}/remove")
async def remove_member(
    request: Request, applicant: ApplicantDep, case_id: CaseId, index: int, form_data: CheckedForm
) -> Response:
    """Take the person off the household held."""
    case, current = await _draft(applicant, case_id)
    members = _held_members(case)
    if not 0 <= index < len(members):
        raise NotFound()
    sent = version_of(form_data)
    answer = await _replace_household(
        applicant, case_id, members[:index] + members[index + 1 :], sent
    )
    if answer.status == 200:
        return _go(f"{_home(request)}/{case_id}/household")
    errors = {"members": stale_message()}
    context = {**_journey(case), "members": _members(case), "version": current, "errors": errors}
    return _page(request, "cases/household.html", context, status=400)


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
    return {**_journey(case), "form": form, "version": version, "methods": methods}


@router.get("/{authority}/applications/{case_id}/contact")
async def contact_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The contact details held, to change."""
    answer = await applicant.case(case_id)
    if answer.body["status"] in ENDED:
        raise NotFound()
    form = ContactForm.of(answer.body.get("contact"))
    return _page(
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
            return _go(f"{_home(request)}/{case_id}/{after}".rstrip("/"))
        if answer.status in {412, 428}:
            form.errors[STALE] = stale_message()
        else:
            form.refused(answer.error_details)
    context = _contact_context(case, form, sent or current.etag or "")
    return _page(request, "cases/contact.html", context, status=400)


# Checking and submitting


def _answer_rows(
    case: dict[str, Any], questions: list[Question], *, base: str | None
) -> list[dict[str, Any]]:
    answers = case.get("answers", {})
    return [
        {
            "id": question.id,
            "question": question.text,
            "answer": question.shown(answers.get(question.id)) or _("Not answered"),
            "href": f"{base}/questions/{question.id}" if base else None,
        }
        for question in questions
    ]


async def _check_context(
    request: Request, applicant: ApplicantDep, case: dict[str, Any], version: str
) -> dict[str, Any]:
    questions = await applicant.questions(case["kind"])
    base = f"{_home(request)}/{case['id']}"
    answers = case.get("answers", {})
    missing = [q for q in questions if q.required and q.id not in answers]
    return {
        **_journey(case),
        "rows": _answer_rows(case, questions, base=base),
        "members": _members(case),
        "contact": _contact_rows(case.get("contact")),
        "version": version,
        "errors": {q.id: q.missing() for q in missing},
        "error_links": {q.id: f"{base}/questions/{q.id}" for q in missing},
    }


@router.get("/{authority}/applications/{case_id}/check")
async def check_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Every answer, each with a way to change it, then the button to submit."""
    case, version = await _draft(applicant, case_id)
    context = await _check_context(request, applicant, case, version)
    context["errors"] = {}
    return _page(request, "cases/check.html", context)


@router.post("/{authority}/applications/{case_id}/check")
async def submit(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Submit the application, unless a required question is unanswered."""
    _case, current = await _draft(applicant, case_id)
    answer = await applicant.call(
        "POST",
        f"/cases/{case_id}/actions",
        body={"action": "submit"},
        if_match=version_of(form_data),
    )
    if answer.status == 200:
        return _go(f"{_home(request)}/{case_id}/submitted")
    fresh = (await applicant.case(case_id)).body
    context = await _check_context(request, applicant, fresh, current)
    if answer.status in {412, 428}:
        context["errors"] = {STALE: stale_message()}
        context["error_links"] = {STALE: "#submit"}
    return _page(request, "cases/check.html", context, status=400)


@router.get("/{authority}/applications/{case_id}/submitted")
async def submitted(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application is with the housing team: its reference and status."""
    case = (await applicant.case(case_id)).body
    if case["status"] == DRAFT:
        return _go(f"{_home(request)}/{case_id}/tasks")
    context = {**_journey(case), "status_text": status_label(str(case["status"]))}
    return _page(request, "cases/submitted.html", context)


# The case page


def _contact_rows(contact: dict[str, Any] | None) -> list[dict[str, str]]:
    if not contact:
        return []
    yes, no = _("Yes"), _("No")
    ok_to_call, ok_to_email = _("OK to call"), _("OK to email")
    rows = []
    for phone, label in (
        ("home_phone", _("Home phone")),
        ("mobile_phone", _("Mobile phone")),
        ("work_phone", _("Work phone")),
    ):
        if contact.get(phone):
            ok = yes if contact.get(f"{phone}_ok_to_call") else no
            rows.append({"key": label, "value": f"{contact[phone]} ({ok_to_call}: {ok})"})
    if contact.get("email"):
        ok = yes if contact.get("email_ok_to_email") else no
        rows.append({"key": _("Email"), "value": f"{contact['email']} ({ok_to_email}: {ok})"})
    if contact.get("preferred_contact_method"):
        rows.append(
            {
                "key": _("Preferred contact method"),
                "value": contact_method_label(str(contact["preferred_contact_method"])),
            }
        )
    return rows


def clock_label(name: str) -> str:
    """A statutory period's last day, as the case page names it."""
    labels = {
        "prevention": _("Prevention duty ends"),
        "relief": _("Relief duty ends"),
        "review": _("Last day to ask for a review"),
    }
    return labels.get(name, name)


@router.get("/{authority}/applications/{case_id}")
async def case_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application: status, deadlines, answers, household, contact details and history."""
    case = (await applicant.case(case_id)).body
    if case["status"] == DRAFT:
        return _go(f"{_home(request)}/{case_id}/tasks")
    questions = await applicant.questions(case["kind"])
    history = (await applicant.call("GET", f"/cases/{case_id}/history")).body or {}
    clocks = [
        {**clock, "text": clock_label(str(clock["name"])), "due": day_of(clock["due_on"])}
        for clock in case.get("clocks", [])
    ]
    events = [
        {
            "when": format_moment(str(entry["at"])),
            "what": history_label(str(entry["action"])),
            "status": status_label(str(entry["to_status"])),
            "reason": entry.get("reason"),
        }
        for entry in history.get("items", [])
    ]
    context = {
        **_journey(case),
        "summary": listed(case),
        "clocks": clocks,
        "rows": _answer_rows(case, questions, base=None),
        "members": _members(case),
        "contact": _contact_rows(case.get("contact")),
        "events": events,
        "register": case.get("register_details"),
        "register_dates": {
            "registration": day_of((case.get("register_details") or {}).get("registration_date")),
            "review": day_of((case.get("register_details") or {}).get("review_date")),
        },
        "change_pending": (case.get("change") or {}).get("status") == "submitted",
    }
    return _page(request, "cases/case.html", context)


# A change of circumstances on a live register application


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
    context = {**_journey(case), "form": CircumstancesForm(), "version": version}
    return _page(request, "cases/circumstances.html", context)


@router.post("/{authority}/applications/{case_id}/change-of-circumstances")
async def report_change(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Send the change: the application is suspended until an officer verifies it."""
    case, current = await _live_register(applicant, case_id)
    form = CircumstancesForm()
    sent = version_of(form_data)
    note = form.read(form_data)
    if note is not None:
        answer = await applicant.call(
            "POST", f"/cases/{case_id}/circumstances", body={"note": note}, if_match=sent
        )
        if answer.status == 200:
            return _go(f"{_home(request)}/{case_id}")
        form.errors["note"] = (
            stale_message()
            if answer.status in {412, 428}
            else _("Sorry, your change could not be sent. Try again later")
        )
    context = {**_journey(case), "form": form, "version": sent or current}
    return _page(request, "cases/circumstances.html", context, status=400)


# The PDF


@router.get("/{authority}/applications/{case_id}/pdf")
async def pdf(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The application as the API renders it, passed on as it arrives."""
    person = applicant.person
    download = await gateway_of(request).download(
        f"/{person.tokens.authority}/api/cases/cases/{case_id}/pdf",
        token=person.access_token,
        forwarded_for=request.headers.get("x-forwarded-for"),
    )
    if download.status != 200:
        download.close()
        raise NotFound()
    headers = {
        "Content-Disposition": download.headers.get(
            "Content-Disposition", 'attachment; filename="application.pdf"'
        ),
    }
    return StreamingResponse(download.chunks(), media_type="application/pdf", headers=headers)
