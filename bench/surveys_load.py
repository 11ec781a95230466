"""Survey answers at volume: the managers' list of answers (its first page, a later page, and
one kind of case's), with 1,000 and then 100,000 answers for one authority.

The answers are written straight into the store (as the service stores them, with their
tallies) for the benchmark's own authority, `bench-cases`, emptied first, answered over three
years; requests go one at a time through the gateway. Target: each list's p99 at volume
within 1.5 times its figure at 1,000, since the list reads answers in time windows that widen
only while its page is not full. Results are printed and written to bench/results/ as JSON.
"""

import argparse
import random
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from bench.cases_load import AUTHORITY, ensure_authority, p99_of, tokens
from bench.volume import Store, compared, emptied_store, run

from notifications.config import Settings as NotificationsSettings
from notifications.surveys.models import ALL_KINDS, SURVEY_TALLIES, SURVEYS
from notifications.surveys.repository import tally_id
from portalstack.endpoints import current_stack

RATIO = 1.5
BATCH = 5000
SPREAD = timedelta(days=3 * 365)
KINDS = ["homelessness", "housing_register", "housing_advice"]
LIST = f"/{AUTHORITY}/api/notifications/surveys"


def answer(number: int, at: datetime, rng: random.Random) -> dict[str, Any]:
    """One answered survey."""
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": uuid.uuid4().hex,
        "reference": str(1_000_000 + number),
        "case_kind": rng.choice(KINDS),
        "applicant_id": f"bench-applicant-{number}",
        "language": "en",
        "event_id": uuid.uuid4().hex,
        "requested_at": at - timedelta(days=2),
        "answered_at": at,
        "rating": rng.randint(1, 5),
        "comment": "Helpful and quick." if number % 3 == 0 else None,
    }


async def seed(store: Store, *, start: int, count: int, rng: random.Random) -> None:
    """Add `count` answers spread over three years, and count them in the tallies."""
    db = store[NotificationsSettings().mongo_db]
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = []
    ratings: Counter[tuple[str, int]] = Counter()
    first = now
    for number in range(start, start + count):
        at = now - timedelta(seconds=rng.uniform(0, SPREAD.total_seconds()))
        first = min(first, at)
        batch.append(answer(number, at, rng))
        for scope in (ALL_KINDS, batch[-1]["case_kind"]):
            ratings[(scope, batch[-1]["rating"])] += 1
        if len(batch) == BATCH:
            await db[SURVEYS].insert_many(batch, ordered=False)
            batch = []
    if batch:
        await db[SURVEYS].insert_many(batch, ordered=False)
    for scope in (ALL_KINDS, *KINDS):
        counts = {f"ratings.{rating}": ratings[(scope, rating)] for rating in range(1, 6)}
        await db[SURVEY_TALLIES].update_one(
            {"_id": tally_id(AUTHORITY, scope)},
            {
                "$set": {"authority": AUTHORITY, "scope": scope},
                "$inc": counts,
                "$min": {"first_at": first},
            },
            upsert=True,
        )


async def empty(store: Store) -> None:
    """Remove the benchmark authority's surveys and tallies."""
    db = store[NotificationsSettings().mongo_db]
    for collection in (SURVEYS, SURVEY_TALLIES):
        await db[collection].delete_many({"authority": AUTHORITY})


async def lists(http: httpx.AsyncClient, token: str, requests: int) -> dict[str, dict[str, float]]:
    """Each list's p50 and p99."""
    first = await http.get(LIST, headers={"Authorization": f"Bearer {token}"})
    first.raise_for_status()
    later = {"cursor": first.json()["next_cursor"]}
    return {
        "answers, first page": await p99_of(http, LIST, token, {}, requests),
        "answers, second page": await p99_of(http, LIST, token, later, requests),
        "one kind's answers": await p99_of(
            http, LIST, token, {"case_kind": "housing_advice"}, requests
        ),
    }


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure, print, and return the results."""
    rng = random.Random(20261203)  # noqa: S311 (repeatable test data, no secret)
    token = (await tokens([("bench-manager", ("manager",))]))["bench-manager"]
    results: dict[str, Any] = {"authority": AUTHORITY, "requests": arguments.requests}
    async with (
        emptied_store(empty, keep=arguments.keep) as store,
        httpx.AsyncClient(base_url=current_stack().gateway_url, timeout=60.0) as http,
    ):
        await ensure_authority(http)
        await seed(store, start=0, count=1000, rng=rng)
        small = await lists(http, token, arguments.requests)
        print(f"1,000 answers: {small}")
        await seed(store, start=1000, count=arguments.volume - 1000, rng=rng)
        large = await lists(http, token, arguments.requests)
        print(f"{arguments.volume:,} answers: {large}")
        return (
            results
            | {"volume": arguments.volume}
            | compared(small, large, statistic="p99_ms", target=RATIO)
        )


if __name__ == "__main__":
    sys.exit(run("surveys_load", measure, description=__doc__, volume=100_000))
