"""Response headers that point somewhere, told in the gateway's addresses, never an upstream's."""

from collections.abc import Mapping, Sequence
from urllib.parse import SplitResult, urlsplit

from gateway.upstream import Headers

LOCATION_HEADERS = frozenset({b"location", b"content-location"})

Origin = tuple[str, int | None]


def origin(url: SplitResult, *, scheme: str) -> Origin:
    """Host and port of a URL, the scheme's default port written out."""
    port = url.port or {"http": 80, "https": 443}.get(url.scheme or scheme)
    return (url.hostname or "").lower(), port


def upstream_origins(pools: Mapping[str, Sequence[str]], *, answering: str) -> dict[Origin, str]:
    """Which service each upstream host and port runs; the answering one wins a shared address."""
    found: dict[Origin, str] = {}
    for service, urls in sorted(pools.items(), key=lambda pool: pool[0] == answering):
        for url in urls:
            found[origin(urlsplit(url), scheme="http")] = service
    return found


def public_location(
    value: bytes, *, api_root: str, service: str, upstreams: Mapping[Origin, str]
) -> bytes | None:
    """The header's value as the client must see it; None when it cannot be told safely.

    `api_root` is where services are mounted for this request (`/{authority}/api/`);
    `upstreams` maps each upstream's host and port to the service it runs. A reference to an
    upstream becomes the same path under that service's public prefix; a path-absolute one
    is the answering service's own path; relative references and other sites are kept.
    """
    try:
        url = urlsplit(value.decode("latin-1"))
        named = origin(url, scheme="http") if url.netloc else None
    except ValueError:
        return None
    if named is None:
        if not url.path.startswith("/"):
            return value  # relative to the request's own address: already the gateway's
        owner = service
    else:
        found = upstreams.get(named)
        if found is None:
            return value  # another site altogether
        owner = found
    rest = url._replace(scheme="", netloc="", path=api_root + owner + (url.path or "/"))
    return rest.geturl().encode("latin-1")


def public_headers(
    headers: Headers, *, api_root: str, service: str, upstreams: Mapping[Origin, str]
) -> Headers:
    """The response headers with every location told in the gateway's addresses."""
    told: Headers = []
    for name, value in headers:
        if name in LOCATION_HEADERS:
            public = public_location(value, api_root=api_root, service=service, upstreams=upstreams)
            if public is None:
                continue
            value = public
        told.append((name, value))
    return told


def names_a_location(headers: Headers) -> bool:
    """Whether any header points somewhere."""
    return any(name in LOCATION_HEADERS for name, _ in headers)
