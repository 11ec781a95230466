"""The error responses a route declares in OpenAPI, all with the standard error body."""

from typing import Any

from fastapi import Depends
from fastapi.params import Depends as DependsParam

from kit.authorities import active_authority
from kit.errors import ErrorBody

# The routes of a router that serves one authority: the one in X-Authority, which must be active.
AUTHORITY_SCOPED: list[DependsParam] = [Depends(active_authority)]

_DESCRIPTIONS = {
    400: "The request cannot be used as sent (an invalid or expired link, code or cursor)",
    401: "Not signed in, or the credentials given are not right",
    403: "The caller may not do this",
    404: "No such thing here, or not one the caller may see",
    409: "Clashes with the current state",
    412: "The resource changed since it was read (If-Match)",
    422: "Some of the information sent is missing or not valid",
    428: "If-Match is required",
    429: "Too many requests or attempts: wait, then try again (see Retry-After)",
    503: "Starting up or a dependency is unavailable",
}


def declared(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that can answer with these error statuses (422, 503 always)."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        for status in sorted({*statuses, 422, 503})
    }
