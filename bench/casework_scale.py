"""A person's work and a case's history as they grow: "my tasks" for a person with tasks on 5
and on 50 cases, and a case's history (the timeline) with 50 and with 500 entries.

The records are written straight into the store (as the service stores them) for the
benchmark's own authority, `bench-cases`, and removed afterwards. Requests go one at a time
through the gateway, the small and the large of each list in turn, so that whatever else the
machine is doing falls on both alike. Target: each list's p99 at full size within 1.5 times its
p99 at a tenth of the size. Results are printed and written to bench/results/ as JSON.
"""

import argparse
import asyncio
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from bench.cases_load import AUTHORITY, case_document, ensure_authority, tokens
from bench.casework_load import task_document
from bench.results import record
from bench.sampling import summary, timed_get
from pymongo import AsyncMongoClient

from cases.cases.repository import CASES, HISTORY
from cases.config import Settings as CasesSettings
from cases.tasks.repository import TASKS
from portalstack.endpoints import current_stack

RATIO = 1.5
TASKS_PER_CASE = 4
ACTIONS = ["task_set", "message_sent", "document_requested", "appointment_booked", "note"]


def history_entry(case: dict[str, Any], at: datetime, rng: random.Random) -> dict[str, Any]:
    """One stored history entry, as the service stores it."""
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": case["_id"],
        "at": at,
        "actor_id": "bench-officer-1",
        "actor": "staff",
        "action": rng.choice(ACTIONS),
        "from_status": case["status"],
        "to_status": case["status"],
        "reason": None,
        "details": {"title": "Send a copy of your tenancy agreement"},
    }


async def seed(
    store: AsyncMongoClient[dict[str, Any]],
    people: dict[str, int],
    timelines: dict[str, int],
    rng: random.Random,
) -> dict[str, str]:
    """Each person's cases with their tasks, and a case per timeline with that many entries
    over the last year; the timelines' case ids by name."""
    db = store[CasesSettings().mongo_db]
    now = datetime.now(UTC)
    year_ago = now - timedelta(days=365)
    cases: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for person, count in people.items():
        for _ in range(count):
            case = case_document(
                rng.randrange(10**6), applicant=person, created_at=year_ago, rng=rng
            )
            case["reference"] = f"S{uuid.uuid4().hex[:10]}"
            cases.append(case)
            tasks += [
                task_document(case, assignee=person, rng=rng, now=now)
                for _ in range(TASKS_PER_CASE)
            ]
    timeline_cases = {}
    for name, count in timelines.items():
        case = case_document(
            rng.randrange(10**6), applicant="bench-someone", created_at=year_ago, rng=rng
        )
        case["reference"] = f"S{uuid.uuid4().hex[:10]}"
        cases.append(case)
        timeline_cases[name] = case["_id"]
        moments = sorted(
            year_ago + timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in range(count)
        )
        entries += [history_entry(case, at, rng) for at in moments]
    await db[CASES].insert_many(cases, ordered=False)
    await db[TASKS].insert_many(tasks, ordered=False)
    await db[HISTORY].insert_many(entries, ordered=False)
    return timeline_cases


async def empty(store: AsyncMongoClient[dict[str, Any]], people: list[str]) -> None:
    """Remove what the benchmark wrote."""
    db = store[CasesSettings().mongo_db]
    ids = [
        case["_id"]
        async for case in db[CASES].find(
            {"authority": AUTHORITY, "reference": {"$regex": "^S"}}, {"_id": 1}
        )
    ]
    await db[TASKS].delete_many({"authority": AUTHORITY, "assignee_id": {"$in": people}})
    await db[HISTORY].delete_many({"authority": AUTHORITY, "case_id": {"$in": ids}})
    await db[CASES].delete_many({"authority": AUTHORITY, "_id": {"$in": ids}})


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure in turn, print, and return the results."""
    stack = current_stack()
    store: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
    rng = random.Random(20261203)  # noqa: S311 (repeatable test data, no secret)
    small, large = (f"bench-tasks-{size}-{uuid.uuid4().hex[:6]}" for size in ("5", "50"))
    signed = await tokens(
        [(small, ("applicant",)), (large, ("applicant",)), ("bench-officer-1", ("officer",))]
    )
    base = f"/{AUTHORITY}/api/cases"
    results: dict[str, Any] = {"authority": AUTHORITY, "requests": arguments.requests}
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60.0) as http:
            await ensure_authority(http)
            timelines = await seed(
                store, {small: 5, large: 50}, {"50 entries": 50, "500 entries": 500}, rng
            )
            # What each page asks for: the first page of my tasks; a page of the history.
            history = {"order": "newest", "limit": 50}
            measured = {
                "my tasks, 5 cases": (f"{base}/tasks", signed[small], {}),
                "my tasks, 50 cases": (f"{base}/tasks", signed[large], {}),
                "timeline, 50 entries": (
                    f"{base}/cases/{timelines['50 entries']}/history",
                    signed["bench-officer-1"],
                    history,
                ),
                "timeline, 500 entries": (
                    f"{base}/cases/{timelines['500 entries']}/history",
                    signed["bench-officer-1"],
                    history,
                ),
            }
            samples: dict[str, list[float]] = {name: [] for name in measured}
            for turn in range(arguments.requests + 10):
                for name, (path, token, params) in measured.items():
                    elapsed = await timed_get(
                        http, path, headers={"Authorization": f"Bearer {token}"}, params=params
                    )
                    if turn >= 10:  # the first few warm up
                        samples[name].append(elapsed)
            figures = {name: summary(times) for name, times in samples.items()}
            for name, figure in figures.items():
                print(f"{name}: {figure}")
            ratios = {
                "my tasks": round(
                    figures["my tasks, 50 cases"]["p99_ms"]
                    / figures["my tasks, 5 cases"]["p99_ms"],
                    2,
                ),
                "timeline": round(
                    figures["timeline, 500 entries"]["p99_ms"]
                    / figures["timeline, 50 entries"]["p99_ms"],
                    2,
                ),
            }
            print(f"p99 ratios, full size to a tenth (target <= {RATIO}): {ratios}")
            results |= {
                "figures": figures,
                "p99_ratios": ratios,
                "within_target": all(ratio <= RATIO for ratio in ratios.values()),
            }
    finally:
        await empty(store, [small, large])
        await store.close()
    return results


def main() -> int:
    """Measure, print and record; fail when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments))
    record("casework_scale", results)
    return 0 if results["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
