"""Stored factors: at most one of each kind per person, pending until confirmed."""

# Factors belong to the person, not to one authority, like the account itself.

import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument

from contracts.events.identity import FactorKind
from kit.mongo import Document, Index, Mongo, Session

FACTORS = "factors"

INDEXES = [Index(FACTORS, [("user_id", 1), ("kind", 1)], name="factors_by_person", unique=True)]


class Factors:
    """Reads and writes a person's factors."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[FACTORS]

    async def of_person(self, user_id: str, *, session: Session | None = None) -> list[Document]:
        """Every factor of a person, pending ones included."""
        cursor = self.collection.find({"user_id": user_id}, session=session)
        return await cursor.to_list(length=10)

    async def active(self, user_id: str, *, session: Session | None = None) -> dict[str, Document]:
        """The person's confirmed factors by kind."""
        found = await self.collection.find(
            {"user_id": user_id, "status": "active"}, session=session
        ).to_list(length=10)
        return {str(record["kind"]): record for record in found}

    async def get(
        self, user_id: str, kind: FactorKind, *, session: Session | None = None
    ) -> Document | None:
        """The person's factor of this kind, pending or active."""
        return await self.collection.find_one({"user_id": user_id, "kind": kind}, session=session)

    async def start(
        self,
        user_id: str,
        kind: FactorKind,
        fields: dict[str, Any],
        *,
        authority: str,
        session: Session | None = None,
    ) -> Document:
        """Begin setting up a factor, replacing an unfinished one (DuplicateKeyError if active)."""
        record: Document = {
            "_id": uuid.uuid4().hex,
            "user_id": user_id,
            "kind": kind,
            "status": "pending",
            "authority": authority,
            "created_at": datetime.now(UTC),
            "activated_at": None,
            "last_used_at": None,
            "attempts": 0,
            **fields,
        }
        await self.collection.delete_one(
            {"user_id": user_id, "kind": kind, "status": "pending"}, session=session
        )
        await self.collection.insert_one(record, session=session)
        return record

    async def update(
        self, factor_id: str, changes: dict[str, Any], *, session: Session | None = None
    ) -> Document | None:
        """Set fields of a factor."""
        return await self.collection.find_one_and_update(
            {"_id": factor_id},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def count_attempt(self, factor_id: str) -> int:
        """Count one wrong code; return how many there have been."""
        record = await self.collection.find_one_and_update(
            {"_id": factor_id},
            {"$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return int(record["attempts"]) if record else 0

    async def activate(self, factor_id: str, *, session: Session) -> Document | None:
        """Confirm a pending factor."""
        now = datetime.now(UTC)
        return await self.collection.find_one_and_update(
            {"_id": factor_id, "status": "pending"},
            {
                "$set": {"status": "active", "activated_at": now, "attempts": 0},
                "$unset": {"code_digest": "", "code_expires_at": ""},
            },
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def claim_totp_step(self, factor_id: str, step: int) -> bool:
        """Record a used time-step; False if it or a later one was used already (a replay)."""
        result = await self.collection.update_one(
            {"_id": factor_id, "$or": [{"last_step": None}, {"last_step": {"$lt": step}}]},
            {"$set": {"last_step": step, "last_used_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def claim_recovery_code(self, user_id: str, code_digest: str) -> bool:
        """Use one recovery code; False if it is not an unused code of this person."""
        now = datetime.now(UTC)
        result = await self.collection.update_one(
            {
                "user_id": user_id,
                "kind": "recovery_codes",
                "status": "active",
                "unused": code_digest,
            },
            {
                "$pull": {"unused": code_digest},
                "$push": {"used": {"digest": code_digest, "at": now}},
                "$set": {"last_used_at": now},
            },
        )
        return result.modified_count == 1

    async def replace_recovery_codes(
        self, user_id: str, digests: list[str], *, authority: str, session: Session
    ) -> None:
        """Store a new set of recovery codes; the old ones stop working."""
        now = datetime.now(UTC)
        await self.collection.delete_one(
            {"user_id": user_id, "kind": "recovery_codes"}, session=session
        )
        await self.collection.insert_one(
            {
                "_id": uuid.uuid4().hex,
                "user_id": user_id,
                "kind": "recovery_codes",
                "status": "active",
                "authority": authority,
                "created_at": now,
                "activated_at": now,
                "last_used_at": None,
                "unused": digests,
                "used": [],
            },
            session=session,
        )

    async def mark_used(self, factor_id: str) -> None:
        """Note when a factor was last used to sign in."""
        await self.collection.update_one(
            {"_id": factor_id}, {"$set": {"last_used_at": datetime.now(UTC)}}
        )

    async def remove(self, user_id: str, kind: FactorKind, *, session: Session) -> bool:
        """Delete the person's factor of this kind; say whether there was one."""
        result = await self.collection.delete_one(
            {"user_id": user_id, "kind": kind}, session=session
        )
        return result.deleted_count == 1
