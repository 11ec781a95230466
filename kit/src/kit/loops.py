"""Background loops that work through a backlog: again at once while there is more, else on
a wake-up or the next poll, and after a failure with a growing pause."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from kit import logs

log = logs.get_logger("kit.loops")

FIRST_PAUSE_SECONDS = 0.4
LONGEST_PAUSE_SECONDS = 5.0

Result = TypeVar("Result")


async def keep_working(
    step: Callable[[], Awaitable[bool]],
    *,
    name: str,
    wake: asyncio.Event,
    poll_seconds: float,
    after_failure: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Run `step` until cancelled; it says whether more work is waiting.

    With nothing waiting, the loop sleeps until `wake` is set or `poll_seconds` pass. A step
    that raises is logged and tried again after a pause that doubles up to 5 s (first running
    `after_failure`, e.g. to drop a broken connection).
    """
    failures = 0
    while True:
        # Cleared before the step, so a wake-up that comes while it runs is not lost.
        wake.clear()
        try:
            more = await step()
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failures += 1
            delay = min(FIRST_PAUSE_SECONDS * 2 ** (failures - 1), LONGEST_PAUSE_SECONDS)
            log.warning(f"{name} failed, retrying", extra={"reason": repr(exc), "retry_in": delay})
            if after_failure is not None:
                await after_failure()
            await asyncio.sleep(delay)
            continue
        if not more:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), poll_seconds)


async def finish_before_stopping(work: Awaitable[Result]) -> Result:
    """Await `work`; if cancelled meanwhile, let it finish first, then stop.

    For a step whose half-done state others would have to wait out (a lease write, a batch of
    claimed events published but not yet marked sent).
    """
    running = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await running
        raise
