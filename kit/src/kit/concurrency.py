"""Optimistic concurrency on the API: a record's version as its ETag, checked with If-Match."""

from typing import Any

from fastapi import Request, Response

from kit.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    """The ETag of a record at this version."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Tell the client which version it read."""
    response.headers["ETag"] = etag(version)


def require_match(request: Request, version: int) -> None:
    """Refuse an update unless If-Match names the current version."""
    sent = request.headers.get("if-match")
    if sent is None:
        raise PreconditionRequired()
    candidates = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if "*" not in candidates and etag(version) not in candidates:
        raise PreconditionFailed(details={"current_etag": etag(version)})


# A route that calls `require_match` declares the header with `openapi_extra=IF_MATCH`: it is
# read from the request there (so a missing one is a 428, not a validation error), and the
# document still says it is required.
IF_MATCH: dict[str, Any] = {
    "parameters": [
        {
            "name": "If-Match",
            "in": "header",
            "required": True,
            "description": "The ETag of the version this change was made from.",
            "schema": {"type": "string"},
        }
    ]
}
