"""The applicant's Personal Housing Plan: their plans, the plan with its progress, assessment
and actions, whether they agree with it, their own actions' progress and notes, an action of
their own, the PDF, and submitting the plan for their caseworker to review."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from kit.errors import NotFound
from web.account.identity import items_of
from web.cases.applications import ApplicantDep, CaseId
from web.cases.rendering import see_other
from web.cases.words import kind_title
from web.gateway import GatewayUnavailable
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail
from web.plans.calls import Plan, PlanCalls, is_stale, refuse_on, reviewing_message
from web.plans.forms import (
    NOTES_MAX,
    REASON_MAX,
    TEXT_MAX,
    ActionForm,
    AgreementForm,
    PlanForm,
    ProgressForm,
)
from web.plans.views import listed_plan, shown_action, shown_plan
from web.sessions.dependencies import CheckedForm
from web.staff.forms import text_of
from web.tasks.views import character_count_texts

router = APIRouter(include_in_schema=False)

ActionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
PAGE_SIZE = "20"
AGREEMENT_FIELDS = frozenset({"agrees", "reason"})
PROGRESS_FIELDS = frozenset({"progress", "notes"})
ACTION_FIELDS = frozenset(
    {"category", "text", "complete_within_days", "action_date", "required", "notes"}
)


def done_text(done: str) -> str:
    """What the success banner says after a change."""
    texts = {
        "agreed": _("You told your caseworker you agree with the plan"),
        "disagreed": _("You told your caseworker you do not agree with the plan"),
        "updated": _("The action has been updated"),
        "added": _("Your action has been added to the plan"),
        "removed": _("Your action has been removed from the plan"),
        "submitted": _("You submitted your plan for review"),
    }
    return texts.get(done, "")


def _plans_home(request: Request) -> str:
    return f"{authority_base(request)}/plans"


def _home(request: Request, case_id: str) -> str:
    return f"{_plans_home(request)}/{case_id}"


def _calls(applicant: ApplicantDep, case_id: str) -> PlanCalls:
    return PlanCalls(applicant, f"/cases/{case_id}")


def _about(request: Request, case: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": f"{authority_base(request)}/applications/{case['id']}",
        "home": _home(request, str(case["id"])),
        "count_texts": character_count_texts(),
        "limits": {"notes": NOTES_MAX, "reason": REASON_MAX, "text": TEXT_MAX},
    }


# The list


@router.get("/{authority}/plans")
async def my_plans(request: Request, applicant: ApplicantDep) -> Response:
    """The person's plans, newest first; straight to it when there is only one."""
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await applicant.call("GET", "/plans", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(_plans_home(request))
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"plans answered {answer.status}")
    plans = items_of(answer)
    following = answer.body.get("next_cursor")
    if len(plans) == 1 and not trail.cursor and not following:
        return see_other(_home(request, str(plans[0]["case_id"])))
    context = {
        "plans": [listed_plan(plan) for plan in plans],
        "paging": trail.links(
            _plans_home(request), following if isinstance(following, str) else None
        ),
    }
    return render(request, "plans/plans.html", context)


# The plan


async def _case_and_plan(
    applicant: ApplicantDep, case_id: str
) -> tuple[dict[str, Any], Plan | None]:
    case = (await applicant.case(case_id)).body
    return case, await _calls(applicant, case_id).read()


def _plan_page(
    request: Request,
    case: dict[str, Any],
    plan: Plan,
    form: AgreementForm,
    *,
    status: int = 200,
) -> HTMLResponse:
    context = {
        **_about(request, case),
        "plan": shown_plan(plan.body, officer=False),
        "form": form,
        "error_list": form.error_list(),
        "notice": done_text(request.query_params.get("done", "")),
    }
    return render(request, "plans/plan.html", context, status=status)


@router.get("/{authority}/plans/{case_id}")
async def plan_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The plan: progress, the assessment, the actions, and whether you agree with it."""
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        return render(request, "plans/no_plan.html", _about(request, case))
    return _plan_page(request, case, plan, AgreementForm.of(plan.body, version=plan.version))


@router.post("/{authority}/plans/{case_id}/agreement")
async def agreement(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Say whether you agree with the plan, and if not, why."""
    case = (await applicant.case(case_id)).body
    calls = _calls(applicant, case_id)
    form = AgreementForm()
    body = form.read(form_data)
    if body is not None:
        answer = await calls.change("POST", "/agreement", version=form.version, body=body)
        if answer.status == 200:
            done = "agreed" if body["agrees"] else "disagreed"
            return see_other(f"{_home(request, case_id)}?done={done}")
        refuse_on(form.errors, answer, first="agrees", known=AGREEMENT_FIELDS)
        if is_stale(answer):
            form.version = ""
    plan = await calls.must_read()
    form.version = form.version or plan.version
    return _plan_page(request, case, plan, form, status=400)


@router.get("/{authority}/plans/{case_id}/pdf")
async def plan_pdf(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """The plan as a PDF, to keep."""
    download = await applicant.download(f"/cases/cases/{case_id}/plan/pdf")
    return download.as_pdf("plan.pdf")


# An action of your own


@router.get("/{authority}/plans/{case_id}/actions/add")
async def add_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Add an action you will take yourself."""
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        raise NotFound()
    form = ActionForm.blank(officer=False, version=plan.version, key=uuid.uuid4().hex)
    return _form_page(request, "plans/action_form.html", case, plan, form, officer=False)


@router.post("/{authority}/plans/{case_id}/actions/add")
async def add(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Add the action to the plan; sent twice (the same key), it is added once."""
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        raise NotFound()
    form = ActionForm(officer=False)
    body = form.read(form_data)
    if not (form.key.isalnum() and len(form.key) <= 64):
        form.key = uuid.uuid4().hex
    if body is not None:
        answer = await _calls(applicant, case_id).change(
            "POST", "/actions", version=form.version, body=body, key=form.key
        )
        if answer.status in (200, 201):
            return see_other(f"{_home(request, case_id)}?done=added")
        refuse_on(form.errors, answer, first="category", known=ACTION_FIELDS)
        if is_stale(answer):
            form.version = plan.version
    return _form_page(
        request, "plans/action_form.html", case, plan, form, status=400, officer=False
    )


# Your actions: progress and notes


def _action_of(plan: Plan, action_id: str) -> dict[str, Any]:
    for number, action in enumerate(plan.body.get("actions", []), start=1):
        if isinstance(action, dict) and action.get("id") == action_id:
            return shown_action(action, number=number, officer=False)
    raise NotFound()


def _form_page(
    request: Request,
    template: str,
    case: dict[str, Any],
    plan: Plan,
    form: PlanForm,
    *,
    status: int = 200,
    **more: Any,
) -> HTMLResponse:
    context = {
        **_about(request, case),
        "plan": shown_plan(plan.body, officer=False),
        "form": form,
        "error_list": form.error_list(),
        "closed_message": reviewing_message(),
        **more,
    }
    return render(request, template, context, status=status)


async def _own_action(
    applicant: ApplicantDep, case_id: str, action_id: str
) -> tuple[dict[str, Any], Plan, dict[str, Any]]:
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        raise NotFound()
    action = _action_of(plan, action_id)
    if action.get("by_whom") != "applicant":
        raise NotFound()
    return case, plan, action


@router.get("/{authority}/plans/{case_id}/actions/{action_id}")
async def progress_page(
    request: Request, applicant: ApplicantDep, case_id: CaseId, action_id: ActionId
) -> Response:
    """How far one of your actions has got, and notes for your caseworker."""
    case, plan, action = await _own_action(applicant, case_id, action_id)
    form = ProgressForm.of(action, version=plan.version)
    return _form_page(request, "plans/progress.html", case, plan, form, action=action)


@router.post("/{authority}/plans/{case_id}/actions/{action_id}")
async def update_progress(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    action_id: ActionId,
    form_data: CheckedForm,
) -> Response:
    """Save the action's progress and notes."""
    case, plan, action = await _own_action(applicant, case_id, action_id)
    form = ProgressForm()
    body = form.read(form_data)
    if body is not None:
        answer = await _calls(applicant, case_id).change(
            "PATCH", f"/actions/{action_id}", version=form.version, body=body
        )
        if answer.status == 200:
            return see_other(f"{_home(request, case_id)}?done=updated#action-{action_id}")
        refuse_on(form.errors, answer, first="progress", known=PROGRESS_FIELDS)
        if is_stale(answer):
            latest = ProgressForm.of(action, version=plan.version)
            latest.errors = form.errors
            form = latest
    return _form_page(request, "plans/progress.html", case, plan, form, status=400, action=action)


@router.get("/{authority}/plans/{case_id}/actions/{action_id}/remove")
async def remove_page(
    request: Request, applicant: ApplicantDep, case_id: CaseId, action_id: ActionId
) -> Response:
    """Check before removing an action you added."""
    case, plan, action = await _own_action(applicant, case_id, action_id)
    if action.get("added_by") != "applicant":
        raise NotFound()
    form = PlanForm(version=plan.version)
    return _form_page(request, "plans/remove.html", case, plan, form, action=action)


@router.post("/{authority}/plans/{case_id}/actions/{action_id}/remove")
async def remove(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    action_id: ActionId,
    form_data: CheckedForm,
) -> Response:
    """Remove the action you added."""
    case, plan, action = await _own_action(applicant, case_id, action_id)
    if action.get("added_by") != "applicant":
        raise NotFound()
    form = PlanForm(version=text_of(form_data, "version"))
    answer = await _calls(applicant, case_id).change(
        "DELETE", f"/actions/{action_id}", version=form.version
    )
    if answer.status == 200:
        return see_other(f"{_home(request, case_id)}?done=removed")
    refuse_on(form.errors, answer, first="remove", known=frozenset())
    form.version = plan.version
    return _form_page(request, "plans/remove.html", case, plan, form, status=400, action=action)


# Submitting the plan for review


@router.get("/{authority}/plans/{case_id}/submit")
async def submit_page(request: Request, applicant: ApplicantDep, case_id: CaseId) -> Response:
    """Check before sending the plan to your caseworker to review."""
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        raise NotFound()
    form = PlanForm(version=plan.version)
    return _form_page(request, "plans/submit.html", case, plan, form)


@router.post("/{authority}/plans/{case_id}/submit")
async def submit(
    request: Request, applicant: ApplicantDep, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Send the plan to your caseworker to review."""
    case, plan = await _case_and_plan(applicant, case_id)
    if plan is None:
        raise NotFound()
    form = PlanForm(version=text_of(form_data, "version"))
    answer = await _calls(applicant, case_id).change(
        "POST", "/review-request", version=form.version
    )
    if answer.status == 200:
        return see_other(f"{_home(request, case_id)}?done=submitted")
    refuse_on(form.errors, answer, first="submit", known=frozenset())
    form.version = plan.version
    return _form_page(request, "plans/submit.html", case, plan, form, status=400)
