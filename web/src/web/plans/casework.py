"""The officer's Personal Housing Plan on a case: starting it, writing the assessment, adding,
changing and removing actions, issuing it (again), the applicant's answer to it, and the
versions issued before (post-redirect-get, every change with the plan's version in If-Match)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from kit.errors import NotFound
from web.cases import words
from web.cases.rendering import see_other
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.plans.calls import Plan, PlanCalls, is_stale, refuse_on
from web.plans.forms import (
    NOTES_MAX,
    SECTION_MAX,
    TEXT_MAX,
    ActionForm,
    AssessmentForm,
    PlanForm,
)
from web.plans.views import SECTIONS, shown_action, shown_plan, shown_version
from web.sessions.dependencies import CheckedForm
from web.staff.forms import text_of
from web.tasks.views import character_count_texts

router = APIRouter(include_in_schema=False)

ActionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
IssueNumber = Annotated[int, Path(ge=1, le=100000)]
HOMELESSNESS = "homelessness"
ACTION_FIELDS = frozenset(
    {
        "category",
        "text",
        "by_whom",
        "complete_within_days",
        "action_date",
        "required",
        "progress",
        "notes",
    }
)


def done_text(done: str) -> str:
    """What the success banner says after a change."""
    texts = {
        "started": _(
            "The plan has been started. Write the assessment and add actions, then issue it."
        ),
        "assessment": _("The assessment has been saved"),
        "added": _("The action has been added"),
        "changed": _("The action has been changed"),
        "removed": _("The action has been removed"),
        "issued": _("The plan has been issued to the applicant"),
    }
    return texts.get(done, "")


def _home(request: Request, case_id: str) -> str:
    return f"{authority_base(request)}/caseload/{case_id}/plan"


def _calls(officer: Officer, case_id: str) -> PlanCalls:
    return PlanCalls(officer, f"/cases/cases/{case_id}")


def _about(request: Request, case: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": words.kind_title(str(case["kind"])),
        "case_path": f"{authority_base(request)}/caseload/{case['id']}",
        "home": _home(request, str(case["id"])),
        "count_texts": character_count_texts(),
        "limits": {"section": SECTION_MAX, "notes": NOTES_MAX, "text": TEXT_MAX},
    }


async def _case_and_plan(officer: Officer, case_id: str) -> tuple[dict[str, Any], Plan | None]:
    case: dict[str, Any] = (await reading.read_case(officer, case_id)).body
    if case.get("kind") != HOMELESSNESS:
        return case, None
    return case, await _calls(officer, case_id).read()


async def _with_plan(officer: Officer, case_id: str) -> tuple[dict[str, Any], Plan]:
    case, plan = await _case_and_plan(officer, case_id)
    if plan is None:
        raise NotFound()
    return case, plan


async def _plan_page(
    request: Request,
    officer: Officer,
    case: dict[str, Any],
    plan: Plan | None,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    versions = await _calls(officer, str(case["id"])).versions() if plan is not None else []
    context = {
        **_about(request, case),
        "plan": shown_plan(plan.body, officer=True) if plan is not None else None,
        "version": plan.version if plan is not None else "",
        "versions": [shown_version(v) for v in versions],
        "start_key": uuid.uuid4().hex,
        "for_homelessness": case.get("kind") == HOMELESSNESS,
        "closed": bool(case.get("closed_at")),
        "errors": errors,
        "error_list": [{"text": text, "href": f"#{name}"} for name, text in errors.items()],
        "notice": done_text(request.query_params.get("done", "")),
    }
    return render(request, "plans/case_plan.html", context, status=status)


@router.get("/{authority}/caseload/{case_id}/plan")
async def case_plan(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """The case's plan with the applicant's answer to it, or the button that starts it."""
    case, plan = await _case_and_plan(officer, case_id)
    return await _plan_page(request, officer, case, plan)


@router.post("/{authority}/caseload/{case_id}/plan/start")
async def start(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Start the plan as a draft; sent twice (the same key), one plan."""
    case = (await reading.read_case(officer, case_id)).body
    key = text_of(form_data, "key")
    errors: dict[str, str] = {}
    if case.get("kind") == HOMELESSNESS and key.isalnum() and len(key) <= 64:
        answer = await officer.call(
            "POST",
            f"/cases/cases/{case_id}/plan",
            body={},
            headers={"Idempotency-Key": key},
        )
        if answer.status in (200, 201) or answer.error_code == "plan_exists":
            return see_other(f"{_home(request, case_id)}?done=started")
        refuse_on(errors, answer, first="start", known=frozenset())
    else:
        errors["start"] = _("Only a homelessness case has a Personal Housing Plan")
    plan = (await _case_and_plan(officer, case_id))[1]
    return await _plan_page(request, officer, case, plan, errors=errors, status=400)


@router.post("/{authority}/caseload/{case_id}/plan/issue")
async def issue(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Issue the plan to the applicant, or issue it again after a review or a change."""
    case, plan = await _with_plan(officer, case_id)
    answer = await _calls(officer, case_id).change(
        "POST", "/issue", version=text_of(form_data, "version")
    )
    if answer.status == 200:
        return see_other(f"{_home(request, case_id)}?done=issued")
    errors: dict[str, str] = {}
    refuse_on(errors, answer, first="issue", known=frozenset())
    return await _plan_page(request, officer, case, plan, errors=errors, status=400)


@router.get("/{authority}/caseload/{case_id}/plan/pdf")
async def plan_pdf(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """The plan as a PDF, as it stands."""
    download = await officer.download(f"/cases/cases/{case_id}/plan/pdf")
    return download.as_pdf("plan.pdf")


@router.get("/{authority}/caseload/{case_id}/plan/versions/{issue_number}")
async def version_page(
    request: Request, officer: Officer, case_id: CaseId, issue_number: IssueNumber
) -> Response:
    """The plan as it was issued that time, to read."""
    case = (await _with_plan(officer, case_id))[0]
    issued = await _calls(officer, case_id).version(issue_number)
    context = {
        **_about(request, case),
        "plan": shown_plan(issued, officer=True),
        "issue_number": issue_number,
    }
    return render(request, "plans/case_version.html", context)


# The assessment


def _form_page(
    request: Request,
    template: str,
    case: dict[str, Any],
    form: PlanForm,
    *,
    status: int = 200,
    **more: Any,
) -> HTMLResponse:
    context = {**_about(request, case), "form": form, "error_list": form.error_list(), **more}
    return render(request, template, context, status=status)


@router.get("/{authority}/caseload/{case_id}/plan/assessment")
async def assessment_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """The four sections of the assessment, to write or change."""
    case, plan = await _with_plan(officer, case_id)
    form = AssessmentForm.of(plan.body, version=plan.version)
    return _form_page(request, "plans/assessment.html", case, form)


@router.post("/{authority}/caseload/{case_id}/plan/assessment")
async def assessment(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Save the assessment; the plan is a draft until issued again."""
    case, plan = await _with_plan(officer, case_id)
    form = AssessmentForm()
    body = form.read(form_data)
    if body is not None:
        answer = await _calls(officer, case_id).change(
            "PUT", "/assessment", version=form.version, body=body
        )
        if answer.status == 200:
            return see_other(f"{_home(request, case_id)}?done=assessment")
        refuse_on(form.errors, answer, first=SECTIONS[0], known=frozenset(SECTIONS))
        if is_stale(answer):
            latest = AssessmentForm.of(plan.body, version=plan.version)
            latest.errors = form.errors
            form = latest
    return _form_page(request, "plans/assessment.html", case, form, status=400)


# Actions


def _action_of(plan: Plan, action_id: str) -> dict[str, Any]:
    for number, action in enumerate(plan.body.get("actions", []), start=1):
        if isinstance(action, dict) and action.get("id") == action_id:
            return shown_action(action, number=number, officer=True)
    raise NotFound()


@router.get("/{authority}/caseload/{case_id}/plan/actions/add")
async def add_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """A new action: every field of it."""
    case, plan = await _with_plan(officer, case_id)
    form = ActionForm.blank(officer=True, version=plan.version, key=uuid.uuid4().hex)
    return _form_page(request, "plans/action_form.html", case, form, officer=True)


@router.post("/{authority}/caseload/{case_id}/plan/actions/add")
async def add(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Add the action; sent twice (the same key), it is added once."""
    case, plan = await _with_plan(officer, case_id)
    form = ActionForm(officer=True)
    body = form.read(form_data)
    if not (form.key.isalnum() and len(form.key) <= 64):
        form.key = uuid.uuid4().hex
    if body is not None:
        answer = await _calls(officer, case_id).change(
            "POST", "/actions", version=form.version, body=body, key=form.key
        )
        if answer.status in (200, 201):
            return see_other(f"{_home(request, case_id)}?done=added")
        refuse_on(form.errors, answer, first="category", known=ACTION_FIELDS)
        if is_stale(answer):
            form.version = plan.version
    return _form_page(request, "plans/action_form.html", case, form, status=400, officer=True)


@router.get("/{authority}/caseload/{case_id}/plan/actions/{action_id}")
async def change_page(
    request: Request, officer: Officer, case_id: CaseId, action_id: ActionId
) -> Response:
    """One action, every field to change."""
    case, plan = await _with_plan(officer, case_id)
    action = _action_of(plan, action_id)
    form = ActionForm.of(action, version=plan.version)
    return _form_page(request, "plans/action_form.html", case, form, officer=True, action=action)


@router.post("/{authority}/caseload/{case_id}/plan/actions/{action_id}")
async def change(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    action_id: ActionId,
    form_data: CheckedForm,
) -> Response:
    """Save the action; the plan is a draft until issued again."""
    case, plan = await _with_plan(officer, case_id)
    action = _action_of(plan, action_id)
    form = ActionForm(changing=True)
    body = form.read(form_data)
    if body is not None:
        answer = await _calls(officer, case_id).change(
            "PATCH", f"/actions/{action_id}", version=form.version, body=body
        )
        if answer.status == 200:
            return see_other(f"{_home(request, case_id)}?done=changed#action-{action_id}")
        refuse_on(form.errors, answer, first="category", known=ACTION_FIELDS)
        if is_stale(answer):
            latest = ActionForm.of(action, version=plan.version)
            latest.errors = form.errors
            form = latest
    return _form_page(
        request, "plans/action_form.html", case, form, status=400, officer=True, action=action
    )


@router.get("/{authority}/caseload/{case_id}/plan/actions/{action_id}/remove")
async def remove_page(
    request: Request, officer: Officer, case_id: CaseId, action_id: ActionId
) -> Response:
    """Check before removing the action."""
    case, plan = await _with_plan(officer, case_id)
    action = _action_of(plan, action_id)
    form = PlanForm(version=plan.version)
    return _form_page(request, "plans/remove.html", case, form, action=action, officer=True)


@router.post("/{authority}/caseload/{case_id}/plan/actions/{action_id}/remove")
async def remove(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    action_id: ActionId,
    form_data: CheckedForm,
) -> Response:
    """Remove the action from the plan."""
    case, plan = await _with_plan(officer, case_id)
    action = _action_of(plan, action_id)
    form = PlanForm(version=text_of(form_data, "version"))
    answer = await _calls(officer, case_id).change(
        "DELETE", f"/actions/{action_id}", version=form.version
    )
    if answer.status == 200:
        return see_other(f"{_home(request, case_id)}?done=removed")
    refuse_on(form.errors, answer, first="remove", known=frozenset())
    form.version = plan.version
    return _form_page(
        request, "plans/remove.html", case, form, status=400, action=action, officer=True
    )
