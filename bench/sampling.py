"""Timing requests one at a time: their percentiles, and waiting out a rate limit."""

import asyncio
import statistics
import time

import httpx


def percentile(samples: list[float], share: float) -> float:
    """The value below which this share of the samples fall."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(samples: list[float]) -> dict[str, float]:
    """p50 and p99 of a list of milliseconds."""
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
    }


async def timed_get(
    client: httpx.AsyncClient,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, object] | None = None,
) -> float:
    """One GET's milliseconds; anything but a 200 stops the benchmark.

    A benchmark's requests all count against one person's request limit, so a long run may
    be told to wait: it waits as asked and measures again.
    """
    while True:
        began = time.perf_counter()
        answer = await client.get(path, headers=headers, params=params)  # type: ignore[arg-type]
        elapsed = (time.perf_counter() - began) * 1000
        if answer.status_code == 429:
            await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
            continue
        if answer.status_code != 200:
            raise RuntimeError(f"{path} {params or ''}: {answer.status_code} {answer.text[:200]}")
        return elapsed
