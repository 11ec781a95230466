"""Generated documents (letters, plans, application copies) stored by other services.

An internal route, not an event carrying the file: the file is streamed straight into the
file store as it is sent, the caller learns at once whether it was kept (and the document's
id to mention in its own records), and no other service needs the bucket's credentials.
"""

import hmac
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse

from contracts.words import generated_document
from documents.errors import CaseNotFound, FileTypeNotAllowed, StorageUnavailable, UploadTooLarge
from documents.files.models import DocumentRecord, UploadIntent
from documents.files.names import clean_file_name
from documents.files.uploads import uploaded_event
from documents.files.views import document_view
from documents.filetypes import SNIFF_BYTES, accept
from documents.schemas import DocumentView
from documents.storage import ObjectWriter
from documents.wiring import DocumentStores, StoresDep
from kit import logs
from kit.authorities import ActiveAuthority
from kit.errors import Unauthorized
from kit.idempotency import Once
from kit.mongo import Session
from kit.responses import declared

log = logs.get_logger("documents.generated")

INTERNAL_KEY_HEADER = "x-internal-key"
# A generated PDF is small; this bounds what an internal caller can send.
MAX_GENERATED_BYTES = 50 * 1024 * 1024
GENERATED_KINDS: dict[str, str] = dict(generated_document.words)
GeneratedKind = Literal["letter", "housing_plan", "application"]


def internal_caller(request: Request, stores: StoresDep) -> str:
    """The calling service, if it sent the shared internal key."""
    sent = request.headers.get(INTERNAL_KEY_HEADER, "")
    if not sent or not hmac.compare_digest(sent.encode(), stores.settings.internal_key.encode()):
        raise Unauthorized("This route is for the portal's own services.", code="internal_only")
    return "cases"


router = APIRouter(tags=["internal"], include_in_schema=False)


@router.post(
    "/internal/cases/{case_id}/documents",
    response_model=DocumentView,
    status_code=status.HTTP_201_CREATED,
    responses=declared(401, 404),
)
async def store_generated(
    case_id: str,
    request: Request,
    stores: StoresDep,
    authority: ActiveAuthority,
    caller: Annotated[str, Depends(internal_caller)],
    kind: Annotated[GeneratedKind, Query()],
    file_name: Annotated[str, Query(min_length=1, max_length=255)],
    description: Annotated[str, Query(max_length=500)] = "",
    shared_with_landlord: bool = False,
) -> DocumentView | JSONResponse:
    """The request body is the PDF itself; it is listed and downloaded like any document."""
    if len(case_id) != 32 or not all(c in "0123456789abcdef" for c in case_id):
        raise CaseNotFound()
    once = Once.of(
        request,
        stores.idempotency,
        caller=caller,
        authority=authority.slug,
        body={"case_id": case_id, "kind": kind, "file_name": file_name},
        status=status.HTTP_201_CREATED,
    )
    earlier = await once.earlier()
    if earlier is not None:
        return earlier
    document_id = uuid.uuid4().hex
    key = stores.files.key(authority.slug, document_id)
    now = datetime.now(UTC)
    start = bytearray()
    writer = None
    size = 0
    labels = {**stores.settings.classifications_of(authority.slug), **GENERATED_KINDS}
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_GENERATED_BYTES:
                raise UploadTooLarge()
            if writer is None:
                start += chunk
                if len(start) < SNIFF_BYTES:
                    continue
                writer = await _begin(stores, bytes(start), authority.slug, document_id, key, now)
            else:
                await writer.write(chunk)
        if writer is None:
            writer = await _begin(stores, bytes(start), authority.slug, document_id, key, now)
        stored = await writer.finish()
        record = DocumentRecord(
            id=document_id,
            authority=authority.slug,
            case_id=case_id,
            key=key,
            file_name=clean_file_name(file_name, extension=".pdf"),
            content_type="application/pdf",
            size=stored.size,
            sha256=stored.sha256,
            person=None,
            description=description,
            classification=kind,
            sensitive=False,
            shared_with_landlord=shared_with_landlord,
            source="generated",
            uploaded_by="system",
            uploader_role="system",
            created_at=now,
            updated_at=now,
        )
        view = document_view(record, labels=labels)

        async def work(session: Session) -> None:
            await stores.documents.add(record, session=session)
            await stores.outbox.add(
                session, uploaded_event(record), authority=authority.slug, subject=case_id
            )
            await stores.intents.finish([document_id], session=session)
            await once.remember(session, view)

        await stores.mongo.transaction(work)
        return view
    except BaseException as exc:
        if writer is not None:
            await writer.abort()
            try:
                await stores.files.remove(key)
                await stores.intents.finish([document_id])
            except Exception:
                log.warning("generated file not removed; the sweep will", extra={"key": key})
        if isinstance(exc, Exception) and not isinstance(exc, (UploadTooLarge, FileTypeNotAllowed)):
            if hasattr(exc, "status"):
                raise
            raise StorageUnavailable() from exc
        raise


async def _begin(
    stores: DocumentStores, start: bytes, authority: str, document_id: str, key: str, now: datetime
) -> ObjectWriter:
    if accept(start, file_name="generated.pdf", allowed=frozenset({".pdf"})) is None:
        raise FileTypeNotAllowed("Generated documents are PDFs.")
    await stores.intents.start(
        UploadIntent(id=document_id, authority=authority, key=key, started_at=now)
    )
    writer = stores.files.writer(key, "application/pdf")
    await writer.write(start)
    return writer
