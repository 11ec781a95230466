"""Who is calling: the client's address, as seen directly or through a trusted proxy."""

from collections.abc import Collection

from starlette.types import Scope


def client_address(scope: Scope, trusted_proxies: Collection[str]) -> str:
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
