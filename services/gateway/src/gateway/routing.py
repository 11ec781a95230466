"""Which upstream serves a request: the authority's own pool, else the default pool."""

import itertools
from collections.abc import Iterator, Mapping, Sequence

from gateway.pools import UpstreamHealth
from gateway.registry.models import Authority

# The pool of the portal's pages: every path outside an authority's API goes there.
WEB = "web"
# Paths a client may call without a token, per service ("*": every service).
PUBLIC_ROUTES: Mapping[str, frozenset[tuple[str, str]]] = {
    "*": frozenset({("GET", "/healthz"), ("GET", "/readyz")}),
    "identity": frozenset(
        {
            ("GET", "/.well-known/jwks.json"),
            ("GET", "/password-rules"),
            ("POST", "/accounts"),
            ("POST", "/accounts/confirmation"),
            ("POST", "/accounts/confirmation-requests"),
            ("POST", "/sessions"),
            ("POST", "/sessions/challenge"),
            ("POST", "/sessions/challenge/email-code"),
            ("POST", "/sessions/challenge/postponement"),
            ("POST", "/sessions/challenge/enrolment"),
            ("POST", "/sessions/challenge/enrolment/confirmation"),
            ("POST", "/tokens/refresh"),
            ("POST", "/tokens/revocation"),
            ("POST", "/password-resets"),
            ("POST", "/password-resets/completion"),
            ("POST", "/staff-invitations/acceptance"),
        }
    ),
}
# Routes that guess at secrets (passwords, codes, reset links): limited per client address.
SIGN_IN_ROUTE_PREFIXES: Mapping[str, tuple[str, ...]] = {
    "identity": ("/sessions", "/tokens", "/accounts", "/password-resets", "/staff-invitations"),
}


def is_sign_in_route(service: str, method: str, path: str) -> bool:
    """Whether a request tries credentials, codes or links."""
    return method == "POST" and path.startswith(SIGN_IN_ROUTE_PREFIXES.get(service, ()))


def is_public(service: str, method: str, path: str) -> bool:
    """Whether a route may be called without an access token."""
    key = ("GET" if method == "HEAD" else method, path)
    return key in PUBLIC_ROUTES["*"] or key in PUBLIC_ROUTES.get(service, frozenset())


class RoutingTable:
    """Pools of upstream base URLs, picked round-robin."""

    def __init__(
        self,
        default_pools: Mapping[str, Sequence[str]],
        *,
        health: UpstreamHealth,
        web_pool: Sequence[str] = (),
    ) -> None:
        self.default_pools = {
            service: [url.rstrip("/") for url in urls] for service, urls in default_pools.items()
        }
        # Kept apart from the services: the pages are no API a client may call by name.
        self.web_pool = [url.rstrip("/") for url in web_pool]
        self.health = health
        for urls in [*self.default_pools.values(), self.web_pool]:
            health.watch(urls)
        self._cycles: dict[tuple[str, ...], Iterator[str]] = {}

    def knows(self, service: str) -> bool:
        """Whether this service exists at all."""
        return service in self.default_pools

    def pool(self, authority: Authority | None, service: str) -> list[str]:
        """The upstream addresses for this authority (None: the portal's front door) and service."""
        own = authority.routes.get(service) if authority is not None else None
        if own:
            return [str(url).rstrip("/") for url in own]
        if service == WEB:
            return self.web_pool
        return self.default_pools.get(service, [])

    def pools(self, authority: Authority) -> dict[str, list[str]]:
        """Every service's upstream addresses for this authority."""
        services = set(self.default_pools) | set(authority.routes)
        return {service: self.pool(authority, service) for service in services}

    def pick(
        self, authority: Authority | None, service: str, *, avoid: str | None = None
    ) -> str | None:
        """The next healthy upstream of the pool, or None if no member takes requests."""
        pool = self.pool(authority, service)
        self.health.watch(pool)
        for url in pool:
            self.health.seen(url)
        members = tuple(url for url in self.health.up(pool) if url != avoid)
        if not members:
            return None
        cycle = self._cycles.get(members)
        if cycle is None:
            cycle = self._cycles[members] = itertools.cycle(members)
        return next(cycle)
