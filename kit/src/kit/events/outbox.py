"""The transactional outbox: events are written with the change that causes them."""

import asyncio
from datetime import UTC, datetime, timedelta

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit import context
from kit.mongo import Index, Mongo, Session, after_commit

OUTBOX = "outbox"

SENT_KEPT_FOR = timedelta(days=7)
# How often the relay's lease holder forgets records published longer ago than that.
FORGET_SENT_EVERY = timedelta(minutes=10)
# How many added ids a process keeps for its relay between two of its turns.
MAX_REMEMBERED = 10_000

OUTBOX_INDEXES = [
    # Pending records in order (sent_at None); and, as a range, the published ones to forget.
    Index(OUTBOX, [("sent_at", 1), ("created_at", 1)], name="outbox_pending"),
    # Retired: the store's expiry sweep walks every document of a collection with an expiring
    # index once a minute, holding up every other operation meanwhile, and the outbox keeps a
    # week of every event. The relay forgets published records itself (`forget_sent`).
    Index(
        OUTBOX,
        [("sent_at", 1)],
        name="outbox_sent_expiry",
        options={"expireAfterSeconds": int(SENT_KEPT_FOR.total_seconds())},
        retired=True,
    ),
]


class OutboxOutsideTransaction(RuntimeError):
    """An event was added outside a transaction, so it could outlive a rolled-back change."""


class Outbox:
    """Adds events to the service's outbox inside the caller's transaction.

    The ids this process added are kept, and `pending` is set once their transaction has
    committed, so this process's relay publishes them at once instead of at its next sweep.
    """

    def __init__(self, mongo: Mongo) -> None:
        self.mongo = mongo
        self.pending = asyncio.Event()
        self._added: list[str] = []

    def take_added(self) -> list[str]:
        """The ids added by this process since the last call (some may have rolled back)."""
        added, self._added = self._added, []
        return added

    def give_back(self, ids: list[str]) -> None:
        """Return ids not yet published to the front of the queue."""
        if ids:
            self._added = [*ids, *self._added][:MAX_REMEMBERED]
            self.pending.set()

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
                "claim": None,
                "claimed_until": None,
            },
            session=session,
        )
        if len(self._added) < MAX_REMEMBERED:
            self._added.append(str(envelope.id))  # past that, the relay's sweep finds the rest
        after_commit(self.pending.set)
        return envelope
