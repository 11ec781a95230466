"""All access to delivery records: queueing, the senders' claims and outcomes, and listing."""

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kit.claims import claim_due, while_held
from kit.mongo import Document, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped
from notifications.emails.models import (
    DELIVERIES,
    FAILED,
    PENDING,
    QUEUED,
    SENDING,
    SENT,
    DeliveryStatus,
)
from notifications.emails.rendering import RenderedEmail

# What the delivery list and detail never return: the bodies may hold a link or a code.
WITHOUT_CONTENT = {"content": 0, "claim": 0}


class DeliveryRepository(AuthorityRepository):
    """Delivery records; every request-side query is scoped to one authority."""

    collection_name = DELIVERIES

    async def queued_for(
        self, authority: str, *, event_id: str, template: str, session: Session
    ) -> bool:
        """Whether this event's email was queued already."""
        found = await self.find_one(
            authority, {"event_id": event_id, "template": template}, session=session
        )
        return found is not None

    async def queue(
        self,
        session: Session,
        *,
        authority: str,
        event_id: str,
        event_type: str,
        template: str,
        user_id: str | None,
        to: str,
        sender_name: str,
        email: RenderedEmail,
        message_id: str,
        send_by: datetime | None,
        now: datetime,
        case_id: str | None = None,
    ) -> Document:
        """Record a new delivery, due at once, inside the caller's transaction."""
        record: Document = {
            "_id": uuid.uuid4().hex,
            "event_id": event_id,
            "event_type": event_type,
            "template": template,
            "user_id": user_id,
            "case_id": case_id,
            "to": to,
            "to_key": to.lower(),
            "sender_name": sender_name,
            "subject": email.subject,
            "language": email.language,
            "message_id": message_id,
            "status": QUEUED,
            "attempts": 0,
            "due_at": now,
            "send_by": send_by,
            "content": {"text": email.text, "html": email.html},
            "last_error": None,
            "created_at": now,
            "updated_at": now,
            "sent_at": None,
            "failed_at": None,
        }
        return await self.insert(authority, record, session=session)

    async def claim(self, *, token: str, now: datetime, hold_for: timedelta) -> Document | None:
        """Take the pending delivery due first, of any authority, for one sending attempt.

        Queued deliveries are due at their next attempt, sending ones when their claim lapses,
        so a sender that died mid-send gives its delivery back without anyone noticing.
        The update is atomic: two senders never hold one delivery.
        """
        return await claim_due(
            self.collection,
            {"status": {"$in": list(PENDING)}},
            holding=SENDING,
            token=token,
            now=now,
            hold_for=hold_for,
        )

    async def mark_sent(self, delivery: Document, *, token: str, now: datetime) -> bool:
        """The relay took the email: end the delivery and drop its bodies."""
        return await self._finish(
            delivery,
            token=token,
            update={
                "$set": {"status": SENT, "sent_at": now, "updated_at": now},
                "$unset": {"content": "", "due_at": "", "claim": ""},
            },
        )

    async def mark_failed(
        self, delivery: Document, *, token: str, now: datetime, reason: str
    ) -> bool:
        """The email will not be sent: end the delivery with the reason and drop its bodies."""
        return await self._finish(
            delivery,
            token=token,
            update={
                "$set": {
                    "status": FAILED,
                    "failed_at": now,
                    "updated_at": now,
                    "last_error": reason,
                },
                "$unset": {"content": "", "due_at": "", "claim": ""},
            },
        )

    async def defer(
        self, delivery: Document, *, token: str, now: datetime, retry_at: datetime, reason: str
    ) -> bool:
        """An attempt failed for now: queue the delivery again for a later attempt."""
        return await self._finish(
            delivery,
            token=token,
            update={
                "$set": {
                    "status": QUEUED,
                    "due_at": retry_at,
                    "updated_at": now,
                    "last_error": reason,
                },
                "$unset": {"claim": ""},
            },
        )

    async def _finish(self, delivery: Document, *, token: str, update: Mapping[str, Any]) -> bool:
        """Apply a sender's outcome only while its claim still holds."""
        updated = await self.update_one(
            str(delivery["authority"]),
            while_held(delivery, holding=SENDING, token=token),
            update,
        )
        return updated is not None

    async def page(
        self,
        authority: str,
        *,
        status: DeliveryStatus | None,
        to: str | None,
        after: Position | None,
        limit: int,
    ) -> list[Document]:
        """One page of an authority's deliveries, newest first, without their bodies."""
        query: Document = {}
        if status is not None:
            query["status"] = status
        if to is not None:
            query["to_key"] = to.lower()
        return await newest_first(
            self.collection,
            scoped(authority, query),
            field="created_at",
            after=after,
            limit=limit,
            projection=WITHOUT_CONTENT,
        )

    async def about_case(
        self,
        authority: str,
        case_id: str,
        *,
        user_id: str | None,
        after: Position | None,
        limit: int,
    ) -> list[Document]:
        """One page of what was emailed about a case, newest first, without the bodies."""
        query: Document = {"case_id": case_id}
        if user_id is not None:
            query["user_id"] = user_id
        return await newest_first(
            self.collection,
            scoped(authority, query),
            field="created_at",
            after=after,
            limit=limit,
            projection=WITHOUT_CONTENT,
        )

    async def get(self, authority: str, delivery_id: str) -> Document | None:
        """One delivery of the authority, without its bodies."""
        return await self.collection.find_one(
            scoped(authority, {"_id": delivery_id}), WITHOUT_CONTENT
        )

    async def backlog(self) -> int:
        """How many deliveries, of every authority, are queued or being sent."""
        return await self.collection.count_documents({"status": {"$in": list(PENDING)}})
