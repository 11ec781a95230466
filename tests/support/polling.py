"""Waiting for the real servers: poll a check until it holds, within a deadline."""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

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
