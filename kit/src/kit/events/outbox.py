"""The transactional outbox: events are written with the change that causes them."""

import asyncio
from datetime import UTC, datetime, timedelta

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit import context
from kit.mongo import Index, Mongo, Session

OUTBOX = "outbox"

SENT_KEPT_FOR = timedelta(days=7)

OUTBOX_INDEXES = [
    Index(OUTBOX, [("sent_at", 1), ("created_at", 1)], name="outbox_pending"),
    # Published records are kept a while for tracing, then expire; pending ones never do.
    Index(
        OUTBOX,
        [("sent_at", 1)],
        name="outbox_sent_expiry",
        options={"expireAfterSeconds": int(SENT_KEPT_FOR.total_seconds())},
    ),
]


class OutboxOutsideTransaction(RuntimeError):
    """An event was added outside a transaction, so it could outlive a rolled-back change."""


class Outbox:
    """Adds events to the service's outbox inside the caller's transaction."""

    def __init__(self, mongo: Mongo) -> None:
        self.mongo = mongo
        self.pending = asyncio.Event()

    async def add(
        self,
        session: Session,
        payload: EventPayload,
        *,
        authority: str,
        actor: str | None = None,
        subject: str | None = None,
    ) -> Envelope:
        """Record an event to publish once the surrounding transaction commits."""
        if not session.in_transaction:
            raise OutboxOutsideTransaction("events are added inside the change's transaction")
        envelope = Envelope.for_event(
            payload,
            authority=authority,
            actor=actor,
            subject=subject,
            correlation_id=context.request_id.get(),
        )
        message = envelope.model_dump(mode="json")
        validate_envelope(message)
        await self.mongo.db[OUTBOX].insert_one(
            {
                "_id": str(envelope.id),
                "type": envelope.type,
                "authority": authority,
                "message": message,
                "created_at": datetime.now(UTC),
                "sent_at": None,
            },
            session=session,
        )
        self.pending.set()
        return envelope
