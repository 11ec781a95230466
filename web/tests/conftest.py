"""Fixtures for the web service's tests: the portal as browsers reach it, through the gateway."""

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from portalstack.endpoints import Stack
from portalstack.settings import StackSettings

# The web app imported by a test reads the running stack's gateway, never the default one.
os.environ.setdefault("WEB_GATEWAY_URL", StackSettings.from_env().service_url("gateway"))


@pytest.fixture(scope="session")
def web_url() -> str:
    """The web service's own address (behind the gateway in real use)."""
    return StackSettings.from_env().service_url("web")


@pytest.fixture
async def portal(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the portal at the gateway's address; redirects are not followed."""
    suffix = uuid.uuid4().hex
    # A client address of its own, so rate limits per address apply per test.
    address = f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=15.0, headers={"X-Forwarded-For": address}
    ) as client:
        yield client
