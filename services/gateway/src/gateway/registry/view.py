"""The registry as each gateway worker sees it: an in-memory copy, loaded from the store again
whenever an authority changes."""

import asyncio
from collections.abc import Iterable

from contracts.envelope import Envelope
from contracts.events.authority import AuthorityUpserted
from contracts.payload import EventPayload
from gateway.registry.models import Authority
from gateway.registry.repository import AuthorityStore
from kit import logs

log = logs.get_logger("gateway.registry")


class RegistryView:
    """Lookups by slug and host name without a store round trip per request."""

    def __init__(self) -> None:
        self.by_slug: dict[str, Authority] = {}
        self.by_host: dict[str, Authority] = {}
        self.loaded = asyncio.Event()

    def replace(self, authorities: Iterable[Authority]) -> None:
        """Hold these authorities instead of those held until now."""
        held = list(authorities)
        self.by_slug = {authority.slug: authority for authority in held}
        self.by_host = {host: authority for authority in held for host in authority.hosts}
        self.loaded.set()

    def get(self, slug: str) -> Authority | None:
        """An authority by slug, disabled ones included."""
        return self.by_slug.get(slug)


class RegistryLoader:
    """Keeps a worker's registry view current: loads it again whenever an authority changes."""

    event_types = (AuthorityUpserted.event_type,)

    def __init__(self, view: RegistryView, store: AuthorityStore) -> None:
        self.view = view
        self.store = store
        self._reloading: asyncio.Task[None] | None = None
        self._stale = False

    async def load(self) -> None:
        """Load every authority again, once the view holds the seeded registry."""
        # Before the seed is stored an empty registry would pass for a loaded one.
        if self.view.loaded.is_set():
            self.view.replace(await self.store.all())

    def apply(self, _: Envelope, payload: EventPayload) -> None:
        """Load again after a change: routes and origins live only in the store."""
        if not isinstance(payload, AuthorityUpserted):
            return
        self._stale = True
        if self._reloading is None or self._reloading.done():
            self._reloading = asyncio.create_task(self._reload_while_stale(), name="registry")

    async def _reload_while_stale(self) -> None:
        # A change that arrives during a load may not be in it: load once more.
        while self._stale:
            self._stale = False
            try:
                await self.load()
            except Exception as exc:
                log.warning("registry reload failed", extra={"reason": repr(exc)})
                return
