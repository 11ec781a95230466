"""Routes for tasks: set on a case by an officer, done or not by their person, reviewed."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from cases.cases.api import CaseForUser
from cases.cases.service import today
from cases.tasks.errors import TaskNotFound
from cases.tasks.models import TaskRecord
from cases.tasks.repository import TaskPosition, Tasks
from cases.tasks.schemas import TaskList, TaskRequest, TaskReview, TaskView, UnableToComplete
from cases.tasks.service import TaskService, task_view
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.idempotency import create_once
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["tasks"], dependencies=AUTHORITY_SCOPED)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]


def task_service(
    stores: StoresDep, authority: ActiveAuthority, client: Client, principal: CurrentPrincipal
) -> TaskService:
    """Tasks of this request's authority, as its caller works on them."""
    return TaskService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        tasks=Tasks(stores.mongo),
        history=stores.history,
    )


TaskServiceDep = Annotated[TaskService, Depends(task_service)]


async def task_for_user(task_id: str, case: CaseForUser, service: TaskServiceDep) -> TaskRecord:
    """The task of the case, if the caller may see it."""
    task = await service.tasks.get(service.slug, case.id, task_id) if len(task_id) <= 64 else None
    if task is None or not service.sees(case, task):
        raise TaskNotFound()
    return task


TaskForUser = Annotated[TaskRecord, Depends(task_for_user)]


def _answer(response: Response, view: TaskView) -> TaskView:
    set_etag(response, view.version)
    return view


def _changing(request: Request, task: TaskRecord) -> TaskRecord:
    require_match(request, task.version)
    return task


@router.post(
    "/cases/{case_id}/tasks",
    response_model=TaskView,
    status_code=status.HTTP_201_CREATED,
    summary="Set a task on a case for its applicant or a landlord's user (Idempotency-Key)",
    responses=declared(401, 403, 404, 409),
)
async def set_task(
    body: TaskRequest,
    case: CaseForUser,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: TaskServiceDep,
) -> TaskView | JSONResponse:
    """Officers only; the case must be open."""
    return await create_once(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=service.slug,
        body=body.model_dump(mode="json"),
        create=lambda once: service.set(case, body, once=once),
        response=response,
    )


@router.get(
    "/cases/{case_id}/tasks",
    response_model=TaskList,
    summary="A case's tasks, soonest target date first",
    responses=declared(400, 401, 404),
)
async def case_tasks(
    case: CaseForUser,
    service: TaskServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> TaskList:
    """Officers see every task; the applicant and the landlord's users their side's (the
    case overview shows the next few with a small limit)."""
    party = service.party(case)
    page = await service.tasks.of_case(
        service.slug,
        case.id,
        assignee=None if party == "staff" else party,
        limit=limit,
        after=TaskPosition.decode(cursor) if cursor else None,
    )
    on = today()
    return TaskList(
        items=[task_view(task, party=party, on=on) for task in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/tasks",
    response_model=TaskList,
    summary="My tasks across all my cases, soonest target date first",
    responses=declared(400, 401),
)
async def my_tasks(
    principal: CurrentPrincipal,
    service: TaskServiceDep,
    state: Annotated[str, Query(pattern="^(open|done)$")] = "open",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> TaskList:
    """Open: waiting for me (overdue ones show so); done: completed or not possible."""
    page = await service.tasks.of_person(
        service.slug,
        principal.user_id,
        open=state == "open",
        limit=limit,
        after=TaskPosition.decode(cursor) if cursor else None,
    )
    on = today()
    # Every task listed is the caller's own: they act on it as its side.
    return TaskList(
        items=[task_view(task, party=task.assignee, on=on) for task in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/cases/{case_id}/tasks/{task_id}",
    response_model=TaskView,
    summary="One task",
    responses=declared(401, 404),
)
async def read_task(
    case: CaseForUser, task: TaskForUser, response: Response, service: TaskServiceDep
) -> TaskView:
    """Its ETag is the version to send back in If-Match."""
    return _answer(response, service.view(case, task))


@router.post(
    "/cases/{case_id}/tasks/{task_id}/completion",
    response_model=TaskView,
    summary="Mark my task complete (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def complete_task(
    case: CaseForUser,
    task: TaskForUser,
    request: Request,
    response: Response,
    service: TaskServiceDep,
) -> TaskView:
    """Only the person the task is for, while it is new or overdue."""
    return _answer(response, await service.complete(case, _changing(request, task)))


@router.post(
    "/cases/{case_id}/tasks/{task_id}/unable-to-complete",
    response_model=TaskView,
    summary="Say why I cannot complete my task (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def unable_to_complete(
    body: UnableToComplete,
    case: CaseForUser,
    task: TaskForUser,
    request: Request,
    response: Response,
    service: TaskServiceDep,
) -> TaskView:
    """A reason of at most 280 characters, which a caseworker reviews."""
    return _answer(response, await service.unable(case, _changing(request, task), body.reason))


@router.post(
    "/cases/{case_id}/tasks/{task_id}/review",
    response_model=TaskView,
    summary="Accept that a task cannot be done, or set it again with a note (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def review_task(
    body: TaskReview,
    case: CaseForUser,
    task: TaskForUser,
    request: Request,
    response: Response,
    service: TaskServiceDep,
) -> TaskView:
    """Officers only; re-opening sets the task back to new."""
    return _answer(response, await service.review(case, _changing(request, task), body))
