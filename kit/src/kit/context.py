"""Per-request context carried into logs and events."""

import random
import re
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
authority: ContextVar[str | None] = ContextVar("authority", default=None)
user_id: ContextVar[str | None] = ContextVar("user_id", default=None)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def accept_request_id(value: str | None) -> str:
    """Keep a caller's request id when it is well-formed, else make a new one."""
    if value and _REQUEST_ID.match(value):
        return value
    # A trace id, not a secret: 128 random bits without a system call (random is reseeded in
    # every forked worker).
    return f"{random.getrandbits(128):032x}"
