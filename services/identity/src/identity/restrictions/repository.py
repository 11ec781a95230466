"""Stored restrictions; a lifted one is kept, with who lifted it and when."""

import uuid
from datetime import UTC, datetime
from typing import Any

from kit.mongo import Document, Index, Session
from kit.repository import AuthorityRepository

RESTRICTIONS = "restrictions"

INDEXES = [
    Index(
        RESTRICTIONS,
        [("authority", 1), ("user_id", 1), ("lifted_at", 1)],
        name="restrictions_by_person",
    ),
    Index(RESTRICTIONS, [("authority", 1), ("created_at", -1)], name="restrictions_by_time"),
]


def in_force(now: datetime) -> dict[str, Any]:
    """The filter for restrictions not lifted and not yet over."""
    return {"lifted_at": None, "$or": [{"until": None}, {"until": {"$gt": now}}]}


class Restrictions(AuthorityRepository):
    """Restrictions of one authority."""

    collection_name = RESTRICTIONS

    async def in_force_for(
        self, authority: str, user_id: str, *, session: Session | None = None
    ) -> Document | None:
        """The restriction that applies to the person now, if any."""
        query = {"user_id": user_id, **in_force(datetime.now(UTC))}
        return await self.find_one(authority, query, session=session)

    async def add(
        self,
        authority: str,
        *,
        user_id: str,
        reason: str,
        until: datetime | None,
        created_by: str,
        session: Session,
    ) -> Document:
        """Record a new restriction."""
        return await self.insert(
            authority,
            {
                "_id": uuid.uuid4().hex,
                "user_id": user_id,
                "reason": reason,
                "until": until,
                "created_by": created_by,
                "created_at": datetime.now(UTC),
                "lifted_at": None,
                "lifted_by": None,
            },
            session=session,
        )

    async def lift(
        self, authority: str, restriction_id: str, *, lifted_by: str, session: Session
    ) -> Document | None:
        """Lift a restriction that is in force."""
        now = datetime.now(UTC)
        return await self.update_one(
            authority,
            {"_id": restriction_id, **in_force(now)},
            {"$set": {"lifted_at": now, "lifted_by": lifted_by}},
            session=session,
        )

    async def listing(self, authority: str, *, in_force_only: bool) -> list[Document]:
        """The authority's restrictions, newest first."""
        query = in_force(datetime.now(UTC)) if in_force_only else {}
        return await self.find_many(authority, query, sort=[("created_at", -1)], limit=500)
