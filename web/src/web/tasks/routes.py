"""The pages of the tasks set for the signed-in person: their list across cases, marking one
complete, and saying why one cannot be done; and the officer's page that sets a task."""

import datetime
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from kit.errors import NotFound
from web.cases.forms import text_of
from web.cases.rendering import page, see_other
from web.cases.words import kind_title
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.gateway import GatewayUnavailable
from web.i18n import gettext as _
from web.pages import authority_base
from web.paging import Trail
from web.roles import RoleHolder, holding
from web.sessions.dependencies import CheckedForm, session_service
from web.tasks.views import character_count_texts, shown_task

router = APIRouter(include_in_schema=False)

TaskId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
Assignee = Annotated[RoleHolder, Depends(holding("applicant", "landlord_user", "landlord_admin"))]
REASON_LIMIT = 280
TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 2000
PAGE_SIZE = "20"


def _tasks_home(request: Request) -> str:
    return f"{authority_base(request)}/tasks"


@router.get("/{authority}/tasks")
async def my_tasks(request: Request, person: Assignee) -> Response:
    """The tasks set for me on every case, soonest target date first; or those done."""
    done = request.query_params.get("state") == "done"
    trail = Trail.of(request, keep=("state",))
    params = {"limit": PAGE_SIZE, "state": "done" if done else "open"}
    if trail.cursor:
        params["cursor"] = trail.cursor
    answer = await person.call("GET", "/cases/tasks", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(f"{_tasks_home(request)}{'?state=done' if done else ''}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"tasks answered {answer.status}")
    context = {
        "tasks": [shown_task(task) for task in answer.body.get("items", [])],
        "done": done,
        "notice": request.query_params.get("notice", ""),
        "paging": trail.links(_tasks_home(request), answer.body.get("next_cursor")),
    }
    return page(request, "tasks/tasks.html", context)


async def _task(person: RoleHolder, case_id: str, task_id: str) -> tuple[dict[str, Any], str]:
    answer = await person.call("GET", f"/cases/cases/{case_id}/tasks/{task_id}")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"task answered {answer.status}")
    return answer.body, answer.etag or ""


@router.post("/{authority}/tasks/{case_id}/{task_id}/complete")
async def complete(
    request: Request, person: Assignee, case_id: CaseId, task_id: TaskId, form: CheckedForm
) -> Response:
    """Mark the task complete, as it was when the list showed it."""
    answer = await person.call(
        "POST",
        f"/cases/cases/{case_id}/tasks/{task_id}/completion",
        if_match=text_of(form, "version") or '""',
    )
    if answer.status == 404:
        raise NotFound()
    notice = "completed" if answer.status == 200 else "stale"
    return see_other(f"{_tasks_home(request)}?notice={notice}")


def _unable_context(
    task: dict[str, Any], version: str, reason: str, errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "task": shown_task(task),
        "version": version,
        "reason": reason,
        "limit": REASON_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
    }


@router.get("/{authority}/tasks/{case_id}/{task_id}/unable")
async def unable_page(
    request: Request, person: Assignee, case_id: CaseId, task_id: TaskId
) -> Response:
    """Tell us why you cannot complete this task, in up to 280 characters."""
    task, version = await _task(person, case_id, task_id)
    if "unable_to_complete" not in task.get("actions", []):
        return see_other(_tasks_home(request))
    return page(request, "tasks/unable.html", _unable_context(task, version, "", {}))


@router.post("/{authority}/tasks/{case_id}/{task_id}/unable")
async def unable(
    request: Request, person: Assignee, case_id: CaseId, task_id: TaskId, form: CheckedForm
) -> Response:
    """Send the reason; a caseworker reviews it."""
    reason = text_of(form, "reason")
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Tell us why you are not able to complete this task")
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = _("The reason must be %(count)s characters or fewer") % {
            "count": REASON_LIMIT
        }
    else:
        answer = await person.call(
            "POST",
            f"/cases/cases/{case_id}/tasks/{task_id}/unable-to-complete",
            body={"reason": reason},
            if_match=text_of(form, "version") or '""',
        )
        if answer.status == 404:
            raise NotFound()
        if answer.status == 200:
            return see_other(f"{_tasks_home(request)}?notice=unable")
        if answer.status != 422:
            return see_other(f"{_tasks_home(request)}?notice=stale")
        errors["reason"] = _("Tell us why you are not able to complete this task")
    task, version = await _task(person, case_id, task_id)
    context = _unable_context(task, version, reason, errors)
    return page(request, "tasks/unable.html", context, status=400)


# The officer's form on a case


def _set_context(
    request: Request, case: dict[str, Any], values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": f"{authority_base(request)}/caseload/{case['id']}",
        "values": values,
        "key": values.get("key") or uuid.uuid4().hex,
        "limit": DESCRIPTION_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
        "error_links": {"target_date": "#target_date-day"},
    }


@router.get("/{authority}/caseload/{case_id}/set-task")
async def set_task_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Set a task for the applicant: what to do, and by when."""
    case = (await reading.read_case(officer, case_id)).body
    return page(request, "tasks/set_task.html", _set_context(request, case, {}, {}))


def _target_date(values: dict[str, str]) -> datetime.date | None:
    try:
        return datetime.date(
            int(values["target_date-year"]),
            int(values["target_date-month"]),
            int(values["target_date-day"]),
        )
    except ValueError:
        return None


@router.post("/{authority}/caseload/{case_id}/set-task")
async def set_task(
    request: Request, officer: Officer, case_id: CaseId, form: CheckedForm
) -> Response:
    """Set the task; the case's page says so."""
    case = (await reading.read_case(officer, case_id)).body
    names = ("title", "description", "target_date-day", "target_date-month", "target_date-year")
    values = {name: text_of(form, name) for name in (*names, "key")}
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = _("Enter the task's title")
    elif len(values["title"]) > TITLE_LIMIT:
        errors["title"] = _("The title must be %(count)s characters or fewer") % {
            "count": TITLE_LIMIT
        }
    if not values["description"]:
        errors["description"] = _("Say what the applicant needs to do")
    elif len(values["description"]) > DESCRIPTION_LIMIT:
        errors["description"] = _("The description must be %(count)s characters or fewer") % {
            "count": DESCRIPTION_LIMIT
        }
    target = _target_date(values)
    if target is None:
        errors["target_date"] = _("Enter the target date as a real date, for example 27 3 2026")
    key = values["key"]
    if not errors and key.isalnum() and len(key) <= 64 and target is not None:
        answer = await officer.call(
            "POST",
            f"/cases/cases/{case_id}/tasks",
            body={
                "title": values["title"],
                "description": values["description"],
                "target_date": target.isoformat(),
                "assignee": "applicant",
            },
            headers={"Idempotency-Key": key},
        )
        if answer.status == 201:
            await session_service(request).note(officer.person.session, "casework:task_set")
            return see_other(f"{authority_base(request)}/caseload/{case_id}")
        errors["title"] = _("The task could not be set: the case is no longer open")
    values["key"] = ""
    return page(
        request, "tasks/set_task.html", _set_context(request, case, values, errors), status=400
    )


# The officer's list of a case's tasks, and the review of one its person could not complete


def _case_tasks_path(request: Request, case_id: str) -> str:
    return f"{authority_base(request)}/caseload/{case_id}/tasks"


@router.get("/{authority}/caseload/{case_id}/tasks")
async def case_tasks(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """Every task of the case, soonest target date first, those to review marked."""
    case = (await reading.read_case(officer, case_id)).body
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await officer.call("GET", f"/cases/cases/{case_id}/tasks", params=params)
    if answer.status == 400 and trail.cursor:
        return see_other(_case_tasks_path(request, case_id))
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"case tasks answered {answer.status}")
    context = {
        "case": case,
        "kind_title": kind_title(str(case.get("kind"))),
        "case_path": f"{authority_base(request)}/caseload/{case_id}",
        "tasks": [shown_task(task) for task in answer.body.get("items", [])],
        "notice": request.query_params.get("notice", ""),
        "paging": trail.links(_case_tasks_path(request, case_id), answer.body.get("next_cursor")),
    }
    return page(request, "tasks/case_tasks.html", context)


def _review_context(
    request: Request,
    task: dict[str, Any],
    version: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    return {
        "task": shown_task(task),
        "version": version,
        "values": values,
        "tasks_path": _case_tasks_path(request, str(task["case_id"])),
        "limit": DESCRIPTION_LIMIT,
        "count_texts": character_count_texts(),
        "errors": errors,
        "error_links": {"decision": "#decision"},
    }


@router.get("/{authority}/caseload/{case_id}/tasks/{task_id}/review")
async def review_page(
    request: Request, officer: Officer, case_id: CaseId, task_id: TaskId
) -> Response:
    """The person's reason; accept it, or set the task again with a note."""
    task, version = await _task(officer, case_id, task_id)
    if "accept" not in task.get("actions", []):
        return see_other(_case_tasks_path(request, case_id))
    return page(request, "tasks/review.html", _review_context(request, task, version, {}, {}))


@router.post("/{authority}/caseload/{case_id}/tasks/{task_id}/review")
async def review(
    request: Request, officer: Officer, case_id: CaseId, task_id: TaskId, form: CheckedForm
) -> Response:
    """Record the review, as the task was when the page showed it."""
    values = {name: text_of(form, name) for name in ("decision", "note")}
    errors: dict[str, str] = {}
    if values["decision"] not in ("accept", "reopen"):
        errors["decision"] = _("Select whether to accept the reason or set the task again")
    elif values["decision"] == "reopen" and not values["note"]:
        errors["note"] = _("Say why the task is set again")
    elif len(values["note"]) > DESCRIPTION_LIMIT:
        errors["note"] = _("The note must be %(count)s characters or fewer") % {
            "count": DESCRIPTION_LIMIT
        }
    else:
        body: dict[str, Any] = {"decision": values["decision"]}
        if values["note"]:
            body["note"] = values["note"]
        answer = await officer.call(
            "POST",
            f"/cases/cases/{case_id}/tasks/{task_id}/review",
            body=body,
            if_match=text_of(form, "version") or '""',
        )
        if answer.status == 404:
            raise NotFound()
        notice = values["decision"] if answer.status == 200 else "stale"
        return see_other(f"{_case_tasks_path(request, case_id)}?notice={notice}")
    task, version = await _task(officer, case_id, task_id)
    context = _review_context(request, task, version, values, errors)
    return page(request, "tasks/review.html", context, status=400)
