"""Routes for a homelessness case's Personal Housing Plan: officers write and issue it, its
applicant reads it, agrees to it or not, works on it and asks for a review."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from cases.cases.api import CaseForUser
from cases.cases.service import today
from cases.plans.errors import VersionNotFound
from cases.plans.models import PlanRecord
from cases.plans.pdf import PlanDocument, plan_pdf
from cases.plans.repository import Plans, PlanVersions
from cases.plans.schemas import (
    ActionChange,
    ActionRequest,
    AgreementRequest,
    AssessmentBody,
    PlanList,
    PlanView,
    StartRequest,
    VersionItem,
    VersionList,
)
from cases.plans.service import PlanService, plan_view, summary_of
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.idempotency import Once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["plans"], dependencies=AUTHORITY_SCOPED)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]
ActionId = Annotated[str, Path(min_length=1, max_length=64)]
IssueNumber = Annotated[int, Path(ge=1, le=100000)]
PLAN = "/cases/{case_id}/plan"


def plan_service(
    stores: StoresDep, authority: ActiveAuthority, client: Client, principal: CurrentPrincipal
) -> PlanService:
    """Plans of this request's authority, as its caller works on them."""
    return PlanService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        plans=Plans(stores.mongo),
        versions=PlanVersions(stores.mongo),
        history=stores.history,
    )


ServiceDep = Annotated[PlanService, Depends(plan_service)]


async def visible_plan(case: CaseForUser, service: ServiceDep) -> PlanRecord:
    """The case's plan, if the caller may see it."""
    return await service.visible(case)


VisiblePlan = Annotated[PlanRecord, Depends(visible_plan)]


def _changing(request: Request, plan: PlanRecord) -> PlanRecord:
    """The plan, if the change was made from its current version (If-Match); checked in the
    route, once the body is known to be valid."""
    require_match(request, plan.version)
    return plan


def _answer(response: Response, view: PlanView) -> PlanView:
    set_etag(response, view.version)
    return view


@router.post(
    PLAN,
    response_model=PlanView,
    status_code=status.HTTP_201_CREATED,
    summary="Start the case's Personal Housing Plan as a draft (Idempotency-Key)",
    responses=declared(401, 403, 404, 409),
)
async def start_plan(
    case: CaseForUser,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: ServiceDep,
    body: StartRequest | None = None,
) -> PlanView | JSONResponse:
    """Officers only, on an open homelessness case without a plan."""
    start = body or StartRequest()
    once = Once.of(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=service.slug,
        body={"case_id": case.id, **start.model_dump(mode="json")},
        status=status.HTTP_201_CREATED,
    )
    created = await once.run(lambda: service.start(case, start, once=once))
    if isinstance(created, PlanView):
        set_etag(response, created.version)
    return created


@router.get(
    PLAN,
    response_model=PlanView,
    summary="The case's Personal Housing Plan",
    responses=declared(401, 404),
)
async def read_plan(
    case: CaseForUser, plan: VisiblePlan, response: Response, service: ServiceDep
) -> PlanView:
    """Officers see the live plan; the applicant the plan as last issued to them (not found
    before it first is). Its ETag is the version to send back in If-Match."""
    return _answer(response, service.view(case, plan))


@router.put(
    f"{PLAN}/assessment",
    response_model=PlanView,
    summary="Replace the plan's assessment (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def replace_assessment(
    body: AssessmentBody,
    case: CaseForUser,
    plan: VisiblePlan,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """Officers only; the plan is a draft until it is issued again."""
    return _answer(response, await service.change_assessment(case, _changing(request, plan), body))


@router.post(
    f"{PLAN}/actions",
    response_model=PlanView,
    status_code=status.HTTP_201_CREATED,
    summary="Add an action to the plan (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def add_action(
    body: ActionRequest,
    case: CaseForUser,
    plan: VisiblePlan,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """Officers add any action (the plan becomes a draft); the applicant one of their own to
    an issued plan."""
    return _answer(response, await service.add_action(case, _changing(request, plan), body))


@router.patch(
    f"{PLAN}/actions/{{action_id}}",
    response_model=PlanView,
    summary="Change an action of the plan (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def change_action(
    action_id: ActionId,
    body: ActionChange,
    case: CaseForUser,
    plan: VisiblePlan,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """Officers change any field (the plan becomes a draft); the applicant the progress and
    notes of their own actions while the plan is issued."""
    return _answer(
        response, await service.change_action(case, _changing(request, plan), action_id, body)
    )


@router.delete(
    f"{PLAN}/actions/{{action_id}}",
    response_model=PlanView,
    summary="Remove an action from the plan (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def remove_action(
    action_id: ActionId,
    case: CaseForUser,
    plan: VisiblePlan,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """Officers remove any action (the plan becomes a draft); the applicant one they added."""
    return _answer(response, await service.remove_action(case, _changing(request, plan), action_id))


@router.post(
    f"{PLAN}/issue",
    response_model=PlanView,
    summary="Issue the plan, or issue it again (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def issue_plan(
    case: CaseForUser, plan: VisiblePlan, request: Request, response: Response, service: ServiceDep
) -> PlanView:
    """Officers only; the plan needs an action. Each issue is kept as a version."""
    return _answer(response, await service.issue(case, _changing(request, plan)))


@router.post(
    f"{PLAN}/agreement",
    response_model=PlanView,
    summary="Agree to the plan, or say why not (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def agree_to_plan(
    body: AgreementRequest,
    case: CaseForUser,
    plan: VisiblePlan,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """The applicant only, while the plan is issued; a reason is needed to disagree."""
    return _answer(response, await service.agree(case, _changing(request, plan), body))


@router.post(
    f"{PLAN}/review-request",
    response_model=PlanView,
    summary="Ask the caseworker to review the plan (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def ask_for_review(
    case: CaseForUser, plan: VisiblePlan, request: Request, response: Response, service: ServiceDep
) -> PlanView:
    """The applicant only, while the plan is issued."""
    return _answer(response, await service.ask_for_review(case, _changing(request, plan)))


@router.get(
    f"{PLAN}/versions",
    response_model=VersionList,
    summary="The plan's issues, newest first",
    responses=declared(400, 401, 404),
)
async def plan_versions(
    case: CaseForUser,
    plan: VisiblePlan,
    service: ServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> VersionList:
    """Every time the plan was issued, and by whom."""
    page = await service.versions.of_case(
        service.slug, case.id, limit=limit, after=Position.decode(cursor) if cursor else None
    )
    return VersionList(
        items=[
            VersionItem(
                issue_number=item.issue_number, issued_at=item.issued_at, issued_by=item.issued_by
            )
            for item in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    f"{PLAN}/versions/{{issue_number}}",
    response_model=PlanView,
    summary="The plan as it was issued that time",
    responses=declared(401, 404),
)
async def plan_version(
    issue_number: IssueNumber,
    case: CaseForUser,
    plan: VisiblePlan,
    response: Response,
    service: ServiceDep,
) -> PlanView:
    """Read only: its version is the live plan's."""
    found = await service.versions.get(service.slug, case.id, issue_number)
    if found is None:
        raise VersionNotFound()
    return _answer(response, plan_view(plan, found.plan, on=today()))


@router.get(
    f"{PLAN}/pdf",
    summary="The plan as a tagged, accessible PDF in the case's language",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A tagged PDF"},
        **declared(401, 404),
    },
)
async def plan_as_pdf(
    case: CaseForUser, plan: VisiblePlan, service: ServiceDep, authority: ActiveAuthority
) -> Response:
    """The plan as the caller sees it."""
    view = service.view(case, plan)
    pdf = await plan_pdf(
        PlanDocument(plan=view, language=case.language, issued_on=today()), authority=authority
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="plan-{case.reference}.pdf"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/plans",
    response_model=PlanList,
    summary="My Personal Housing Plans across my cases, most recently issued first",
    responses=declared(400, 401),
)
async def my_plans(
    principal: CurrentPrincipal,
    service: ServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> PlanList:
    """Plans issued to me, as I see them."""
    page = await service.plans.of_reader(
        service.slug,
        principal.user_id,
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
    )
    on = today()
    items = [summary_of(plan, on=on) for plan in page.items]
    return PlanList(
        items=[item for item in items if item is not None], next_cursor=page.next_cursor
    )
