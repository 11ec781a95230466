"""Routes for cases: kinds offered, applications, casework, lists and history."""

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from cases.cases.catalogue import kind_view
from cases.cases.documents_history import shown_to
from cases.cases.kinds import KINDS, offered
from cases.cases.models import CaseRecord
from cases.cases.pdf import application_pdf
from cases.cases.policy import can_see
from cases.cases.schemas import (
    ActionRequest,
    AnswersChange,
    CaseList,
    CaseRequest,
    CaseView,
    CircumstancesRequest,
    ContactChange,
    HistoryList,
    HouseholdChange,
    KindList,
    OwnerChange,
    Rejection,
    StageChange,
)
from cases.cases.service import CaseService
from cases.cases.views import history_view, summary
from cases.errors import CaseNotFound
from cases.wiring import StoresDep
from contracts.fields import Language
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.idempotency import Once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["cases"], dependencies=AUTHORITY_SCOPED)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]


def case_service(
    stores: StoresDep, authority: ActiveAuthority, client: Client, principal: CurrentPrincipal
) -> CaseService:
    """Cases of this request's authority, as its caller works on them."""
    return CaseService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        cases=stores.cases,
        history=stores.history,
        references=stores.references,
        draft_days=stores.settings.draft_days_of(authority.slug),
    )


CaseServiceDep = Annotated[CaseService, Depends(case_service)]


async def case_for_user(
    case_id: str, stores: StoresDep, authority: ActiveAuthority, principal: CurrentPrincipal
) -> CaseRecord:
    """The case, if it is of this authority, of a kind it offers, and the caller may see it."""
    if len(case_id) != 32 or not all(c in "0123456789abcdef" for c in case_id):
        raise CaseNotFound()
    case = await stores.cases.get(authority.slug, case_id)
    if (
        case is None
        or KINDS[case.kind].module not in authority.modules
        or not can_see(principal, case)
    ):
        raise CaseNotFound()
    return case


CaseForUser = Annotated[CaseRecord, Depends(case_for_user)]


def changing(request: Request, case: CaseRecord) -> CaseRecord:
    """The case, if If-Match names the version the caller read.

    Called in the handler, after the body was checked: a bad body is a 422 whatever the
    If-Match."""
    require_match(request, case.version)
    return case


def _answer(response: Response, view: CaseView) -> CaseView:
    set_etag(response, view.version)
    return view


@router.get(
    "/kinds",
    response_model=KindList,
    summary="The kinds of application offered here",
    responses=declared(401, 404),
)
async def list_kinds(authority: ActiveAuthority, _: CurrentPrincipal) -> KindList:
    """Each with its questions, statuses and transitions."""
    return KindList(items=[kind_view(kind) for kind in offered(list(authority.modules))])


@router.post(
    "/cases",
    response_model=CaseView,
    status_code=status.HTTP_201_CREATED,
    summary="Start an application (Idempotency-Key)",
    responses=declared(401, 403, 404),
)
async def create_case(
    body: CaseRequest,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    authority: ActiveAuthority,
    stores: StoresDep,
    service: CaseServiceDep,
) -> CaseView | JSONResponse:
    """Kept as a draft to finish later, or submitted at once; a kind not offered is a 404."""
    once = Once.of(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=authority.slug,
        body=body.model_dump(mode="json"),
        status=status.HTTP_201_CREATED,
    )
    created = await once.run(lambda: service.create(body, once=once))
    if isinstance(created, CaseView):
        set_etag(response, created.version)
    return created


@router.get(
    "/cases",
    response_model=CaseList,
    summary="My applications, open or closed",
    responses=declared(400, 401),
)
async def my_cases(
    principal: CurrentPrincipal,
    authority: ActiveAuthority,
    stores: StoresDep,
    state: Annotated[str, Query(pattern="^(open|closed)$")] = "open",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> CaseList:
    """Newest first; closed ones show their closed date."""
    page = await stores.cases.of_applicant(
        authority.slug,
        principal.user_id,
        open=state == "open",
        limit=limit,
        cursor=Position.decode(cursor) if cursor else None,
    )
    return CaseList(items=[summary(case) for case in page.items], next_cursor=page.next_cursor)


@router.get(
    "/cases/{case_id}",
    response_model=CaseView,
    summary="One case: overview, details, owner, status, deadlines",
    responses=declared(401, 404),
)
async def read_case(case: CaseForUser, response: Response, service: CaseServiceDep) -> CaseView:
    """Its ETag is the version to send back in If-Match."""
    return _answer(response, service.view(case))


@router.get(
    "/cases/{case_id}/pdf",
    summary="The application as an accessible PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A tagged PDF"},
        **declared(401, 404),
    },
)
async def case_pdf(
    case: CaseForUser,
    authority: ActiveAuthority,
    service: CaseServiceDep,
    language: Annotated[
        Language | None,
        Query(description="English or Welsh; by default the language the applicant uses."),
    ] = None,
) -> Response:
    """What was answered, the household, status and deadlines, as the caller may see them."""
    pdf = await application_pdf(
        service.view(case), authority_name=authority.name, language=language or case.language
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="application-{case.reference}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/cases/{case_id}/history",
    response_model=HistoryList,
    summary="What happened to the case, a page at a time, oldest or newest first",
    responses=declared(400, 401, 404),
)
async def case_history(
    case: CaseForUser,
    stores: StoresDep,
    principal: CurrentPrincipal,
    order: Annotated[Literal["oldest", "newest"], Query()] = "oldest",
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    cursor: Annotated[str | None, Query(min_length=1, max_length=400)] = None,
) -> HistoryList:
    """Who did what, when, from which status to which, and why: the entries the caller may
    see, a page at a time, oldest first or newest first."""
    page = await stores.history.timeline(
        case.authority,
        case.id,
        # Entries are made with the case or after it; the margin allows for clocks.
        since=case.created_at - timedelta(minutes=1),
        newest=order == "newest",
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
        shown=lambda entry: shown_to(principal, entry),
    )
    return HistoryList(
        items=[history_view(entry) for entry in page.items], next_cursor=page.next_cursor
    )


@router.patch(
    "/cases/{case_id}/answers",
    response_model=CaseView,
    summary="Answer a draft's questions (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def change_answers(
    body: AnswersChange,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """Answers not named stay as they were."""
    return _answer(response, await service.change_answers(changing(request, case), body.answers))


@router.put(
    "/cases/{case_id}/household",
    response_model=CaseView,
    summary="Replace the household (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def change_household(
    body: HouseholdChange,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """A live register application changes its household by a change of circumstances."""
    return _answer(
        response, await service.change_household(changing(request, case), body.household)
    )


@router.put(
    "/cases/{case_id}/contact",
    response_model=CaseView,
    summary="Replace the contact details (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def change_contact(
    body: ContactChange,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """Never suspends the application."""
    return _answer(response, await service.change_contact(changing(request, case), body.contact))


@router.post(
    "/cases/{case_id}/actions",
    response_model=CaseView,
    summary="Take a transition of the case's kind (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def take_action(
    body: ActionRequest,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """Refused unless the kind declares it from the case's status for the caller."""
    return _answer(response, await service.act(changing(request, case), body))


@router.put(
    "/cases/{case_id}/owner",
    response_model=CaseView,
    summary="Assign the case to an officer (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def assign_case(
    body: OwnerChange,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """Null leaves it unassigned."""
    return _answer(response, await service.assign(changing(request, case), body.owner_id))


@router.put(
    "/cases/{case_id}/stage",
    response_model=CaseView,
    summary="Record a complaint's stage (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def set_stage(
    body: StageChange,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """One of the stages the kind declares."""
    return _answer(response, await service.set_stage(changing(request, case), body.stage))


@router.post(
    "/cases/{case_id}/circumstances",
    response_model=CaseView,
    summary="Tell us about a change of circumstances (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def submit_change(
    body: CircumstancesRequest,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """The live application is suspended (no bidding) until an officer verifies the change."""
    view = await service.submit_change(
        changing(request, case), note=body.note, household=body.household, answers=body.answers
    )
    return _answer(response, view)


@router.post(
    "/cases/{case_id}/circumstances/verification",
    response_model=CaseView,
    summary="Verify the change of circumstances (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def verify_change(
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """The change stands and the application is live again."""
    return _answer(response, await service.verify_change(changing(request, case)))


@router.post(
    "/cases/{case_id}/circumstances/rejection",
    response_model=CaseView,
    summary="Reject the change of circumstances (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def reject_change(
    body: Rejection,
    case: CaseForUser,
    request: Request,
    response: Response,
    service: CaseServiceDep,
) -> CaseView:
    """The change is dropped with the reason, and the application is live again."""
    return _answer(response, await service.reject_change(changing(request, case), body.reason))
