"""Each service's local copy of the authority registry, kept current from gateway events."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from contracts.envelope import Envelope
from contracts.events.authority import AuthorityUpserted
from contracts.payload import EventPayload
from kit.errors import NotFound
from kit.events.consumer import Subscription
from kit.mongo import Document, Mongo, Session

AUTHORITIES = "authorities"
AUTHORITY_HEADER = "x-authority"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class AuthorityNotFound(NotFound):
    """No such authority, or it is disabled."""

    code = "authority_not_found"
    message = "There is no housing service at this address."


def request_authority(request: Request) -> str:
    """The authority a request belongs to, as the gateway forwarded it."""
    slug = request.headers.get(AUTHORITY_HEADER, "")
    if not slug or len(slug) > 63 or not _SLUG.match(slug):
        raise AuthorityNotFound()
    return slug


class AuthorityCopy:
    """Reads and updates the local copy of the registry."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[AUTHORITIES]

    async def get(self, slug: str) -> Document | None:
        """The local record of an authority, if one arrived."""
        return await self.collection.find_one({"_id": slug})

    async def apply(self, payload: AuthorityUpserted, session: Session) -> bool:
        """Keep the newest revision; say whether this one changed the copy."""
        current = await self.collection.find_one({"_id": payload.slug}, session=session)
        if current is not None and int(current.get("revision", 0)) >= payload.revision:
            return False
        record: dict[str, Any] = payload.model_dump(mode="json")
        record["authority"] = payload.slug
        record["received_at"] = datetime.now(UTC)
        await self.collection.replace_one(
            {"_id": payload.slug}, record, upsert=True, session=session
        )
        return True


def authority_subscription(mongo: Mongo) -> Subscription:
    """The consumer that keeps this service's copy of the registry."""
    copy = AuthorityCopy(mongo)

    async def on_upserted(_: Envelope, payload: EventPayload, session: Session) -> None:
        assert isinstance(payload, AuthorityUpserted)
        await copy.apply(payload, session)

    return Subscription(
        purpose="authorities", bindings=[AuthorityUpserted.event_type], handler=on_upserted
    )


async def active_authority(request: Request) -> Document:
    """The authority this request belongs to; not found when unknown or disabled."""
    slug = request_authority(request)
    record = await AuthorityCopy(request.app.state.runtime.mongo).get(slug)
    if record is None or record.get("status") != "active":
        raise AuthorityNotFound()
    return record


ActiveAuthority = Annotated[Document, Depends(active_authority)]
