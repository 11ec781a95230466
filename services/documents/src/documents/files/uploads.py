"""Receiving an upload: each file streamed to the file store while it is counted, hashed and
its type checked; the records saved only once every file is whole; nothing kept otherwise."""

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from contracts.events.documents import DocumentUploaded, RequestFulfilled
from documents.cases import CaseFacts
from documents.errors import (
    FileTypeNotAllowed,
    NotYoursToDo,
    RequestAlreadySupplied,
    RequestNotFound,
    StorageUnavailable,
    UploadRefused,
    UploadTooLarge,
)
from documents.files.models import DocumentRecord, UploadIntent
from documents.files.names import clean_file_name
from documents.files.views import document_view
from documents.filetypes import SNIFF_BYTES, accept, accepted_extensions, extension_of
from documents.forms import ClientGone, FormEvent, PartData, PartEnd, PartStart, TooMuch
from documents.policy import is_staff, uploader_role
from documents.schemas import DocumentList, UploadForm, UploadItem
from documents.storage import ObjectWriter
from documents.wiring import DocumentStores
from kit import logs
from kit.auth import Principal
from kit.authorities import Authority
from kit.errors import AppError
from kit.idempotency import Once
from kit.mongo import Session
from kit.uploads import upload_body_limit

log = logs.get_logger("documents.uploads")

DOCUMENTS_FIELD = "documents"
FILES_FIELD = "files"
MAX_FIELD_BYTES = 64 * 1024

OnceFactory = Callable[[dict[str, Any]], Once]


class Repeated(Exception):
    """The request was made before: its first answer is given again."""

    def __init__(self, answer: Any) -> None:
        super().__init__("repeated")
        self.answer = answer


@dataclass(frozen=True)
class Described:
    """What one file is, checked against the case, the request and the authority."""

    person: str | None
    description: str
    classification: str
    sensitive: bool
    shared_with_landlord: bool
    request_id: str | None


@dataclass
class Receiving:
    """A file on its way in."""

    index: int
    document_id: str
    key: str
    raw_name: str
    start: bytearray
    size: int = 0
    writer: ObjectWriter | None = None
    record: DocumentRecord | None = None


def _refused(error: type[UploadRefused], file: Receiving, reason: str) -> UploadRefused:
    return error(
        f"{clean_file_name(file.raw_name, extension='')}: {reason} Nothing was kept.",
        details={"file": file.index, "file_name": file.raw_name[:255], "reason": reason},
    )


class Upload:
    """One upload request of one caller to one case."""

    def __init__(
        self,
        stores: DocumentStores,
        *,
        authority: Authority,
        principal: Principal,
        case: CaseFacts,
        once: OnceFactory,
    ) -> None:
        self.stores = stores
        self.authority = authority
        self.principal = principal
        self.case = case
        self.once_factory = once
        self.once: Once | None = None
        self.labels = stores.settings.classifications_of(authority.slug)
        self.max_bytes = authority.uploads.max_bytes
        self.allowed = accepted_extensions(authority)
        self.described: list[Described] = []
        self.files: list[Receiving] = []

    @property
    def body_limit(self) -> int:
        """The largest body this upload may have: what the gateway lets through too."""
        return upload_body_limit(self.max_bytes)

    async def receive(self, events: AsyncIterator[FormEvent]) -> DocumentList:
        """Take in the whole form; on any failure remove what was written and re-raise."""
        try:
            return await self._receive(events)
        except BaseException as exc:
            await self._clean_up()
            if isinstance(exc, TooMuch):
                current = self.files[-1] if self.files else None
                if current is None:
                    raise UploadTooLarge(
                        "The upload is larger than this housing service accepts. Nothing was kept."
                    ) from exc
                raise _refused(
                    UploadTooLarge,
                    current,
                    "the files together are larger than one upload may be; send fewer at once.",
                ) from exc
            if isinstance(exc, (AppError, Repeated, RequestValidationError)) or not isinstance(
                exc, Exception
            ):
                raise
            if isinstance(exc, ClientGone):
                raise
            log.warning("upload failed at the file store", extra={"reason": repr(exc)})
            raise StorageUnavailable() from exc

    async def _receive(self, events: AsyncIterator[FormEvent]) -> DocumentList:
        field: bytearray | None = None
        current: Receiving | None = None
        async for event in events:
            if isinstance(event, PartStart):
                if event.file_name is None:
                    if event.name != DOCUMENTS_FIELD or self.described:
                        raise UploadRefused(
                            f"The form has an unexpected field {event.name[:40]!r}.",
                            code="unexpected_field",
                        )
                    field = bytearray()
                else:
                    current = self._next_file(event)
                    field = None
            elif isinstance(event, PartData):
                if field is not None:
                    field += event.data
                    if len(field) > MAX_FIELD_BYTES:
                        raise UploadRefused(
                            "The documents field is too long.", code="field_too_long"
                        )
                elif current is not None:
                    await self._take(current, event.data)
            elif isinstance(event, PartEnd):
                if field is not None:
                    await self._describe(bytes(field))
                    field = None
                elif current is not None:
                    await self._finish(current)
                    current = None
        if not self.described or len(self.files) != len(self.described):
            raise UploadRefused(
                "Send one description in the documents field for each file, and the files.",
                code="files_and_descriptions_differ",
            )
        return await self._save()

    def _next_file(self, event: PartStart) -> Receiving:
        if not self.described:
            raise UploadRefused(
                "Send the documents field before the files.", code="descriptions_first"
            )
        if event.name != FILES_FIELD or len(self.files) >= len(self.described):
            raise UploadRefused(
                "Send one description in the documents field for each file.",
                code="files_and_descriptions_differ",
            )
        document_id = uuid.uuid4().hex
        receiving = Receiving(
            index=len(self.files),
            document_id=document_id,
            key=self.stores.files.key(self.authority.slug, document_id),
            raw_name=event.file_name or "",
            start=bytearray(),
        )
        self.files.append(receiving)
        return receiving

    async def _take(self, file: Receiving, data: bytes) -> None:
        file.size += len(data)
        if file.size > self.max_bytes:
            limit = f"{self.max_bytes / (1024 * 1024):.0f} MB"
            raise _refused(UploadTooLarge, file, f"the file is larger than {limit}.")
        if file.writer is None:
            file.start += data
            if len(file.start) >= SNIFF_BYTES:
                await self._start(file)
        else:
            await file.writer.write(data)

    async def _start(self, file: Receiving) -> None:
        accepted = accept(
            bytes(file.start[:SNIFF_BYTES]), file_name=file.raw_name, allowed=self.allowed
        )
        if accepted is None:
            named = extension_of(file.raw_name) or "this kind of file"
            raise _refused(
                FileTypeNotAllowed,
                file,
                f"{named} files are not accepted here (judged by content).",
            )
        described = self.described[file.index]
        now = datetime.now(UTC)
        file.record = DocumentRecord(
            id=file.document_id,
            authority=self.authority.slug,
            case_id=self.case.id,
            key=file.key,
            file_name=clean_file_name(file.raw_name, extension=accepted.extension),
            content_type=accepted.content_type,
            size=0,
            sha256="",
            person=described.person,
            description=described.description,
            classification=described.classification,
            sensitive=described.sensitive,
            shared_with_landlord=described.shared_with_landlord,
            source="upload",
            uploaded_by=self.principal.user_id,
            uploader_role=uploader_role(self.principal, self.case),
            request_id=described.request_id,
            created_at=now,
            updated_at=now,
        )
        await self.stores.intents.start(
            UploadIntent(
                id=file.document_id, authority=self.authority.slug, key=file.key, started_at=now
            )
        )
        file.writer = self.stores.files.writer(file.key, accepted.content_type)
        await file.writer.write(bytes(file.start))
        file.start.clear()

    async def _finish(self, file: Receiving) -> None:
        if file.writer is None:
            if not file.start:
                raise _refused(UploadRefused, file, "the file is empty.")
            await self._start(file)
        assert file.writer is not None
        assert file.record is not None
        stored = await file.writer.finish()
        file.record = file.record.model_copy(update={"size": stored.size, "sha256": stored.sha256})

    async def _describe(self, raw: bytes) -> None:
        try:
            form = UploadForm.model_validate({"documents": json.loads(raw)})
        except (ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, ValidationError):
                raise RequestValidationError(
                    [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
                ) from exc
            raise UploadRefused(
                "The documents field must be a JSON list.", code="documents_unreadable"
            ) from exc
        described = [await self._check(index, item) for index, item in enumerate(form.documents)]
        self.once = self.once_factory(form.model_dump(mode="json"))
        earlier = await self.once.earlier()
        if earlier is not None:
            raise Repeated(earlier)
        self.described = described

    async def _check(self, index: int, item: UploadItem) -> Described:
        person, classification = item.person, item.classification
        if item.request_id is not None:
            request = await self.stores.requests.get(
                self.authority.slug, self.case.id, item.request_id
            )
            if request is None:
                raise RequestNotFound(details={"file": index})
            if request.status != "open":
                raise RequestAlreadySupplied(details={"file": index, "request_id": request.id})
            person = person or request.person
            classification = classification or request.classification
        if classification is None or classification not in self.labels:
            raise UploadRefused(
                "Choose one of this housing service's classifications.",
                code="unknown_classification",
                details={"file": index, "classifications": sorted(self.labels)},
            )
        if person is not None and self.case.people:
            known = self.case.person(person)
            if known is None:
                raise UploadRefused(
                    "Choose someone on the application as the person the document is about.",
                    code="person_not_on_case",
                    details={"file": index},
                )
            person = known
        role = uploader_role(self.principal, self.case)
        if item.shared_with_landlord and not is_staff(self.principal):
            raise NotYoursToDo("Only the authority's staff share documents with a landlord.")
        return Described(
            person=person,
            description=item.description,
            classification=classification,
            sensitive=item.sensitive,
            # What a landlord's user uploads, the landlord's other users see.
            shared_with_landlord=item.shared_with_landlord or role == "landlord",
            request_id=item.request_id,
        )

    async def _save(self) -> DocumentList:
        records = [file.record for file in self.files if file.record is not None]
        answer = DocumentList(items=[document_view(r, labels=self.labels) for r in records])
        once = self.once
        slug = self.authority.slug

        async def work(session: Session) -> None:
            for record in records:
                await self.stores.documents.add(record, session=session)
                if record.request_id is not None:
                    fulfilled = await self.stores.requests.fulfil(
                        slug,
                        record.request_id,
                        document_id=record.id,
                        at=record.created_at,
                        session=session,
                    )
                    if fulfilled is None:
                        raise RequestAlreadySupplied(details={"request_id": record.request_id})
                    await self.stores.outbox.add(
                        session,
                        RequestFulfilled(
                            request_id=fulfilled.id,
                            case_id=fulfilled.case_id,
                            classification=fulfilled.classification,
                            document_id=record.id,
                        ),
                        authority=slug,
                        actor=self.principal.user_id,
                        subject=record.case_id,
                    )
                await self.stores.outbox.add(
                    session,
                    uploaded_event(record),
                    authority=slug,
                    actor=self.principal.user_id,
                    subject=record.case_id,
                )
            await self.stores.intents.finish([r.id for r in records], session=session)
            if once is not None:
                await once.remember(session, answer)

        await self.stores.mongo.transaction(work)
        self.files = []  # saved: nothing to clean up any more
        return answer

    async def _clean_up(self) -> None:
        """Stop the file being written and remove every file of this request."""
        removed: list[str] = []
        for file in self.files:
            if file.writer is not None:
                await file.writer.abort()
                try:
                    await self.stores.files.remove(file.key)
                except Exception as exc:
                    # The intent stays: the sweep removes the file later.
                    log.warning("file not removed", extra={"reason": repr(exc)})
                    continue
            removed.append(file.document_id)
        if removed:
            with contextlib.suppress(Exception):
                await self.stores.intents.finish(removed)
        self.files = []


def uploaded_event(record: DocumentRecord) -> DocumentUploaded:
    """The event that says a document was stored."""
    return DocumentUploaded(
        document_id=record.id,
        case_id=record.case_id,
        classification=record.classification,
        sensitive=record.sensitive,
        request_id=record.request_id,
        source=record.source,
        size=record.size,
        content_type=record.content_type,
        uploaded_by=record.uploaded_by,
        uploader_role=None if record.uploader_role == "system" else record.uploader_role,
    )
