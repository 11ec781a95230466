"""What only operators reach: metrics and API documents, kept off the public address."""

from starlette.types import Scope

from gateway.config import settings

# Paths every service (the gateway included) answers for operators; the gateway never proxies
# them and serves its own only on its operations port. The merged API document of an
# authority (`/{authority}/api/openapi.json`, `/docs`) is public and not among them.
OPERATOR_PATHS = frozenset(
    {"/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)


def is_operator_path(path: str) -> bool:
    """Whether a path names an operator surface, however its slashes are written."""
    # Repeated or trailing slashes must not slip a hidden path past this check.
    return "/" + "/".join(part for part in path.split("/") if part) in OPERATOR_PATHS


def on_operations_port(scope: Scope) -> bool:
    """Whether the request arrived on the gateway's internal operations listener."""
    server = scope.get("server")
    port = settings.operations_port
    return port is not None and server is not None and server[1] == port
