"""Rate limits shared by every gateway worker on a host, in a memory-mapped counter table.

Each rule counts requests per key (client address or user) in fixed windows. The table lives
in a file that all gunicorn workers of one gateway map, so a limit holds across workers; a
file lock makes each check-and-count atomic. Keys are hashed: two keys can share a slot only
when the table is full, and then the table errs towards counting too much, never too little.
"""

import fcntl
import hashlib
import mmap
import os
import struct
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter
from starlette.types import Scope

from gateway.clients import TrustedProxies, client_address
from gateway.routing import is_sign_in_route

RATE_LIMITED = Counter(
    "portal_gateway_rate_limited_total", "Requests refused by a rate limit.", ["rule"]
)

SLOT = struct.Struct("<QII")  # key hash, end of the window (epoch seconds), count
SLOTS = 1 << 16
PROBES = 8


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests per `seconds` for one key."""

    name: str
    limit: int
    seconds: int

    @classmethod
    def parse(cls, name: str, text: str) -> "Rule":
        """A rule from `COUNT/SECONDS`, e.g. `20/60`."""
        count, _, seconds = text.partition("/")
        rule = cls(name, int(count), int(seconds or "1"))
        if rule.limit < 1 or rule.seconds < 1:
            raise ValueError(f"rate limit {name} must be COUNT/SECONDS with both at least 1")
        return rule


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go on, and if not, when to try again."""

    allowed: bool
    retry_after: int = 0
    rule: str = ""


def default_state_path() -> Path:
    """A counter file shared by the workers of one gateway (they share a parent process)."""
    return Path(tempfile.gettempdir()) / f"portal-gateway-rates-{os.getppid()}"


class RateLimiter:
    """Fixed-window counters in a shared memory-mapped file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = SLOTS * SLOT.size
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size)

    def hit(self, rule: Rule, key: str, *, now: float | None = None) -> Verdict:
        """Count one request for this key; refuse it if the rule's limit is reached."""
        moment = time.time() if now is None else now
        window_end = (int(moment // rule.seconds) + 1) * rule.seconds
        digest = hashlib.blake2b(f"{rule.name}\0{key}".encode(), digest_size=8).digest()
        key_hash = int.from_bytes(digest, "little") or 1
        start = key_hash % SLOTS
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            offset = self._slot_for(key_hash, start, int(moment))
            stored_hash, stored_end, count = SLOT.unpack_from(self._map, offset)
            if stored_hash != key_hash or stored_end != window_end:
                count = 0
            if count >= rule.limit:
                return Verdict(False, max(1, int(window_end - moment + 0.999)), rule.name)
            SLOT.pack_into(self._map, offset, key_hash, window_end, count + 1)
            return Verdict(True)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _slot_for(self, key_hash: int, start: int, now: int) -> int:
        """This key's slot, else a free or expired one, else the first probed (shared)."""
        fallback = None
        for probe in range(PROBES):
            offset = ((start + probe) % SLOTS) * SLOT.size
            stored_hash, stored_end, _ = SLOT.unpack_from(self._map, offset)
            if stored_hash == key_hash:
                return offset
            if fallback is None and (stored_hash == 0 or stored_end <= now):
                fallback = offset
        return fallback if fallback is not None else (start % SLOTS) * SLOT.size

    def close(self) -> None:
        """Unmap the table."""
        self._map.close()
        os.close(self._fd)


class RequestRates:
    """The gateway's rules: sign-in routes per address, the whole API per address and user."""

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        sign_in_per_address: Rule,
        api_per_address: Rule,
        api_per_user: Rule,
        trusted_proxies: Collection[str] = (),
    ) -> None:
        self.limiter = limiter
        self.trusted_proxies = TrustedProxies(trusted_proxies)
        self.sign_in_per_address = sign_in_per_address
        self.api_per_address = api_per_address
        self.api_per_user = api_per_user

    def client(self, scope: Scope) -> str:
        """The client's address, as the gateway's trusted proxies report it."""
        return client_address(scope, self.trusted_proxies)

    def check_address(self, address: str, *, method: str, service: str, path: str) -> Verdict:
        """Count a request against its client address's limits (before any sign-in check)."""
        checks = [self.api_per_address]
        if is_sign_in_route(service, method, path):
            checks.append(self.sign_in_per_address)
        return self._hit(checks, address)

    def check_user(self, user: str) -> Verdict:
        """Count a signed-in user's request."""
        return self._hit([self.api_per_user], user)

    def _hit(self, rules: list[Rule], key: str) -> Verdict:
        for rule in rules:
            verdict = self.limiter.hit(rule, key)
            if not verdict.allowed:
                RATE_LIMITED.labels(rule.name).inc()
                return verdict
        return Verdict(True)
