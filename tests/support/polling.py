"""Waiting for the real servers: poll a check until it holds, within a deadline."""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

import httpx

Found = TypeVar("Found")

# Often enough that a test waits little past the moment; rarely enough to spare the store.
POLL_SECONDS = 0.05


@overload
async def eventually(
    check: Callable[[], Awaitable[Found | None]],
    *,
    within: float = ...,
    what: str = ...,
    every: float = ...,
    details: Callable[[], Awaitable[str]] | None = ...,
) -> Found: ...


@overload
async def eventually(
    check: Callable[[], Found | None],
    *,
    within: float = ...,
    what: str = ...,
    every: float = ...,
    details: Callable[[], Awaitable[str]] | None = ...,
) -> Found: ...


async def eventually(
    check: Callable[[], Any],
    *,
    within: float = 10.0,
    what: str = "condition",
    every: float = POLL_SECONDS,
    details: Callable[[], Awaitable[str]] | None = None,
) -> Any:
    """The first truthy answer of check (sync or async); fail saying what once `within` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return outcome
        if loop.time() > deadline:
            report = f"\n{await details()}" if details is not None else ""
            raise AssertionError(f"{what}: not reached within {within:g} s{report}")
        await asyncio.sleep(every)


async def status_reached(
    client: httpx.AsyncClient,
    url: str,
    status: int,
    *,
    headers: dict[str, str] | None = None,
    within: float = 10.0,
) -> httpx.Response:
    """The first answer to GET url with this status; fail showing the last one after `within`."""
    answers: list[httpx.Response] = []

    async def answer() -> httpx.Response | None:
        response = await client.get(url, headers=headers)
        answers.append(response)
        return response if response.status_code == status else None

    async def last() -> str:
        return f"last answer: {answers[-1].status_code} {answers[-1].text[:1000]}"

    return await eventually(
        answer, within=within, what=f"GET {url} answering {status}", every=0.1, details=last
    )


def wait_until_ready(url: str, *, within: float = 30.0, what: str) -> None:
    """Block until the server at url answers /readyz with 200; fail naming what it is."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.1)
    raise AssertionError(f"{what} on {url} did not become ready within {within:g} s")
