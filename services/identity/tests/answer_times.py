"""Timing answers through the gateway: they must not tell which addresses have accounts."""

import asyncio
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tests.support.portal import Portal

# Two-sided p = 0.001: timings from one distribution stay below this nearly always, while the
# tell once seen (9 ms against 4 ms, 20 samples each, barely overlapping) gives well over 4.
SAME_DISTRIBUTION_Z = 3.29
# How long the work after a known address's answer may take: a busy shared store can hold a
# transaction back for seconds, which is slow but not what these tests are about.
WORK_WAIT_SECONDS = 60.0
# A breath between requests, so that neither set inherits the other's stragglers.
PAUSE_BETWEEN_SECONDS = 0.05


@dataclass(frozen=True)
class AnswerTimes:
    """Milliseconds to answer for addresses with an account and for addresses without."""

    known: list[float]
    unknown: list[float]

    def rank_sum_z(self) -> float:
        """The Mann-Whitney rank-sum statistic as a z score (0: no difference at all)."""
        return rank_sum_z(self.known, self.unknown)

    def __str__(self) -> str:
        return (
            f"known {sorted(round(ms, 1) for ms in self.known)}, "
            f"unknown {sorted(round(ms, 1) for ms in self.unknown)}"
        )


def rank_sum_z(first: Sequence[float], second: Sequence[float]) -> float:
    """How far the first sample's rank sum lies from what one shared distribution would give."""
    ranked = sorted([(value, 0) for value in first] + [(value, 1) for value in second])
    ranks_of_first = 0.0
    index = 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        shared_rank = (index + end) / 2 + 1
        ranks_of_first += shared_rank * sum(1 for item in ranked[index : end + 1] if item[1] == 0)
        index = end + 1
    n, m = len(first), len(second)
    u = ranks_of_first - n * (n + 1) / 2
    return (u - n * m / 2) / math.sqrt(n * m * (n + m + 1) / 12)


def client_address() -> str:
    """A documentation-range address of its own, so per-address limits never count these."""
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"


async def time_answers(
    portal: Portal,
    authority: str,
    path: str,
    *,
    known: Sequence[dict[str, Any]],
    unknown: Sequence[dict[str, Any]],
    warm_up: dict[str, Any],
    done: Callable[[dict[str, Any]], Awaitable[object]],
    status: int = 202,
) -> AnswerTimes:
    """Time each body's POST, known and unknown addresses taking turns."""
    # `done` waits for what a known address's request leads to: work still going on after an
    # answer would slow whichever request came next, which is not what is measured.
    # The first request through a new connection pays for opening it: not part of either set.
    await portal.post(authority, path, warm_up, headers={"X-Forwarded-For": client_address()})
    times = AnswerTimes(known=[], unknown=[])
    for number, (known_body, unknown_body) in enumerate(zip(known, unknown, strict=True)):
        pair = [(known_body, times.known), (unknown_body, times.unknown)]
        # Known first, then unknown first (K U U K ...): a slow or quickening machine, and
        # whatever follows a known address's request, weigh on both sets alike.
        for body, samples in pair if number % 2 == 0 else reversed(pair):
            headers = {"X-Forwarded-For": client_address()}
            started = time.perf_counter()
            response = await portal.post(authority, path, body, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == status, response.text
            if samples is times.known:
                await done(body)
            await asyncio.sleep(PAUSE_BETWEEN_SECONDS)
    return times
