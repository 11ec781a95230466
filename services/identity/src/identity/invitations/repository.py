"""Stored invitations."""

from datetime import UTC, datetime

from pymongo import ReturnDocument

from kit.mongo import Document, Index, Session
from kit.repository import AuthorityRepository

INVITATIONS = "invitations"

INDEXES = [
    Index(INVITATIONS, [("authority", 1), ("created_at", -1)], name="invitations_by_time"),
    Index(
        INVITATIONS,
        [("authority", 1), ("user_id", 1), ("created_at", -1)],
        name="invitations_by_person",
    ),
    Index(
        INVITATIONS,
        [("authority", 1), ("organisation_id", 1), ("created_at", -1)],
        name="invitations_by_organisation",
    ),
]


class Invitations(AuthorityRepository):
    """Invitations of one authority."""

    collection_name = INVITATIONS

    async def create(
        self,
        authority: str,
        *,
        invitation_id: str,
        user_id: str,
        email: str,
        role: str,
        organisation_id: str | None,
        invited_by: str,
        expires_at: datetime,
        session: Session,
    ) -> Document:
        """Record an invitation."""
        return await self.insert(
            authority,
            {
                "_id": invitation_id,
                "user_id": user_id,
                "email": email,
                "role": role,
                "organisation_id": organisation_id,
                "invited_by": invited_by,
                "created_at": datetime.now(UTC),
                "expires_at": expires_at,
                "accepted_at": None,
            },
            session=session,
        )

    async def get(
        self, authority: str, invitation_id: str, *, session: Session | None = None
    ) -> Document | None:
        """One invitation."""
        return await self.find_one(authority, {"_id": invitation_id}, session=session)

    async def renew(
        self, authority: str, invitation_id: str, *, expires_at: datetime, session: Session
    ) -> Document | None:
        """Give an unaccepted invitation a new expiry."""
        return await self.update_one(
            authority,
            {"_id": invitation_id, "accepted_at": None},
            {"$set": {"expires_at": expires_at}},
            session=session,
        )

    async def accept(
        self, authority: str, invitation_id: str, *, session: Session
    ) -> Document | None:
        """Mark an invitation accepted."""
        return await self.collection.find_one_and_update(
            {"authority": authority, "_id": invitation_id},
            {"$set": {"accepted_at": datetime.now(UTC)}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def listing(
        self, authority: str, *, organisation_id: str | None = None
    ) -> list[Document]:
        """The authority's invitations (of one organisation, if given), newest first."""
        query = {} if organisation_id is None else {"organisation_id": organisation_id}
        return await self.find_many(authority, query, sort=[("created_at", -1)], limit=500)

    async def latest_for(self, authority: str, user_id: str) -> Document | None:
        """The person's most recent invitation here."""
        found = await self.find_many(
            authority, {"user_id": user_id}, sort=[("created_at", -1)], limit=1
        )
        return found[0] if found else None
