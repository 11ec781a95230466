"""Single-use links in account emails: confirm an address, reset a password, accept invitations."""

# Only the SHA-256 of a link's token is stored, so a copy of the database opens nothing.

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import quote

from pymongo import ReturnDocument

from identity.credentials import digest, random_token
from identity.errors import LinkExpired, LinkInvalid
from kit.mongo import Document, Index, Mongo, Session

LINK_TOKENS = "link_tokens"

Purpose = Literal["confirm_email", "reset_password", "accept_invitation"]

LIFETIMES: dict[Purpose, timedelta] = {
    "confirm_email": timedelta(hours=24),
    "reset_password": timedelta(hours=1),
    "accept_invitation": timedelta(days=7),
}
# The portal pages that take each link, under the authority's address.
PAGES: dict[Purpose, str] = {
    "confirm_email": "account/confirm-email",
    "reset_password": "account/reset-password",
    "accept_invitation": "account/accept-invitation",
}
# Kept past expiry so that a late click says "expired" rather than "not valid".
KEPT_AFTER_EXPIRY = timedelta(days=7)

INDEXES = [
    Index(
        LINK_TOKENS,
        [("user_id", 1), ("purpose", 1), ("created_at", -1)],
        name="link_tokens_by_user",
    ),
    Index(
        LINK_TOKENS, [("purge_at", 1)], name="link_tokens_expiry", options={"expireAfterSeconds": 0}
    ),
]


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: the address to email and when it stops working."""

    url: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkUse:
    """What a used link was for."""

    user_id: str
    authority: str
    purpose: Purpose
    subject: str | None


class LinkTokens:
    """Issues and redeems single-use link tokens."""

    def __init__(self, mongo: Mongo, *, portal_url: str) -> None:
        self.collection = mongo.db[LINK_TOKENS]
        self.portal_url = portal_url.rstrip("/")

    def page(self, authority: str, page: str) -> str:
        """The address of a portal page of an authority."""
        return f"{self.portal_url}/{quote(authority)}/{page}"

    async def issue(
        self,
        session: Session,
        *,
        purpose: Purpose,
        user_id: str,
        authority: str,
        subject: str | None = None,
        replace_earlier: bool = True,
    ) -> IssuedLink:
        """Make a link; by default the person's earlier ones here for this purpose stop working."""
        now = datetime.now(UTC)
        if replace_earlier:
            await self.collection.update_many(
                {"user_id": user_id, "purpose": purpose, "authority": authority, "used_at": None},
                {"$set": {"used_at": now, "replaced": True}},
                session=session,
            )
        token = random_token()
        expires_at = now + LIFETIMES[purpose]
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "purpose": purpose,
                "user_id": user_id,
                "authority": authority,
                "subject": subject,
                "created_at": now,
                "expires_at": expires_at,
                "purge_at": expires_at + KEPT_AFTER_EXPIRY,
                "used_at": None,
            },
            session=session,
        )
        url = f"{self.page(authority, PAGES[purpose])}?token={token}"
        return IssuedLink(url=url, expires_at=expires_at)

    async def redeem(
        self, session: Session, token: str, *, purpose: Purpose, authority: str
    ) -> LinkUse:
        """Use a link once; refuse one that is unknown, used, replaced, expired or elsewhere's."""
        now = datetime.now(UTC)
        record: Document | None = await self.collection.find_one_and_update(
            {
                "_id": digest(token),
                "purpose": purpose,
                "authority": authority,
                "used_at": None,
                "expires_at": {"$gt": now},
            },
            {"$set": {"used_at": now}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if record is None:
            stale = await self.collection.find_one(
                {"_id": digest(token), "purpose": purpose, "authority": authority, "used_at": None},
                session=session,
            )
            raise LinkExpired() if stale is not None else LinkInvalid()
        return LinkUse(
            user_id=str(record["user_id"]),
            authority=str(record["authority"]),
            purpose=purpose,
            subject=record.get("subject"),
        )

    async def latest(self, *, user_id: str, purpose: Purpose) -> Document | None:
        """The person's most recent link for this purpose."""
        found = (
            await self.collection.find({"user_id": user_id, "purpose": purpose})
            .sort([("created_at", -1)])
            .limit(1)
            .to_list(length=1)
        )
        return found[0] if found else None

    async def peek(self, token: str, *, purpose: Purpose, authority: str) -> LinkUse:
        """What a link is for, if it would work now, without using it."""
        now = datetime.now(UTC)
        record = await self.collection.find_one(
            {"_id": digest(token), "purpose": purpose, "authority": authority, "used_at": None}
        )
        if record is None:
            raise LinkInvalid()
        if record["expires_at"] <= now:
            raise LinkExpired()
        return LinkUse(
            user_id=str(record["user_id"]),
            authority=str(record["authority"]),
            purpose=purpose,
            subject=record.get("subject"),
        )
