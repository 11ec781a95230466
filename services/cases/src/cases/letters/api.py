"""Routes for letters: issue on a case, list a case's or one's own, open the PDF, acknowledge."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from cases.cases.api import CaseForUser
from cases.cases.policy import audience
from cases.generated_documents import GeneratedDocuments
from cases.letters.errors import LetterNotFound
from cases.letters.models import LetterRecord
from cases.letters.policy import may_see
from cases.letters.repository import Letters
from cases.letters.schemas import LetterList, LetterRequest, LetterView
from cases.letters.service import LetterService, letter_view
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import set_etag
from kit.idempotency import create_once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["letters"], dependencies=AUTHORITY_SCOPED)

GENERATED_DOCUMENTS_KEY = "generated-documents"
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]


def letters_of(stores: StoresDep) -> Letters:
    """The letters store."""
    return Letters(stores.mongo)


LettersDep = Annotated[Letters, Depends(letters_of)]


def generated_documents(request: Request, stores: StoresDep) -> GeneratedDocuments:
    """The worker's one client of the documents service, made on first use."""
    extras = request.app.state.runtime.extras
    client = extras.get(GENERATED_DOCUMENTS_KEY)
    if not isinstance(client, GeneratedDocuments):
        client = GeneratedDocuments(
            stores.settings.documents_url, internal_key=stores.settings.documents_internal_key
        )
        extras[GENERATED_DOCUMENTS_KEY] = client
    return client


def letter_service(
    stores: StoresDep,
    letters: LettersDep,
    documents: Annotated[GeneratedDocuments, Depends(generated_documents)],
    authority: ActiveAuthority,
    client: Client,
    principal: CurrentPrincipal,
) -> LetterService:
    """Letters of this request's authority, as its caller works on them."""
    return LetterService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        letters=letters,
        history=stores.history,
        documents=documents,
    )


ServiceDep = Annotated[LetterService, Depends(letter_service)]


async def visible_letter(
    letter_id: str, case: CaseForUser, letters: LettersDep, principal: CurrentPrincipal
) -> LetterRecord:
    """The letter in the path, if it is of the case and the caller may see it."""
    found = await letters.get(case.authority, letter_id)
    if found is None or not may_see(principal, case, found):
        raise LetterNotFound()
    return found


VisibleLetter = Annotated[LetterRecord, Depends(visible_letter)]


@router.post(
    "/cases/{case_id}/letters",
    response_model=LetterView,
    status_code=status.HTTP_201_CREATED,
    summary="Issue a letter on a case (Idempotency-Key)",
    responses=declared(401, 403, 404),
)
async def issue(
    body: LetterRequest,
    case: CaseForUser,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: ServiceDep,
) -> LetterView | JSONResponse:
    """Rendered in the applicant's language as a tagged PDF, kept with the case's documents."""
    return await create_once(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=case.authority,
        body={"case_id": case.id, **body.model_dump(mode="json")},
        create=lambda once: service.issue(case, body, once=once),
        response=response,
    )


@router.get(
    "/cases/{case_id}/letters",
    response_model=LetterList,
    summary="A case's letters, newest first",
    responses=declared(400, 401, 404),
)
async def case_letters(
    case: CaseForUser,
    letters: LettersDep,
    principal: CurrentPrincipal,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> LetterList:
    """Officers see every letter with when it was opened and acknowledged; the applicant the
    letters to them."""
    query = {"case_id": case.id}
    if audience(principal) != "staff":
        query["person_id"] = principal.user_id
    page = await letters.page(
        case.authority, query, limit=limit, cursor=Position.decode(cursor) if cursor else None
    )
    return LetterList(
        items=[letter_view(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/letters",
    response_model=LetterList,
    summary="My letters on every case, newest first",
    responses=declared(400, 401),
)
async def my_letters(
    authority: ActiveAuthority,
    letters: LettersDep,
    principal: CurrentPrincipal,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> LetterList:
    """NEW until opened."""
    page = await letters.page(
        authority.slug,
        {"person_id": principal.user_id},
        limit=limit,
        cursor=Position.decode(cursor) if cursor else None,
    )
    return LetterList(
        items=[letter_view(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/cases/{case_id}/letters/{letter_id}",
    response_model=LetterView,
    summary="One letter",
    responses=declared(401, 404),
)
async def read_letter(letter: VisibleLetter, response: Response) -> LetterView:
    """Who created it, when, and when it was opened and acknowledged."""
    view = letter_view(letter)
    set_etag(response, view.version)
    return view


@router.get(
    "/cases/{case_id}/letters/{letter_id}/pdf",
    summary="Open the letter: its PDF (the first opening by its recipient is recorded)",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A tagged PDF"},
        **declared(401, 404),
    },
)
async def open_letter(
    letter: VisibleLetter,
    case: CaseForUser,
    request: Request,
    service: ServiceDep,
    documents: Annotated[GeneratedDocuments, Depends(generated_documents)],
) -> StreamingResponse:
    """Read from the case's documents as the caller; opened once it could be read."""
    opened = await documents.open(
        authority=case.authority,
        case_id=case.id,
        document_id=letter.document_id,
        authorization=request.headers.get("authorization", ""),
    )
    await service.opened(case, letter)
    headers = {
        "Content-Disposition": f'inline; filename="letter-{letter.reference}.pdf"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if opened.size is not None:
        headers["Content-Length"] = opened.size
    return StreamingResponse(opened.chunks, media_type="application/pdf", headers=headers)


@router.post(
    "/cases/{case_id}/letters/{letter_id}/acknowledge",
    response_model=LetterView,
    summary="Acknowledge a letter (asking again changes nothing)",
    responses=declared(401, 403, 404),
)
async def acknowledge(
    letter: VisibleLetter, case: CaseForUser, response: Response, service: ServiceDep
) -> LetterView:
    """Only the person the letter is to; the officer sees when."""
    view = await service.acknowledge(case, letter)
    set_etag(response, view.version)
    return view
