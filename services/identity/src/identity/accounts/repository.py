"""Stored accounts."""

# An account is one person across every authority (memberships carry the authority), so this
# collection is not authority-scoped: it is looked up by email address or id only, and the
# authority a person registered with is kept as `registered_authority`.

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument

from contracts.fields import Language
from kit.mongo import Document, Index, Mongo, Session

ACCOUNTS = "accounts"

INDEXES = [Index(ACCOUNTS, [("email", 1)], name="accounts_by_email", unique=True)]


def normalise_email(email: str) -> str:
    """The form an email address is stored and looked up in."""
    return email.strip().lower()


def session_ended(account: Document, session_id: str) -> bool:
    """Whether the account notes this session as ended (noted while its tokens could be in use)."""
    return any(
        entry["session_id"] == session_id for entry in account.get("recently_ended_sessions", [])
    )


class Accounts:
    """Reads and writes accounts."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[ACCOUNTS]

    async def by_email(self, email: str, *, session: Session | None = None) -> Document | None:
        """The account with this email address."""
        return await self.collection.find_one({"email": normalise_email(email)}, session=session)

    async def get(self, user_id: str, *, session: Session | None = None) -> Document | None:
        """The account with this id."""
        return await self.collection.find_one({"_id": user_id}, session=session)

    async def many(self, user_ids: list[str]) -> dict[str, Document]:
        """Accounts by id."""
        found = await self.collection.find({"_id": {"$in": user_ids}}).to_list(length=None)
        return {str(record["_id"]): record for record in found}

    async def create(
        self,
        *,
        email: str,
        first_name: str,
        last_name: str,
        password_hash: str | None,
        registered_authority: str,
        language: Language = "en",
        confirmed: bool = False,
        platform_admin: bool = False,
        session: Session | None = None,
    ) -> Document:
        """Insert a new account (DuplicateKeyError if the address is taken)."""
        now = datetime.now(UTC)
        record: Document = {
            "_id": uuid.uuid4().hex,
            "email": normalise_email(email),
            "first_name": first_name,
            "last_name": last_name,
            "phone": None,
            "language": language,
            "password_hash": password_hash,
            "password_changed_at": now if password_hash else None,
            "email_confirmed_at": now if confirmed else None,
            "platform_admin": platform_admin,
            "two_factor_offer_dismissed_at": None,
            "registered_authority": registered_authority,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        await self.collection.insert_one(record, session=session)
        return record

    async def note_ended_sessions(
        self, user_id: str, ended: Mapping[str, datetime], *, session: Session
    ) -> None:
        """Keep the sessions just ended (id to the expiry of their last token), forgetting old ones.

        The version stays: the profile has not changed, so an ETag read before still holds.
        """
        await self.collection.update_one(
            {"_id": user_id},
            {"$pull": {"recently_ended_sessions": {"until": {"$lte": datetime.now(UTC)}}}},
            session=session,
        )
        entries = [{"session_id": key, "until": until} for key, until in ended.items()]
        await self.collection.update_one(
            {"_id": user_id},
            {"$push": {"recently_ended_sessions": {"$each": entries}}},
            session=session,
        )

    async def update(
        self,
        user_id: str,
        changes: Mapping[str, Any],
        *,
        version: int | None = None,
        session: Session | None = None,
    ) -> Document | None:
        """Set fields and bump the version; with `version`, only if it is still current."""
        query: dict[str, Any] = {"_id": user_id}
        if version is not None:
            query["version"] = version
        return await self.collection.find_one_and_update(
            query,
            {"$set": {**changes, "updated_at": datetime.now(UTC)}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
