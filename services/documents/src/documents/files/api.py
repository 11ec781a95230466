"""Routes for documents: upload, list, read, download, verify, reject, share, withdraw."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from documents.dependencies import CaseForUser
from documents.errors import StorageUnavailable, UploadTooLarge
from documents.files.models import DocumentRecord
from documents.files.names import content_disposition
from documents.files.service import CaseDocuments
from documents.files.uploads import Repeated, Upload
from documents.files.views import document_view
from documents.filetypes import accepted_extensions
from documents.forms import ClientGone, form_events
from documents.schemas import (
    ClassificationView,
    DocumentList,
    DocumentPage,
    DocumentView,
    Rejection,
    Sharing,
    UploadLimits,
)
from documents.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.errors import ErrorBody, error_response
from kit.idempotency import Once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared
from kit.uploads import MAX_FILES_PER_UPLOAD

router = APIRouter(tags=["documents"], dependencies=AUTHORITY_SCOPED)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]


def case_documents(
    case: CaseForUser, stores: StoresDep, authority: ActiveAuthority, principal: CurrentPrincipal
) -> CaseDocuments:
    """The documents of the case in the path, as the caller works on them."""
    return CaseDocuments(stores=stores, authority=authority.slug, principal=principal, case=case)


CaseDocumentsDep = Annotated[CaseDocuments, Depends(case_documents)]


async def visible_document(document_id: str, documents: CaseDocumentsDep) -> DocumentRecord:
    """The document in the path, if the caller may see it."""
    return await documents.visible(document_id)


VisibleDocument = Annotated[DocumentRecord, Depends(visible_document)]


def _labels(stores: StoresDep, authority: ActiveAuthority) -> dict[str, str]:
    return stores.settings.classifications_of(authority.slug)


Labels = Annotated[dict[str, str], Depends(_labels)]


def _answer(response: Response, view: DocumentView) -> DocumentView:
    set_etag(response, view.version)
    return view


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["documents", "files"],
                    "properties": {
                        "documents": {
                            "type": "string",
                            "description": "A JSON list of UploadItem (see the schemas), one "
                            "per file, in the order of the files; sent before them.",
                            "maxLength": 65536,
                        },
                        "files": {
                            "type": "array",
                            "maxItems": MAX_FILES_PER_UPLOAD,
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                },
                "encoding": {"documents": {"contentType": "application/json"}},
            }
        },
    }
}


@router.get(
    "/limits",
    response_model=UploadLimits,
    summary="What this housing service accepts as uploads",
    responses=declared(401, 404),
)
async def limits(authority: ActiveAuthority, labels: Labels, _: CurrentPrincipal) -> UploadLimits:
    """The largest file, the file types judged by content, and the classifications."""
    return UploadLimits(
        max_bytes=authority.uploads.max_bytes,
        max_files=MAX_FILES_PER_UPLOAD,
        allowed_extensions=sorted(accepted_extensions(authority)),
        classifications=[
            ClassificationView(code=code, label=label) for code, label in labels.items()
        ],
    )


@router.post(
    "/cases/{case_id}/documents",
    response_model=DocumentList,
    status_code=status.HTTP_201_CREATED,
    summary="Upload one or several files to a case (multipart; Idempotency-Key)",
    responses={
        413: {"model": ErrorBody, "description": "A file, or the upload, is too large"},
        415: {"model": ErrorBody, "description": "A file's type (by content) is not accepted"},
        **declared(400, 401, 403, 404, 409),
    },
    openapi_extra=_UPLOAD_BODY,
)
async def upload(
    request: Request,
    case: CaseForUser,
    stores: StoresDep,
    authority: ActiveAuthority,
    principal: CurrentPrincipal,
) -> DocumentList | JSONResponse:
    """Each file streams to the file store while it is checked; if any is refused, nothing
    is kept and the answer names the file and why."""

    def once(body: dict[str, Any]) -> Once:
        return Once.of(
            request,
            stores.idempotency,
            caller=principal.user_id,
            authority=authority.slug,
            body={"case_id": case.id, **body},
            status=status.HTTP_201_CREATED,
        )

    receiving = Upload(stores, authority=authority, principal=principal, case=case, once=once)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > receiving.body_limit:
        raise UploadTooLarge(
            "The upload is larger than this housing service accepts. Nothing was kept."
        )
    try:
        return await receiving.receive(form_events(request, max_body=receiving.body_limit))
    except Repeated as repeated:
        answer: JSONResponse = repeated.answer
        return answer
    except ClientGone:
        return error_response(400, "client_gone", "The upload ended early; nothing was kept.")


@router.get(
    "/cases/{case_id}/documents",
    response_model=DocumentPage,
    summary="A case's documents with their state, newest first",
    responses=declared(400, 401, 404),
)
async def list_documents(
    documents: CaseDocumentsDep, labels: Labels, limit: Limit = 20, cursor: Cursor = None
) -> DocumentPage:
    """Sensitive documents only to officers and their uploader; landlords what was shared."""
    page = await documents.page(limit=limit, cursor=Position.decode(cursor) if cursor else None)
    return DocumentPage(
        items=[document_view(record, labels=labels) for record in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/cases/{case_id}/documents/{document_id}",
    response_model=DocumentView,
    summary="One document and its state",
    responses=declared(401, 404),
)
async def read_document(
    document: VisibleDocument, labels: Labels, response: Response
) -> DocumentView:
    """Its ETag is the version to send in If-Match."""
    return _answer(response, document_view(document, labels=labels))


@router.get(
    "/cases/{case_id}/documents/{document_id}/file",
    summary="Download the file, with the name it was uploaded with",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        **declared(401, 404),
    },
)
async def download(document: VisibleDocument, stores: StoresDep) -> StreamingResponse:
    """Always an attachment, never sniffed by the browser."""
    try:
        chunks = await stores.files.open(document.key)
    except Exception as exc:
        raise StorageUnavailable("The file cannot be read right now; try again.") from exc
    return StreamingResponse(
        chunks,
        media_type=document.content_type,
        headers={
            "Content-Disposition": content_disposition(document.file_name),
            "Content-Length": str(document.size),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/cases/{case_id}/documents/{document_id}/verify",
    response_model=DocumentView,
    summary="Mark a document verified (officers; If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def verify(
    request: Request,
    response: Response,
    document: VisibleDocument,
    documents: CaseDocumentsDep,
    labels: Labels,
) -> DocumentView:
    """The applicant then sees it verified."""
    require_match(request, document.version)
    return _answer(response, document_view(await documents.verify(document), labels=labels))


@router.post(
    "/cases/{case_id}/documents/{document_id}/reject",
    response_model=DocumentView,
    summary="Reject a document with a reason, asking for a new one (officers; If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def reject(
    body: Rejection,
    request: Request,
    response: Response,
    document: VisibleDocument,
    documents: CaseDocumentsDep,
    labels: Labels,
) -> DocumentView:
    """The request it supplied, if any, is open again."""
    require_match(request, document.version)
    rejected = await documents.reject(document, body.reason)
    return _answer(response, document_view(rejected, labels=labels))


@router.put(
    "/cases/{case_id}/documents/{document_id}/sharing",
    response_model=DocumentView,
    summary="Share a document with the complaint's landlord users, or stop (officers; If-Match)",
    responses=declared(400, 401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def share(
    body: Sharing,
    request: Request,
    response: Response,
    document: VisibleDocument,
    documents: CaseDocumentsDep,
    labels: Labels,
) -> DocumentView:
    """Sensitive documents are never shared; what a landlord's user sent stays shared."""
    require_match(request, document.version)
    shared = await documents.share(document, shared=body.shared_with_landlord)
    return _answer(response, document_view(shared, labels=labels))


@router.delete(
    "/cases/{case_id}/documents/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Withdraw a document not yet verified (its uploader; If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def withdraw(
    request: Request, document: VisibleDocument, documents: CaseDocumentsDep
) -> Response:
    """Removes the record and the file; a request it supplied is open again."""
    require_match(request, document.version)
    await documents.withdraw(document)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
