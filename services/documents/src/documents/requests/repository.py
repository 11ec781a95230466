"""All data access for document requests."""

from datetime import datetime
from typing import Any

from documents.requests.models import RequestRecord
from kit.mongo import Index, Session
from kit.repository import AuthorityRepository

REQUESTS = "document_requests"
MAX_PER_CASE = 200

INDEXES = [
    Index(REQUESTS, [("authority", 1), ("case_id", 1), ("created_at", 1)], name="by_case"),
]


class DocumentRequests(AuthorityRepository):
    """Documents asked for on each authority's cases."""

    collection_name = REQUESTS

    async def add(self, record: RequestRecord, *, session: Session) -> None:
        """Store a new request."""
        await self.insert(record.authority, record.model_dump(by_alias=True), session=session)

    async def get(
        self, authority: str, case_id: str, request_id: str, *, session: Session | None = None
    ) -> RequestRecord | None:
        """One request of a case."""
        found = await self.find_one(
            authority, {"_id": request_id, "case_id": case_id}, session=session
        )
        return RequestRecord.of(found) if found is not None else None

    async def of_case(self, authority: str, case_id: str) -> list[RequestRecord]:
        """Every request on a case, oldest first."""
        found = await self.find_many(
            authority, {"case_id": case_id}, sort=[("created_at", 1)], limit=MAX_PER_CASE
        )
        return [RequestRecord.of(record) for record in found]

    async def fulfil(
        self, authority: str, request_id: str, *, document_id: str, at: datetime, session: Session
    ) -> RequestRecord | None:
        """Mark an open request supplied by a document; None if it was not open."""
        updated = await self.update_one(
            authority,
            {"_id": request_id, "status": "open"},
            {
                "$set": {"status": "supplied", "document_id": document_id, "updated_at": at},
                "$inc": {"version": 1},
            },
            session=session,
        )
        return RequestRecord.of(updated) if updated is not None else None

    async def reopen(
        self,
        authority: str,
        request_id: str,
        *,
        document_id: str,
        at: datetime,
        reason: str | None,
        session: Session,
    ) -> RequestRecord | None:
        """Open a request again whose document was rejected or withdrawn."""
        changes: dict[str, Any] = {
            "status": "open",
            "document_id": None,
            "updated_at": at,
            "rejection_reason": reason,
        }
        updated = await self.update_one(
            authority,
            {"_id": request_id, "document_id": document_id},
            {"$set": changes, "$inc": {"version": 1}},
            session=session,
        )
        return RequestRecord.of(updated) if updated is not None else None
