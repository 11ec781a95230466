"""Registry rules: every change is stored with its announcement in one transaction."""

import asyncio
import contextlib

from pymongo.errors import DuplicateKeyError

from gateway.registry.models import Authority
from gateway.registry.repository import AuthorityStore
from kit import logs
from kit.events.outbox import Outbox
from kit.lease import Lease
from kit.mongo import Mongo, Session

log = logs.get_logger("gateway.registry")

GATEWAY_ACTOR = "gateway"


class RegistryService:
    """Creates authorities and announces them to every service."""

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

    async def announce_all(self) -> int:
        """Publish every authority's current state again (idempotent for consumers)."""
        authorities = await self.store.all()

        async def announce(session: Session) -> None:
            for authority in authorities:
                await self._announce(session, authority)

        await self.mongo.transaction(announce)
        return len(authorities)

    async def _announce(self, session: Session, authority: Authority) -> None:
        await self.outbox.add(
            session,
            authority.announcement(),
            authority=authority.slug,
            actor=GATEWAY_ACTOR,
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
