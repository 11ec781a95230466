"""Stored sessions, their refresh tokens, and sign-in challenges."""

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument

from identity.credentials import digest
from kit.clients import ClientInfo
from kit.mongo import Document, Index, Mongo, Session
from kit.repository import AuthorityRepository

SESSIONS = "sessions"
REFRESH_TOKENS = "refresh_tokens"
CHALLENGES = "sign_in_challenges"
# Ended sessions stay listed in the person's history for a while, then go.
ENDED_KEPT_FOR = timedelta(days=30)

INDEXES = [
    Index(SESSIONS, [("authority", 1), ("user_id", 1), ("ended_at", 1)], name="sessions_by_person"),
    Index(SESSIONS, [("user_id", 1), ("ended_at", 1)], name="sessions_of_person_everywhere"),
    Index(SESSIONS, [("purge_at", 1)], name="sessions_expiry", options={"expireAfterSeconds": 0}),
    Index(REFRESH_TOKENS, [("session_id", 1)], name="refresh_tokens_by_session"),
    Index(
        REFRESH_TOKENS,
        [("purge_at", 1)],
        name="refresh_tokens_expiry",
        options={"expireAfterSeconds": 0},
    ),
    Index(
        CHALLENGES, [("expires_at", 1)], name="challenges_expiry", options={"expireAfterSeconds": 0}
    ),
]


class Sessions(AuthorityRepository):
    """Signed-in sessions, one per sign-in on a device."""

    collection_name = SESSIONS

    async def start(
        self,
        authority: str,
        *,
        user_id: str,
        methods: list[str],
        client: ClientInfo,
        idle_lifetime: timedelta,
        session: Session | None = None,
    ) -> Document:
        """Record a new session."""
        now = datetime.now(UTC)
        return await self.insert(
            authority,
            {
                "_id": uuid.uuid4().hex,
                "user_id": user_id,
                "methods": methods,
                "created_at": now,
                "last_used_at": now,
                "expires_at": now + idle_lifetime,
                "purge_at": now + idle_lifetime + ENDED_KEPT_FOR,
                "address": client.address,
                "device": client.device,
                "ended_at": None,
                "end_reason": None,
            },
            session=session,
        )

    async def live(
        self, authority: str, session_id: str, *, session: Session | None = None
    ) -> Document | None:
        """The session if it has not ended or lapsed."""
        return await self.find_one(
            authority,
            {"_id": session_id, "ended_at": None, "expires_at": {"$gt": datetime.now(UTC)}},
            session=session,
        )

    async def live_of_person(self, authority: str, user_id: str) -> list[Document]:
        """The person's sessions in this authority that are still going, newest use first."""
        return await self.find_many(
            authority,
            {"user_id": user_id, "ended_at": None, "expires_at": {"$gt": datetime.now(UTC)}},
            sort=[("last_used_at", -1)],
            limit=200,
        )

    async def touch(
        self,
        authority: str,
        session_id: str,
        *,
        client: ClientInfo,
        idle_lifetime: timedelta,
        session: Session | None = None,
    ) -> None:
        """Note a use of the session and push its idle expiry back."""
        now = datetime.now(UTC)
        await self.update_one(
            authority,
            {"_id": session_id},
            {
                "$set": {
                    "last_used_at": now,
                    "expires_at": now + idle_lifetime,
                    "purge_at": now + idle_lifetime + ENDED_KEPT_FOR,
                    "address": client.address,
                    "device": client.device,
                }
            },
            session=session,
        )

    async def end_going(
        self,
        query: Mapping[str, Any],
        *,
        reason: str,
        session: Session | None = None,
    ) -> list[Document]:
        """End the sessions still going that match; return what was ended (ids and owners)."""
        going = await self.collection.find(
            {**query, "ended_at": None},
            projection={"_id": 1, "authority": 1, "user_id": 1},
            session=session,
        ).to_list(length=None)
        if not going:
            return []
        now = datetime.now(UTC)
        await self.collection.update_many(
            {"_id": {"$in": [record["_id"] for record in going]}, "ended_at": None},
            {"$set": {"ended_at": now, "end_reason": reason}},
            session=session,
        )
        return [{**record, "ended_at": now} for record in going]


class RefreshTokens:
    """Refresh tokens, stored as digests; each is used once and replaced by the next."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[REFRESH_TOKENS]

    async def add(
        self,
        token: str,
        *,
        authority: str,
        session_id: str,
        user_id: str,
        lifetime: timedelta,
        session: Session | None = None,
    ) -> None:
        """Store a new refresh token of a session."""
        now = datetime.now(UTC)
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "authority": authority,
                "session_id": session_id,
                "user_id": user_id,
                "issued_at": now,
                "expires_at": now + lifetime,
                # Kept past expiry so that reuse of an old token is still recognised.
                "purge_at": now + lifetime + ENDED_KEPT_FOR,
                "rotated_at": None,
            },
            session=session,
        )

    async def find(self, token: str) -> Document | None:
        """The stored record of a refresh token."""
        return await self.collection.find_one({"_id": digest(token)})

    async def rotate(self, token: str, *, session: Session) -> bool:
        """Mark the token used; False if it was used already (by a racing request, or a thief)."""
        result = await self.collection.update_one(
            {"_id": digest(token), "rotated_at": None},
            {"$set": {"rotated_at": datetime.now(UTC)}},
            session=session,
        )
        return result.modified_count == 1


class Challenges:
    """Sign-in challenges: the step between a right password and a session."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[CHALLENGES]

    async def create(self, challenge_id: str, record: dict[str, Any]) -> None:
        """Store a challenge under the digest of its id."""
        await self.collection.insert_one({"_id": digest(challenge_id), **record})

    async def open(self, challenge_id: str, *, authority: str) -> Document | None:
        """The challenge if it is unfinished, unexpired and belongs to this authority."""
        return await self.collection.find_one(
            {
                "_id": digest(challenge_id),
                "authority": authority,
                "finished_at": None,
                "expires_at": {"$gt": datetime.now(UTC)},
            }
        )

    async def update(
        self, challenge_id: str, changes: dict[str, Any], *, session: Session | None = None
    ) -> Document | None:
        """Set fields of an unfinished challenge."""
        return await self.collection.find_one_and_update(
            {"_id": digest(challenge_id), "finished_at": None},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def use_code(self, challenge_id: str, code_digest: str) -> bool:
        """Mark this emailed code used; False if it was used already (it opens one session)."""
        result = await self.collection.update_one(
            {
                "_id": digest(challenge_id),
                "finished_at": None,
                "code_digest": code_digest,
                "code_used": {"$ne": True},
            },
            {"$set": {"code_used": True}},
        )
        return result.modified_count == 1

    async def count_attempt(self, challenge_id: str) -> int:
        """Count one wrong code; return how many there have been."""
        record = await self.collection.find_one_and_update(
            {"_id": digest(challenge_id)},
            {"$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return int(record["attempts"]) if record else 0

    async def finish(self, challenge_id: str, *, session: Session | None = None) -> bool:
        """Close the challenge; False if it was closed already (it can make one session only)."""
        result = await self.collection.update_one(
            {"_id": digest(challenge_id), "finished_at": None},
            {"$set": {"finished_at": datetime.now(UTC)}},
            session=session,
        )
        return result.modified_count == 1
