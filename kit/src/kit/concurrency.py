"""Optimistic concurrency on the API: a record's version as its ETag, checked with If-Match."""

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
