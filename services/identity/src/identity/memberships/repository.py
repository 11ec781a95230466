"""Stored memberships: one per person and authority, with its roles and organisation."""

import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument

from kit.mongo import Document, Index, Session
from kit.repository import AuthorityRepository

MEMBERSHIPS = "memberships"

INDEXES = [
    Index(
        MEMBERSHIPS, [("authority", 1), ("user_id", 1)], name="memberships_by_person", unique=True
    ),
    Index(MEMBERSHIPS, [("user_id", 1)], name="memberships_of_person"),
    Index(
        MEMBERSHIPS,
        [("authority", 1), ("organisation_id", 1), ("created_at", 1)],
        name="memberships_by_organisation",
    ),
    Index(
        MEMBERSHIPS, [("authority", 1), ("created_at", -1), ("_id", -1)], name="memberships_by_time"
    ),
    # One role's members: a few staff among an authority's many applicants.
    Index(
        MEMBERSHIPS,
        [("authority", 1), ("roles", 1), ("created_at", 1)],
        name="memberships_by_role",
    ),
]


class Memberships(AuthorityRepository):
    """Memberships, always within one authority except a person's own list."""

    collection_name = MEMBERSHIPS

    async def holding(self, authority: str, role: str, *, limit: int) -> list[Document]:
        """The active members holding a role here, longest-standing first."""
        found = await self.find_many(
            authority, {"roles": role}, sort=[("created_at", 1)], limit=limit
        )
        return [record for record in found if record.get("status", "active") == "active"]

    async def of(
        self, authority: str, user_id: str, *, session: Session | None = None
    ) -> Document | None:
        """The person's membership in this authority."""
        return await self.find_one(authority, {"user_id": user_id}, session=session)

    async def of_person(self, user_id: str) -> list[Document]:
        """Every membership of one person, in every authority (their own list)."""
        cursor = self.collection.find({"user_id": user_id}).sort([("created_at", 1)])
        return await cursor.to_list(length=200)

    async def create(
        self,
        authority: str,
        *,
        user_id: str,
        roles: list[str],
        organisation_id: str | None = None,
        session: Session | None = None,
    ) -> Document:
        """Insert a membership (DuplicateKeyError if the person already has one here)."""
        now = datetime.now(UTC)
        return await self.insert(
            authority,
            {
                "_id": uuid.uuid4().hex,
                "user_id": user_id,
                "roles": roles,
                "organisation_id": organisation_id,
                "status": "active",
                "created_at": now,
                "updated_at": now,
            },
            session=session,
        )

    async def add_role(
        self,
        authority: str,
        user_id: str,
        role: str,
        *,
        organisation_id: str | None,
        session: Session | None = None,
    ) -> Document | None:
        """Add a role to an existing membership."""
        changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        if organisation_id is not None:
            changes["organisation_id"] = organisation_id
        return await self.update_one(
            authority,
            {"user_id": user_id},
            {"$addToSet": {"roles": role}, "$set": changes},
            session=session,
        )

    async def set_status(
        self, authority: str, user_id: str, status: str, *, session: Session | None = None
    ) -> Document | None:
        """Make a membership active or inactive."""
        return await self.collection.find_one_and_update(
            {"authority": authority, "user_id": user_id},
            {"$set": {"status": status, "updated_at": datetime.now(UTC)}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def of_organisation(self, authority: str, organisation_id: str) -> list[Document]:
        """The members of one organisation."""
        return await self.find_many(
            authority, {"organisation_id": organisation_id}, sort=[("created_at", 1)], limit=1000
        )
