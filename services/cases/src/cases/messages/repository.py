"""All data access of messages: one case's, one person's, newest first, and unread counts.

Each list's index starts with an equality prefix that selects few messages (one case's, one
person's) and pages with kit's newest_first, by ranges on (created_at, _id)."""

from dataclasses import dataclass
from datetime import datetime

from cases.messages.models import MessageRecord, Reply
from kit.mongo import Document, Index, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

MESSAGES = "case_messages"

INDEXES = [
    Index(
        MESSAGES,
        [("authority", 1), ("recipient_id", 1), ("created_at", -1), ("_id", -1)],
        name="messages_of_person",
    ),
    # The store's planner takes an index only when it holds every field the query names: the
    # unread count names `unread`, a person's side of a case names `recipient`.
    Index(
        MESSAGES,
        [("authority", 1), ("recipient_id", 1), ("unread", 1), ("created_at", -1), ("_id", -1)],
        name="messages_unread_of_person",
    ),
    Index(
        MESSAGES,
        [("authority", 1), ("case_id", 1), ("recipient", 1), ("created_at", -1), ("_id", -1)],
        name="messages_of_case_by_side",
    ),
]


@dataclass(frozen=True)
class MessagePage:
    """Some messages and the cursor of the next page, if there is one."""

    items: list[MessageRecord]
    next_cursor: str | None


class Messages(AuthorityRepository):
    """Messages on one authority's cases."""

    collection_name = MESSAGES

    async def get(self, authority: str, case_id: str, message_id: str) -> MessageRecord | None:
        """One message of a case."""
        found = await self.find_one(authority, {"_id": message_id, "case_id": case_id})
        return MessageRecord.of(found) if found is not None else None

    async def add(self, message: MessageRecord, *, session: Session) -> None:
        """Store a new message."""
        await self.insert(message.authority, message.stored(), session=session)

    async def add_reply(
        self,
        message: MessageRecord,
        reply: Reply,
        *,
        by_person: bool,
        only_one: bool,
        session: Session,
    ) -> MessageRecord | None:
        """Add a reply; None if the person's one reply was already given."""
        query: Document = {"_id": message.id}
        if by_person and only_one:
            query["person_replies"] = 0
        changes: Document = {"last_at": reply.at}
        if not by_person:
            # What an officer sends is unread again for the person.
            changes["unread"] = True
        found = await self.update_one(
            message.authority,
            query,
            {
                "$push": {"replies": reply.model_dump(mode="json") | {"at": reply.at}},
                "$set": changes,
                "$inc": {"person_replies": 1 if by_person else 0},
            },
            session=session,
        )
        return MessageRecord.of(found) if found is not None else None

    async def mark_read(
        self, message: MessageRecord, *, at: datetime, session: Session
    ) -> MessageRecord | None:
        """Note that its person has read the message; None if they already had."""
        found = await self.update_one(
            message.authority,
            {"_id": message.id, "unread": True},
            {"$set": {"unread": False, "read_at": at}},
            session=session,
        )
        return MessageRecord.of(found) if found is not None else None

    async def of_person(
        self, authority: str, recipient_id: str, *, limit: int, after: Position | None
    ) -> MessagePage:
        """A person's messages across their cases, newest first."""
        return await self._newest(authority, {"recipient_id": recipient_id}, limit, after)

    async def of_case(
        self,
        authority: str,
        case_id: str,
        *,
        recipient: str | None,
        limit: int,
        after: Position | None,
    ) -> MessagePage:
        """A case's messages (only those for one side, when named), newest first."""
        query: Document = {"case_id": case_id}
        if recipient is not None:
            query["recipient"] = recipient
        return await self._newest(authority, query, limit, after)

    async def unread_of(self, authority: str, recipient_id: str) -> int:
        """How many of a person's messages they have not read."""
        return await self.count(authority, {"recipient_id": recipient_id, "unread": True})

    async def _newest(
        self, authority: str, query: Document, limit: int, after: Position | None
    ) -> MessagePage:
        found = await newest_first(
            self.collection,
            scoped(authority, query),
            field="created_at",
            after=after,
            limit=limit + 1,
        )
        items = [MessageRecord.of(document) for document in found]
        if len(items) <= limit:
            return MessagePage(items, None)
        shown = items[:limit]
        return MessagePage(shown, Position(at=shown[-1].created_at, id=shown[-1].id).encode())
