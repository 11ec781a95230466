"""The registry as each gateway worker sees it: an in-memory copy refreshed from the store."""

import asyncio

from gateway.registry.models import Authority
from gateway.registry.repository import AuthorityStore
from kit import logs

log = logs.get_logger("gateway.registry")


class RegistryView:
    """Lookups by slug and host name without a store round trip per request."""

    def __init__(self, store: AuthorityStore | None = None) -> None:
        self.store = store
        self.by_slug: dict[str, Authority] = {}
        self.by_host: dict[str, Authority] = {}
        self.loaded = asyncio.Event()

    async def refresh(self) -> None:
        """Load every authority again."""
        if self.store is None:
            raise RuntimeError("the registry store is not connected yet")
        authorities = await self.store.all()
        self.by_slug = {authority.slug: authority for authority in authorities}
        self.by_host = {host: authority for authority in authorities for host in authority.hosts}
        self.loaded.set()

    def get(self, slug: str) -> Authority | None:
        """An authority by slug, disabled ones included."""
        return self.by_slug.get(slug)

    async def keep_fresh(self, every_seconds: float) -> None:
        """Refresh until cancelled; a failed refresh keeps the last good copy."""
        while True:
            try:
                await self.refresh()
            except Exception as exc:
                log.warning("registry refresh failed", extra={"reason": repr(exc)})
            await asyncio.sleep(every_seconds)
