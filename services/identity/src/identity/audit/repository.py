"""Stored audit events."""

import uuid
from datetime import UTC, datetime
from typing import Any

from kit.clients import ClientInfo
from kit.mongo import Document, Index, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

AUDIT_EVENTS = "audit_events"

INDEXES = [
    Index(AUDIT_EVENTS, [("authority", 1), ("at", -1), ("_id", -1)], name="audit_by_time"),
    Index(
        AUDIT_EVENTS,
        [("authority", 1), ("action", 1), ("at", -1), ("_id", -1)],
        name="audit_by_action",
    ),
    Index(
        AUDIT_EVENTS,
        [("authority", 1), ("subject", 1), ("at", -1), ("_id", -1)],
        name="audit_by_subject",
    ),
    Index(AUDIT_EVENTS, [("subject", 1), ("at", -1)], name="audit_of_person"),
]


class AuditLog(AuthorityRepository):
    """The append-only security audit log of every authority."""

    collection_name = AUDIT_EVENTS

    async def record(
        self,
        *,
        authority: str,
        action: str,
        outcome: str,
        client: ClientInfo | None,
        actor: str | None = None,
        subject: str | None = None,
        details: dict[str, Any] | None = None,
        session: Session | None = None,
    ) -> None:
        """Append one event (inside the change's transaction when a session is given)."""
        await self.insert(
            authority,
            {
                "_id": uuid.uuid4().hex,
                "at": datetime.now(UTC),
                "action": action,
                "outcome": outcome,
                "actor": actor,
                "subject": subject,
                "address": client.address if client else None,
                "device": client.device if client else None,
                "details": details or {},
            },
            session=session,
        )

    async def page(
        self,
        authority: str,
        *,
        after: Position | None,
        limit: int,
        action: str | None = None,
        subject: str | None = None,
    ) -> list[Document]:
        """One page of an authority's events, newest first."""
        query: dict[str, Any] = {}
        if action is not None:
            query["action"] = action
        if subject is not None:
            query["subject"] = subject
        return await newest_first(
            self.collection, scoped(authority, query), field="at", after=after, limit=limit
        )

    async def of_person(
        self, user_id: str, *, after: Position | None, limit: int
    ) -> list[Document]:
        """A page of a person's own events in every authority, newest first (their own
        record, so not scoped to one authority)."""
        return await newest_first(
            self.collection, {"subject": user_id}, field="at", after=after, limit=limit
        )
