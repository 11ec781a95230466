"""Members who may not act for an authority right now: deactivated or restricted.

Identity announces deactivations and restrictions; the gateway keeps them and refuses those
members' tokens at once, instead of waiting up to ten minutes for the tokens to expire.
"""

from datetime import UTC, datetime

from contracts.envelope import Envelope
from contracts.events.identity import AccountDeactivated, AccountReactivated
from contracts.payload import EventPayload
from kit.events.consumer import Subscription
from kit.mongo import Index, Mongo, Session

BLOCKED = "blocked_members"
INDEXES = [Index(BLOCKED, [("until", 1)], name="by_end")]


def block_id(authority: str, user_id: str) -> str:
    """The record id of one member of one authority."""
    return f"{authority}:{user_id}"


def access_subscription(mongo: Mongo) -> Subscription:
    """Keeps the blocked members from identity's events."""
    blocked = mongo.db[BLOCKED]

    async def on_event(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        if isinstance(payload, AccountDeactivated):
            await blocked.replace_one(
                {"_id": block_id(envelope.authority, payload.user_id)},
                {
                    "authority": envelope.authority,
                    "user_id": payload.user_id,
                    "reason": payload.reason,
                    "until": payload.until,
                    "since": envelope.occurred_at,
                },
                upsert=True,
                session=session,
            )
        elif isinstance(payload, AccountReactivated):
            await blocked.delete_one(
                {
                    "_id": block_id(envelope.authority, payload.user_id),
                    "since": {"$lte": envelope.occurred_at},
                },
                session=session,
            )

    return Subscription(
        purpose="member-access",
        bindings=[AccountDeactivated.event_type, AccountReactivated.event_type],
        handler=on_event,
    )


class BlockedMembers:
    """Each worker's in-memory copy of the blocked members, kept current by the same events the
    store copy is made from."""

    event_types = (AccountDeactivated.event_type, AccountReactivated.event_type)

    def __init__(self) -> None:
        self._blocked: dict[str, datetime | None] = {}
        self._changed_at: dict[str, datetime] = {}

    def is_blocked(self, authority: str, user_id: str) -> bool:
        """Whether this member may not act for this authority now."""
        key = block_id(authority, user_id)
        if key not in self._blocked:
            return False
        until = self._blocked[key]
        return until is None or until > datetime.now(UTC)

    def replace(self, blocked: dict[str, datetime | None]) -> None:
        """Hold these blocks (until when, by record id) instead of those held until now."""
        self._blocked = blocked

    def apply(self, envelope: Envelope, payload: EventPayload) -> None:
        """Block or unblock a member at once; an older event than one applied changes nothing."""
        key = block_id(envelope.authority, getattr(payload, "user_id", ""))
        if self._changed_at.get(key, envelope.occurred_at) > envelope.occurred_at:
            return
        self._changed_at[key] = envelope.occurred_at
        if isinstance(payload, AccountDeactivated):
            self._blocked[key] = payload.until
        elif isinstance(payload, AccountReactivated):
            self._blocked.pop(key, None)


class BlockedMembersLoader:
    """Loads a worker's blocked members from the store and passes their events on."""

    event_types = BlockedMembers.event_types

    def __init__(self, members: BlockedMembers, mongo: Mongo) -> None:
        self.members = members
        self.blocked = mongo.db[BLOCKED]

    async def load(self) -> None:
        """Load the current blocks."""
        now = datetime.now(UTC)
        records = await self.blocked.find(
            {"$or": [{"until": None}, {"until": {"$gt": now}}]}
        ).to_list(length=None)
        self.members.replace({str(record["_id"]): record.get("until") for record in records})

    def apply(self, envelope: Envelope, payload: EventPayload) -> None:
        """Block or unblock a member at once."""
        self.members.apply(envelope, payload)
