"""Each service's copy of the authority registry: stored from the gateway's events, and held in
every worker's memory, so finding the authority of a request costs no store query."""

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, TypeAlias

from fastapi import Depends, Request

from contracts.envelope import Envelope
from contracts.events.authority import AuthorityUpserted
from contracts.fields import AUTHORITY_SLUG_PATTERN
from contracts.payload import EventPayload
from kit.errors import NotFound, ServiceUnavailable
from kit.events.consumer import Subscription
from kit.mongo import Document, Mongo, Session

AUTHORITIES = "authorities"
AUTHORITY_HEADER = "x-authority"
SLUG = re.compile(AUTHORITY_SLUG_PATTERN)
MAX_SLUG_LENGTH = 63

Authority: TypeAlias = AuthorityUpserted
"""An authority as the registry last announced it: the contract's record, whole."""


class AuthorityNotFound(NotFound):
    """No such authority, or it is disabled."""

    code = "authority_not_found"
    message = "There is no housing service at this address."


def is_slug(text: str) -> bool:
    """Whether the text has the shape of an authority's slug."""
    return 0 < len(text) <= MAX_SLUG_LENGTH and SLUG.match(text) is not None


def request_authority(request: Request) -> str:
    """The authority a request belongs to, as the gateway forwarded it."""
    slug = request.headers.get(AUTHORITY_HEADER, "")
    if not is_slug(slug):
        raise AuthorityNotFound()
    return slug


def _from_record(record: Document) -> Authority:
    fields = AuthorityUpserted.model_fields
    return AuthorityUpserted.model_validate({k: v for k, v in record.items() if k in fields})


class AuthorityCopy:
    """Reads and updates the stored copy of the registry."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[AUTHORITIES]

    async def get(self, slug: str, *, session: Session | None = None) -> Authority | None:
        """The stored record of an authority, if one arrived."""
        record = await self.collection.find_one({"_id": slug}, session=session)
        return _from_record(record) if record is not None else None

    async def all(self) -> list[Authority]:
        """Every stored authority."""
        return [_from_record(record) for record in await self.collection.find({}).to_list(None)]

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


class Authorities:
    """Every authority, in this worker's memory: loaded from the store copy, then kept
    current by the registry's events as they reach every worker."""

    event_types: Sequence[str] = (AuthorityUpserted.event_type,)

    def __init__(self, mongo: Mongo) -> None:
        self.copy = AuthorityCopy(mongo)
        self.loaded = asyncio.Event()
        self._by_slug: dict[str, Authority] = {}

    def get(self, slug: str) -> Authority | None:
        """An authority by slug, disabled ones included."""
        return self._by_slug.get(slug)

    def active(self, slug: str) -> Authority:
        """The authority, if it is active; not found otherwise."""
        if not self.loaded.is_set():
            raise ServiceUnavailable("The service is starting; try again in a moment.")
        authority = self._by_slug.get(slug)
        if authority is None or authority.status != "active":
            raise AuthorityNotFound()
        return authority

    async def load(self) -> None:
        """Read the whole stored copy again, keeping any newer revision held now."""
        for authority in await self.copy.all():
            self._keep(authority)
        self.loaded.set()

    def apply(self, _: Envelope, payload: EventPayload) -> None:
        """Take in a changed authority."""
        if isinstance(payload, AuthorityUpserted):
            self._keep(payload)

    def _keep(self, authority: Authority) -> None:
        held = self._by_slug.get(authority.slug)
        if held is None or held.revision < authority.revision:
            self._by_slug[authority.slug] = authority


def authority_subscription(mongo: Mongo) -> Subscription:
    """The consumer that keeps this service's stored copy of the registry."""
    copy = AuthorityCopy(mongo)

    async def on_upserted(_: Envelope, payload: EventPayload, session: Session) -> None:
        assert isinstance(payload, AuthorityUpserted)
        await copy.apply(payload, session)

    return Subscription(
        purpose="authorities", bindings=[AuthorityUpserted.event_type], handler=on_upserted
    )


async def active_authority(request: Request) -> Authority:
    """The authority this request belongs to; not found when unknown or disabled."""
    authorities: Authorities = request.app.state.runtime.authorities
    return authorities.active(request_authority(request))


ActiveAuthority = Annotated[Authority, Depends(active_authority)]
