"""Health of every upstream address: checked in the background, and at once on a refusal."""

import asyncio
import time
from collections.abc import Iterable

import aiohttp
from prometheus_client import Gauge

from kit import logs

log = logs.get_logger("gateway.pools")

POOL_MEMBER_UP = Gauge(
    "portal_gateway_pool_member_up",
    "Whether the gateway routes to an upstream address (1) or has taken it out (0).",
    ["url"],
    multiprocess_mode="min",
)


class UpstreamHealth:
    """Which upstream addresses take requests; a member that fails is out until it recovers."""

    def __init__(
        self, *, interval: float = 1.0, timeout: float = 2.0, failures_to_remove: int = 3
    ) -> None:
        self.interval = interval
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        # A busy member may answer one check late; only a run of failed checks takes it out.
        # A refused connection is certain and takes it out at once (mark_down).
        self.failures_to_remove = failures_to_remove
        self._failures: dict[str, int] = {}
        self._down: set[str] = set()
        self._known: dict[str, float] = {}

    def watch(self, urls: Iterable[str]) -> None:
        """Start checking these addresses (they count as up until a check says otherwise)."""
        now = time.monotonic()
        for url in urls:
            if url not in self._known:
                self._known[url] = now
                POOL_MEMBER_UP.labels(url).set(1)

    def up(self, urls: Iterable[str]) -> list[str]:
        """The addresses among these that take requests."""
        return [url for url in urls if url not in self._down]

    def mark_down(self, url: str) -> None:
        """Take an address out at once, e.g. after it refused a connection."""
        if url not in self._down:
            log.warning("upstream taken out of its pool", extra={"upstream": url})
        self._down.add(url)
        POOL_MEMBER_UP.labels(url).set(0)

    def mark_up(self, url: str) -> None:
        """Put an address back."""
        if url in self._down:
            log.info("upstream back in its pool", extra={"upstream": url})
        self._down.discard(url)
        POOL_MEMBER_UP.labels(url).set(1)

    async def check(self, session: aiohttp.ClientSession, url: str) -> bool:
        """Whether the address answers its readiness check now."""
        try:
            async with session.get(f"{url}/readyz", timeout=self.timeout) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def keep_checking(self) -> None:
        """Check every known address until cancelled."""
        async with aiohttp.ClientSession() as session:
            while True:
                urls = list(self._known)
                results = await asyncio.gather(*(self.check(session, url) for url in urls))
                for url, healthy in zip(urls, results, strict=True):
                    if healthy:
                        self._failures.pop(url, None)
                        self.mark_up(url)
                        continue
                    self._failures[url] = self._failures.get(url, 0) + 1
                    if self._failures[url] >= self.failures_to_remove:
                        self.mark_down(url)
                # Drop addresses no pool has used for a while (an authority moved pools).
                stale = time.monotonic() - 600
                for url in [u for u, seen in self._known.items() if seen < stale]:
                    self._known.pop(url, None)
                await asyncio.sleep(self.interval)

    def seen(self, url: str) -> None:
        """Note that a pool still uses this address."""
        self._known[url] = time.monotonic()
