"""All access to notices and preferences; every query names the authority and, on the
request side, the person."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pymongo.errors import BulkWriteError

from kit.mongo import Document, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped
from notifications.inbox.models import NOTIFICATIONS, PREFERENCES
from notifications.inbox.notice import AUDIENCES, Audience, Notice, NoticeKind

# The store's code for a write refused by a unique index.
DUPLICATE_KEY = 11000


# The namespace of notices' ids.
NOTICE_IDS = uuid.UUID("5d0f5c1e-7a43-4b59-9a0e-3f1d2c6b8e41")


def notice_id(authority: str, event_id: str, user_id: str, kind: str) -> str:
    """The id of the notice of one kind telling one person of one event."""
    return uuid.uuid5(NOTICE_IDS, "\n".join((authority, event_id, user_id, kind))).hex


@dataclass(frozen=True)
class Told:
    """One notice to record: what the person is told, of which event, when it happened."""

    authority: str
    notice: Notice
    event_id: str
    event_type: str
    at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes it one of a kind: the event, the person, the kind of notice."""
        return (self.event_id, self.notice.user_id, self.notice.kind)

    @property
    def id(self) -> str:
        """The notice's id, made from what makes it one of a kind: the same event told to
        the same person twice makes the same id, which the store refuses the second time."""
        return notice_id(self.authority, *self.key)

    def record(self) -> Document:
        """The stored notice, unseen."""
        return {
            "_id": self.id,
            "authority": self.authority,
            "user_id": self.notice.user_id,
            "audience": self.notice.audience,
            "kind": self.notice.kind,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "case_id": self.notice.case_id,
            "activity": self.notice.activity,
            "language": self.notice.language,
            "activities": dict(self.notice.activities),
            "link": self.notice.link,
            "seen": False,
            "created_at": self.at,
        }


class NotificationRepository(AuthorityRepository):
    """One person's notices within one authority."""

    collection_name = NOTIFICATIONS

    async def add_all(self, session: Session, told: Sequence["Told"]) -> None:
        """Record notices, unseen, inside the caller's transaction, in one write."""
        if told:
            await self.collection.insert_many([entry.record() for entry in told], session=session)

    async def add_new(self, session: Session, told: Sequence["Told"]) -> list["Told"]:
        """Record the notices not recorded before, outside any transaction, in one write;
        those that were new. Their ids, made from event, person and kind, refuse the rest."""
        if not told:
            return []
        try:
            await self.collection.insert_many(
                [entry.record() for entry in told], ordered=False, session=session
            )
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            refused = {int(error["index"]) for error in errors}
            return [entry for number, entry in enumerate(told) if number not in refused]
        return list(told)

    async def told_already(
        self, authority: str, told: Sequence["Told"], *, session: Session
    ) -> set[str]:
        """The ids of those of these notices recorded already."""
        found = self.collection.find(
            scoped(authority, {"_id": {"$in": list(dict.fromkeys(entry.id for entry in told))}}),
            {"_id": 1},
            session=session,
        )
        return {doc["_id"] async for doc in found}

    async def page(
        self,
        authority: str,
        *,
        user_id: str,
        audiences: Sequence[Audience],
        after: Position | None,
        limit: int,
    ) -> list[Document]:
        """One page of a person's notices, newest first."""
        shown = _shown(audiences)
        if shown is None:
            return []
        return await newest_first(
            self.collection,
            scoped(authority, {"user_id": user_id, **shown}),
            field="created_at",
            after=after,
            limit=limit,
        )

    async def unread(self, authority: str, *, user_id: str, audiences: Sequence[Audience]) -> int:
        """How many of a person's notices are unseen; walks the unseen ones only."""
        shown = _shown(audiences)
        if shown is None:
            return 0
        return await self.count(authority, {"user_id": user_id, "seen": False, **shown})

    async def mark_seen(
        self,
        authority: str,
        notification_id: str,
        *,
        user_id: str,
        audiences: Sequence[Audience],
        now: datetime,
    ) -> Document | None:
        """Mark one of the person's notices seen, keeping the first time it was; None if it
        is not theirs to see."""
        mine: Document = {"user_id": user_id, "_id": notification_id}
        found = await self.find_one(authority, mine)
        if found is None or found.get("audience") not in audiences:
            return None
        if found.get("seen"):
            return found
        # `$min` keeps the earlier time if two requests open it at once.
        return await self.update_one(
            authority, mine, {"$set": {"seen": True}, "$min": {"seen_at": now}}
        )

    async def mark_all_seen(
        self, authority: str, *, user_id: str, audiences: Sequence[Audience], now: datetime
    ) -> int:
        """Mark every unseen notice of the person seen; how many were."""
        shown = _shown(audiences)
        if shown is None:
            return 0
        result = await self.collection.update_many(
            scoped(authority, {"user_id": user_id, "seen": False, **shown}),
            {"$set": {"seen": True}, "$min": {"seen_at": now}},
        )
        return result.modified_count

    async def forget_case(self, authority: str, case_id: str, *, session: Session) -> int:
        """Drop every notice about a case that no longer exists."""
        result = await self.collection.delete_many(
            scoped(authority, {"case_id": case_id}), session=session
        )
        return result.deleted_count


def _shown(audiences: Sequence[Audience]) -> Document | None:
    """The filter for the notices of these audiences; None when none may be shown. One
    audience is an equality and all need none: the store's planner serves an `$in` from an
    index only when no range follows it, so only a person holding some but not all of the
    roles needs one."""
    distinct = set(audiences)
    if not distinct:
        return None
    if distinct == set(AUDIENCES):
        return {}
    if len(distinct) > 1:
        return {"audience": {"$in": sorted(distinct)}}
    return {"audience": distinct.pop()}


def preferences_id(authority: str, user_id: str) -> str:
    """The id of a person's preferences at one authority."""
    return f"{authority}:{user_id}"


class PreferenceRepository(AuthorityRepository):
    """Which kinds of event each person does not want emails about."""

    collection_name = PREFERENCES

    async def get(
        self, authority: str, user_id: str, *, session: Session | None = None
    ) -> Document | None:
        """A person's stored preferences, if they ever chose."""
        return await self.find_one(
            authority, {"_id": preferences_id(authority, user_id)}, session=session
        )

    async def save(
        self,
        authority: str,
        user_id: str,
        *,
        email_off: Sequence[NoticeKind],
        expected_version: int,
        now: datetime,
    ) -> Document:
        """Store the person's choice if nobody changed it since `expected_version`
        (0: never chosen); PreconditionFailed otherwise."""
        return await self.save_at_version(
            authority,
            preferences_id(authority, user_id),
            changes={"user_id": user_id, "email_off": list(email_off), "updated_at": now},
            expected_version=expected_version,
        )
