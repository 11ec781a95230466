"""Work done once the answer has gone, so its length tells the caller nothing."""

# Some answers must not reveal whether an address has an account. Doing the account's work
# before answering made those answers measurably slower for known addresses; after the
# answer, the work still happens in the same request context (request id, log fields), and
# a failure is logged and counted instead of reaching a caller who has already been answered.

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import BackgroundTasks

from identity.metrics import WORK_AFTER_ANSWER_FAILURES
from kit import logs

log = logs.get_logger("identity.after_answer")

# The answer leaves through the gateway after this service has sent it; work started at once
# competes with that for the machine's processors, and on a busy one the known address's
# answer arrived measurably later. A short pause lets the answer reach the caller first.
PAUSE_SECONDS = 0.05


def after_answering(
    tasks: BackgroundTasks, work: Callable[[], Awaitable[object]], *, name: str
) -> None:
    """Run the work once the answer is sent; a failure is logged and counted, never lost."""

    async def run() -> None:
        await asyncio.sleep(PAUSE_SECONDS)
        try:
            await work()
        except Exception:
            WORK_AFTER_ANSWER_FAILURES.labels(name).inc()
            log.exception("work after the answer failed", extra={"work": name})

    tasks.add_task(run)
