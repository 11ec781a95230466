"""Ended sign-in sessions: their access tokens are refused at once, not when they expire.

Identity announces each ended session (`identity.session.ended`). Every service keeps them in
its store until the session's last token would have expired (so a worker that starts late
still knows), and every worker holds them in memory, so checking costs no store query.
"""

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.envelope import Envelope
from contracts.events.identity import SessionEnded as SessionEndedEvent
from contracts.payload import EventPayload
from kit.errors import Unauthorized
from kit.events.consumer import Subscription
from kit.mongo import Index, Mongo, Session

ENDED_SESSIONS = "ended_sessions"
ENDED_SESSIONS_INDEXES = [
    Index(
        ENDED_SESSIONS,
        [("until", 1)],
        name="ended_sessions_expiry",
        options={"expireAfterSeconds": 0},
    ),
]
# Expired entries are swept out of memory after this many new ones.
SWEEP_EVERY = 1000


class SessionEnded(Unauthorized):
    """The session behind the token was ended."""

    code = "session_ended"
    message = "This session has ended. Sign in again."


class EndedSessions:
    """The ended sessions whose tokens could still be unexpired, in memory."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._added = 0

    def __len__(self) -> int:
        return len(self._until)

    def end(self, session_id: str, until: datetime) -> None:
        """Refuse the session's tokens until `until`."""
        self._until[session_id] = max(until.timestamp(), self._until.get(session_id, 0.0))
        self._added += 1
        if self._added >= SWEEP_EVERY:
            self._added = 0
            self.sweep()

    def is_ended(self, session_id: str) -> bool:
        """Whether the session has ended (while its tokens could still be in use)."""
        until = self._until.get(session_id)
        return until is not None and until > time.time()

    def sweep(self) -> None:
        """Forget sessions whose tokens have all expired."""
        now = time.time()
        self._until = {key: until for key, until in self._until.items() if until > now}

    def replace(self, ended: dict[str, float]) -> None:
        """Take a whole new set (session id to expiry), keeping any newer entry held now."""
        for session_id, until in self._until.items():
            ended[session_id] = max(until, ended.get(session_id, 0.0))
        self._until = ended
        self.sweep()


class EndedSessionsStore:
    """The service's stored list of ended sessions, and the memory copy loaded from it."""

    def __init__(self, mongo: Mongo, memory: EndedSessions) -> None:
        self.collection = mongo.db[ENDED_SESSIONS]
        self.memory = memory

    @property
    def event_types(self) -> Sequence[str]:
        """What changes the copy."""
        return [SessionEndedEvent.event_type]

    async def keep(self, payload: SessionEndedEvent, *, session: Session | None = None) -> None:
        """Store one ended session until its last token expires."""
        await self.collection.update_one(
            {"_id": payload.session_id},
            {"$max": {"until": payload.tokens_expire_by}},
            upsert=True,
            session=session,
        )

    async def load(self) -> None:
        """Load the stored ended sessions into memory."""
        records = await self.collection.find({"until": {"$gt": datetime.now(UTC)}}).to_list(
            length=None
        )
        self.memory.replace({str(record["_id"]): record["until"].timestamp() for record in records})

    def apply(self, _: Envelope, payload: EventPayload) -> None:
        """Take in an ended session."""
        if isinstance(payload, SessionEndedEvent):
            self.memory.end(payload.session_id, payload.tokens_expire_by)

    def subscription(self) -> Subscription:
        """The durable consumer that keeps the stored list."""

        async def on_ended(_: Envelope, payload: EventPayload, session: Session) -> None:
            assert isinstance(payload, SessionEndedEvent)
            await self.keep(payload, session=session)

        return Subscription(
            purpose="ended-sessions", bindings=[SessionEndedEvent.event_type], handler=on_ended
        )
