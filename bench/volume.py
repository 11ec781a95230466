"""Lists measured at 1,000 records and again at volume, in the benchmark's own authority: the
store emptied of its records around the run, each list's figure compared, the verdict recorded."""

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from bench.results import record
from pymongo import AsyncMongoClient

from portalstack.endpoints import current_stack

Store = AsyncMongoClient[dict[str, Any]]
Figures = dict[str, dict[str, float]]


@contextlib.asynccontextmanager
async def emptied_store(
    empty: Callable[[Store], Awaitable[None]], *, keep: bool
) -> AsyncIterator[Store]:
    """The stack's store, emptied of the benchmark's records before, and after unless kept."""
    store: Store = AsyncMongoClient(current_stack().mongo_url, tz_aware=True)
    try:
        await empty(store)
        yield store
    finally:
        if not keep:
            await empty(store)
        await store.close()


def compared(small: Figures, large: Figures, *, statistic: str, target: float) -> dict[str, Any]:
    """Each list's figure at volume over its figure at 1,000, and whether all are in target."""
    ratios = {name: round(large[name][statistic] / small[name][statistic], 2) for name in small}
    print(f"{statistic} ratios (target <= {target}): {ratios}")
    return {
        "at_1000": small,
        "at_volume": large,
        "statistic": statistic,
        "ratios": ratios,
        "within_target": all(ratio <= target for ratio in ratios.values()),
    }


def run(
    name: str,
    measure: Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]],
    *,
    description: str | None,
    volume: int,
) -> int:
    """Parse the arguments, measure, print and record; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--volume", type=int, default=volume, help="records at volume")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="leave the seeded records in place")
    results = asyncio.run(measure(parser.parse_args()))
    record(name, results)
    return 0 if results["within_target"] else 1
