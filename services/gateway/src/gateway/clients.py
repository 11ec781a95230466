"""Who is calling: the client's address, as seen directly or through a trusted proxy."""

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The proxies in front of the gateway: single addresses or whole networks (CIDR).

    A network suits proxies whose addresses change, like the portal's web pods or an ingress
    controller's, as long as nothing else in that network can reach the gateway.
    """

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry.strip(), strict=False) for entry in entries
        )

    def __contains__(self, address: object) -> bool:
        if not self.networks or not isinstance(address, str):
            return False
        try:
            parsed = ipaddress.ip_address(address.strip())
        except ValueError:
            return False  # "unknown", or a name: never one of ours
        return any(parsed in network for network in self.networks)


def client_address(scope: Scope, trusted_proxies: TrustedProxies) -> str:
    """The caller's address; X-Forwarded-For counts only when a trusted proxy sent it."""
    client = scope.get("client")
    peer: str = client[0] if client else "unknown"
    if peer not in trusted_proxies:
        return peer
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            hops: list[str] = [
                hop.strip() for hop in value.decode("latin-1").split(",") if hop.strip()
            ]
            # The nearest hop that is not one of our proxies is the client.
            for hop in reversed(hops):
                if hop not in trusted_proxies:
                    return hop[:64]
    return peer
