"""The rules for documents once uploaded: seeing, verifying, rejecting, withdrawing."""

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.events.documents import DocumentRejected, DocumentVerified, DocumentWithdrawn
from documents.cases import CaseFacts
from documents.errors import (
    AlreadyDecided,
    DocumentNotFound,
    LandlordsOwnDocument,
    NotYoursToDo,
    SensitiveNotShared,
)
from documents.files.models import DocumentRecord
from documents.files.repository import DocumentPage
from documents.policy import can_see, is_staff
from documents.wiring import DocumentStores
from kit import logs
from kit.auth import Principal
from kit.errors import Conflict
from kit.mongo import Session
from kit.pagination import Position

log = logs.get_logger("documents.files")


@dataclass(frozen=True)
class CaseDocuments:
    """The documents of one case, as one caller works on them."""

    stores: DocumentStores
    authority: str
    principal: Principal
    case: CaseFacts

    async def page(self, *, limit: int, cursor: Position | None) -> DocumentPage:
        """The documents the caller may see, newest first."""
        return await self.stores.documents.page(
            self.authority,
            self.case.id,
            shown=lambda record: can_see(self.principal, self.case, record),
            limit=limit,
            cursor=cursor,
        )

    async def visible(self, document_id: str) -> DocumentRecord:
        """One document, if the caller may see it."""
        if len(document_id) != 32 or not all(c in "0123456789abcdef" for c in document_id):
            raise DocumentNotFound()
        record = await self.stores.documents.get(self.authority, self.case.id, document_id)
        if record is None or not can_see(self.principal, self.case, record):
            raise DocumentNotFound()
        return record

    async def verify(self, record: DocumentRecord) -> DocumentRecord:
        """An officer verifies the document."""
        self._staff_only()
        return await self._decide(record, state="verified", reason=None)

    async def reject(self, record: DocumentRecord, reason: str) -> DocumentRecord:
        """An officer rejects the document; the request it supplied is open again."""
        self._staff_only()
        return await self._decide(record, state="rejected", reason=reason)

    async def share(self, record: DocumentRecord, *, shared: bool) -> DocumentRecord:
        """An officer shares a document with the complaint's landlord users, or stops."""
        if not is_staff(self.principal):
            raise NotYoursToDo("Only the authority's officers share documents with a landlord.")
        if shared and record.sensitive:
            raise SensitiveNotShared()
        if not shared and record.uploader_role == "landlord":
            raise LandlordsOwnDocument()
        if record.shared_with_landlord == shared:
            return record

        async def work(session: Session) -> DocumentRecord:
            changes = {"shared_with_landlord": shared, "updated_at": datetime.now(UTC)}
            changed = await self.stores.documents.change(record, changes, session=session)
            if changed is None:
                raise _changed()
            return changed

        return await self.stores.mongo.transaction(work)

    async def withdraw(self, record: DocumentRecord) -> None:
        """The uploader takes back a document not yet verified: record, then file, removed."""
        if record.uploaded_by != self.principal.user_id or record.source != "upload":
            raise NotYoursToDo("Only the person who uploaded a document may withdraw it.")
        if record.state == "verified":
            raise AlreadyDecided("A verified document cannot be withdrawn.")

        async def work(session: Session) -> None:
            if not await self.stores.documents.remove(record, session=session):
                raise _changed()
            if record.request_id is not None:
                await self.stores.requests.reopen(
                    self.authority,
                    record.request_id,
                    document_id=record.id,
                    at=datetime.now(UTC),
                    reason=None,
                    session=session,
                )
            await self.stores.outbox.add(
                session,
                DocumentWithdrawn(
                    document_id=record.id,
                    case_id=record.case_id,
                    classification=record.classification,
                    sensitive=record.sensitive,
                    request_id=record.request_id,
                ),
                authority=self.authority,
                actor=self.principal.user_id,
                subject=record.case_id,
            )

        await self.stores.mongo.transaction(work)
        # The record is gone first, so no record points at a missing file; a file left
        # behind by a failure here is an orphan the sweep removes.
        with contextlib.suppress(Exception):
            await self.stores.files.remove(record.key)

    def _staff_only(self) -> None:
        if not is_staff(self.principal):
            raise NotYoursToDo("Only the authority's officers verify or reject documents.")

    async def _decide(
        self, record: DocumentRecord, *, state: str, reason: str | None
    ) -> DocumentRecord:
        if record.state != "uploaded":
            raise AlreadyDecided()
        now = datetime.now(UTC)

        async def work(session: Session) -> DocumentRecord:
            changed = await self.stores.documents.change(
                record,
                {
                    "state": state,
                    "decided_by": self.principal.user_id,
                    "decided_at": now,
                    "rejection_reason": reason,
                    "updated_at": now,
                },
                session=session,
            )
            if changed is None:
                raise _changed()
            common = {
                "document_id": record.id,
                "case_id": record.case_id,
                "classification": record.classification,
                "sensitive": record.sensitive,
                "request_id": record.request_id,
            }
            if state == "verified":
                event: DocumentVerified | DocumentRejected = DocumentVerified(**common)
            else:
                assert reason is not None
                event = DocumentRejected(**common, reason=reason)
                if record.request_id is not None:
                    await self.stores.requests.reopen(
                        self.authority,
                        record.request_id,
                        document_id=record.id,
                        at=now,
                        reason=reason,
                        session=session,
                    )
            await self.stores.outbox.add(
                session,
                event,
                authority=self.authority,
                actor=self.principal.user_id,
                subject=record.case_id,
            )
            return changed

        return await self.stores.mongo.transaction(work)


def _changed() -> Conflict:
    return Conflict(
        "The document was changed by someone else at the same moment; read it again.",
        code="concurrent_change",
    )
