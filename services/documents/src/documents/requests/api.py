"""Routes for document requests: documents required and supplied on a case."""

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from documents.dependencies import CaseForUser
from documents.requests.service import create_request, list_requests
from documents.schemas import RequestCreate, RequestList, RequestView
from documents.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.concurrency import set_etag
from kit.idempotency import Once
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["document requests"], dependencies=AUTHORITY_SCOPED)


@router.post(
    "/cases/{case_id}/requests",
    response_model=RequestView,
    status_code=status.HTTP_201_CREATED,
    summary="Ask for a document on a case (officers; Idempotency-Key)",
    responses=declared(401, 403, 404),
)
async def create(
    body: RequestCreate,
    request: Request,
    response: Response,
    case: CaseForUser,
    stores: StoresDep,
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
) -> RequestView | JSONResponse:
    """For a person on the case, with a due date and a note."""
    once = Once.of(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=authority.slug,
        body={"case_id": case.id, **body.model_dump(mode="json")},
        status=status.HTTP_201_CREATED,
    )
    labels = stores.settings.classifications_of(authority.slug)
    created = await once.run(
        lambda: create_request(
            stores,
            body,
            authority=authority.slug,
            principal=principal,
            case=case,
            labels=labels,
            once=once,
        )
    )
    if isinstance(created, RequestView):
        set_etag(response, created.version)
    return created


@router.get(
    "/cases/{case_id}/requests",
    response_model=RequestList,
    summary="Documents required and supplied on a case, with the counts",
    responses=declared(401, 404),
)
async def list_for_case(
    case: CaseForUser, stores: StoresDep, authority: ActiveAuthority
) -> RequestList:
    """Oldest first; "2 of 5 supplied" is `supplied` of `total`."""
    labels = stores.settings.classifications_of(authority.slug)
    return await list_requests(stores, authority=authority.slug, case=case, labels=labels)
