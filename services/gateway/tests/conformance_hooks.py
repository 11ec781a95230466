"""Loaded into the schemathesis run: every request comes from a client address of its own.

The gateway limits requests per client address (sign-in routes to a few a minute), and the
suite's stack trusts the loopback proxy. Each request names a documentation-range address, as
a proxy in front would, so the limits never stand between the generated requests and the
logic behind them. The address is added as the request leaves, not to the generated case:
schemathesis checks the case's own headers (a case missing a required header must stay so).
"""

import uuid
from typing import Any

import requests

# Imported here, in the main thread: imported lazily by a worker thread while another compiles,
# Python 3.11 can fail with "AST constructor recursion depth mismatch".
import schemathesis.transport.asgi  # noqa: F401


def client_address() -> str:
    """A fresh IPv6 documentation address."""
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"


_send = requests.Session.send


def _send_from_own_address(
    self: requests.Session, request: requests.PreparedRequest, **options: Any
) -> requests.Response:
    request.headers["X-Forwarded-For"] = client_address()
    return _send(self, request, **options)


requests.Session.send = _send_from_own_address  # type: ignore[method-assign]
