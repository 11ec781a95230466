"""Registry rules: every change is stored with its announcement in one transaction."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.errors import DuplicateKeyError

from gateway.registry.models import Authority
from gateway.registry.repository import AuthorityStore
from kit import logs
from kit.concurrency import etag
from kit.errors import AppError, Conflict, NotFound, PreconditionFailed
from kit.events.outbox import Outbox
from kit.lease import Lease
from kit.mongo import Mongo, Session

log = logs.get_logger("gateway.registry")

GATEWAY_ACTOR = "gateway"


class AuthorityExists(Conflict):
    """The slug is taken."""

    code = "authority_exists"
    message = "An authority with this slug already exists."


class HostTaken(Conflict):
    """Another authority already answers at one of these host names."""

    code = "host_taken"
    message = "Another authority already uses this host name."


class UnknownAuthority(NotFound):
    """No authority has this slug."""

    code = "authority_not_found"
    message = "There is no authority with this slug."


class UnknownService(AppError):
    """A routing entry names a service that does not exist."""

    status = 422
    code = "unknown_service"
    message = "Routes may only name the portal's services."


class RegistryService:
    """Creates, changes and announces authorities."""

    def __init__(self, mongo: Mongo, outbox: Outbox) -> None:
        self.mongo = mongo
        self.outbox = outbox
        self.store = AuthorityStore(mongo)

    async def seed(self, authorities: list[Authority]) -> list[str]:
        """Add each seed authority that the registry does not have yet; return the slugs added."""
        added = []
        for authority in authorities:

            async def create(session: Session, authority: Authority = authority) -> None:
                if await self.store.get(authority.slug, session=session) is not None:
                    raise DuplicateKeyError(f"{authority.slug} exists")
                await self.store.insert(authority, session=session)
                await self._announce(session, authority)

            try:
                await self.mongo.transaction(create)
            except DuplicateKeyError:
                continue
            added.append(authority.slug)
        if added:
            log.info("authorities seeded", extra={"slugs": added})
        return added

    async def create(
        self,
        authority: Authority,
        *,
        actor: str,
        remember: Callable[[Session, Authority], Awaitable[None]] | None = None,
    ) -> Authority:
        """Add an authority and announce it, in one transaction."""

        async def create(session: Session) -> Authority:
            if await self.store.get(authority.slug, session=session) is not None:
                raise AuthorityExists()
            await self._refuse_taken_hosts(authority, session=session)
            await self.store.insert(authority, session=session)
            await self._announce(session, authority, actor=actor)
            if remember is not None:
                await remember(session, authority)
            return authority

        try:
            return await self.mongo.transaction(create)
        except DuplicateKeyError as error:
            raise AuthorityExists() from error

    async def update(
        self, slug: str, changes: dict[str, Any], *, expected_revision: int, actor: str
    ) -> Authority:
        """Apply changes to the revision the caller read; announce the new revision."""

        async def update(session: Session) -> Authority:
            current = await self.store.get(slug, session=session)
            if current is None:
                raise UnknownAuthority()
            if current.revision != expected_revision:
                raise PreconditionFailed(details={"current_etag": etag(current.revision)})
            changed = Authority.model_validate(
                {**current.model_dump(), **changes, "revision": current.revision + 1}
            )
            await self._refuse_taken_hosts(changed, session=session)
            if not await self.store.replace(changed, expected_revision, session=session):
                raise PreconditionFailed()
            await self._announce(session, changed, actor=actor)
            return changed

        return await self.mongo.transaction(update)

    async def _refuse_taken_hosts(self, authority: Authority, *, session: Session) -> None:
        for host in authority.hosts:
            owner = await self.store.by_host(host, session=session)
            if owner is not None and owner.slug != authority.slug:
                raise HostTaken(details={"host": host, "authority": owner.slug})

    async def announce_all(self) -> int:
        """Publish every authority's current state again (idempotent for consumers)."""
        authorities = await self.store.all()

        async def announce(session: Session) -> None:
            for authority in authorities:
                await self._announce(session, authority)

        await self.mongo.transaction(announce)
        return len(authorities)

    async def _announce(
        self, session: Session, authority: Authority, *, actor: str = GATEWAY_ACTOR
    ) -> None:
        await self.outbox.add(
            session,
            authority.announcement(),
            authority=authority.slug,
            actor=actor,
            subject=authority.slug,
        )


async def announce_periodically(registry: RegistryService, *, every_seconds: float) -> None:
    """One worker re-announces the registry now and then, so late subscribers catch up."""
    lease = Lease(registry.mongo, "registry-announcer", seconds=every_seconds * 2)
    try:
        while True:
            await asyncio.sleep(every_seconds)
            try:
                if await lease.hold():
                    await registry.announce_all()
            except Exception as exc:
                log.warning("registry announcement failed", extra={"reason": repr(exc)})
    finally:
        with contextlib.suppress(Exception):
            await lease.release()
