"""Tasks and messages at volume: a person's "my tasks", "my messages" and unread count, and one
case's tasks, with 1,000 and 100,000 tasks and messages for one authority.

The records are written straight into the store (as the service stores them) for the
benchmark's own authority, `bench-cases`, emptied of them first; requests then go one at a time
through the gateway. Target: each list's median at volume within 1.5 times its figure at 1,000
(each reads by an index whose equality prefix names one person or one case); the p99 is
reported too, but on a shared two-core machine it follows the other work running more than the
volume. Results are printed and written to bench/results/ as JSON.
"""

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from bench.cases_load import AUTHORITY, case_document, ensure_authority, p99_of, tokens
from bench.volume import Store, compared, emptied_store, run

from cases.cases.repository import CASES
from cases.config import Settings as CasesSettings
from cases.messages.repository import MESSAGES
from cases.tasks.repository import TASKS
from portalstack.endpoints import current_stack

RATIO = 1.5
BATCH = 5000
# The measured person's own tasks and messages, the same at every volume.
OWN = 30


def task_document(
    case: dict[str, Any], *, assignee: str, rng: random.Random, now: datetime
) -> dict[str, Any]:
    """One stored task, as the service stores it."""
    status = rng.choice(["new", "new", "new", "complete", "unable_to_complete"])
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": case["_id"],
        "reference": case["reference"],
        "case_kind": case["kind"],
        "assignee": "applicant",
        "assignee_id": assignee,
        "title": "Send a copy of your tenancy agreement",
        "description": "Upload it on the documents page.",
        "target_date": (date.today() + timedelta(days=rng.randrange(-30, 90))).isoformat(),
        "status": status,
        "open": status == "new",
        "reason": None,
        "review": "pending" if status == "unable_to_complete" else None,
        "review_note": None,
        "set_by": "bench-officer-1",
        "created_at": now,
        "updated_at": now,
        "done_at": None if status == "new" else now,
        "version": 1,
    }


def message_document(
    case: dict[str, Any], *, recipient: str, rng: random.Random, now: datetime
) -> dict[str, Any]:
    """One stored message, as the service stores it."""
    sent = now - timedelta(seconds=rng.uniform(60, 365 * 86400))
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": case["_id"],
        "reference": case["reference"],
        "case_kind": case["kind"],
        "recipient": "applicant",
        "recipient_id": recipient,
        "subject": "Your tenancy agreement",
        "body": "Please send us a copy of your tenancy agreement.",
        "attachments": [],
        "sender_id": "bench-officer-1",
        "created_at": sent,
        "unread": rng.random() < 0.5,
        "read_at": None,
        "person_replies": 0,
        "replies": [],
        "last_at": sent,
    }


async def seed(
    store: Store,
    *,
    count: int,
    person: str,
    case: dict[str, Any],
    rng: random.Random,
    own: bool,
) -> None:
    """Add `count` tasks and as many messages for others; the person's own first if `own`."""
    db = store[CasesSettings().mongo_db]
    now = datetime.now(UTC)
    tasks: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    if own:
        tasks += [task_document(case, assignee=person, rng=rng, now=now) for _ in range(OWN)]
        messages += [message_document(case, recipient=person, rng=rng, now=now) for _ in range(OWN)]
    for number in range(count):
        other = {"_id": uuid.uuid4().hex, "reference": case["reference"], "kind": case["kind"]}
        someone = f"bench-person-{rng.randrange(count)}"
        tasks.append(task_document(other, assignee=someone, rng=rng, now=now))
        messages.append(message_document(other, recipient=someone, rng=rng, now=now))
        if len(tasks) >= BATCH or number == count - 1:
            await db[TASKS].insert_many(tasks, ordered=False)
            await db[MESSAGES].insert_many(messages, ordered=False)
            tasks, messages = [], []


async def empty(store: Store) -> None:
    """Remove the benchmark authority's tasks and messages, and the measured case."""
    db = store[CasesSettings().mongo_db]
    for collection in (TASKS, MESSAGES):
        await db[collection].delete_many({"authority": AUTHORITY})
    await db[CASES].delete_many({"authority": AUTHORITY, "reference": "9999999"})


async def lists(
    http: httpx.AsyncClient, signed: dict[str, str], person: str, case_id: str, requests: int
) -> dict[str, dict[str, float]]:
    """Each list's p50 and p99, as the person and as an officer."""
    base = f"/{AUTHORITY}/api/cases"
    return {
        "my tasks": await p99_of(http, f"{base}/tasks", signed[person], {}, requests),
        "my messages": await p99_of(http, f"{base}/messages", signed[person], {}, requests),
        "unread count": await p99_of(http, f"{base}/messages/unread", signed[person], {}, requests),
        "case tasks (officer)": await p99_of(
            http, f"{base}/cases/{case_id}/tasks", signed["bench-officer-1"], {}, requests
        ),
    }


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure, print, and return the results."""
    rng = random.Random(20261203)  # noqa: S311 (repeatable test data, no secret)
    person = f"bench-applicant-{uuid.uuid4().hex[:8]}"
    signed = await tokens([(person, ("applicant",)), ("bench-officer-1", ("officer",))])
    case = case_document(0, applicant=person, created_at=datetime.now(UTC), rng=rng) | {
        "reference": "9999999",
        "kind": "housing_advice",
        "status": "submitted",
        "open": True,
        "answers": {"topic": "repairs", "question": "The boiler is broken."},
    }
    results: dict[str, Any] = {"authority": AUTHORITY, "requests": arguments.requests}
    async with (
        emptied_store(empty, keep=arguments.keep) as store,
        httpx.AsyncClient(base_url=current_stack().gateway_url, timeout=60.0) as http,
    ):
        await ensure_authority(http)
        await store[CasesSettings().mongo_db][CASES].insert_one(case)
        await seed(store, count=1000, person=person, case=case, rng=rng, own=True)
        small = await lists(http, signed, person, case["_id"], arguments.requests)
        print(f"1,000: {small}")
        began = time.monotonic()
        await seed(
            store, count=arguments.volume - 1000, person=person, case=case, rng=rng, own=False
        )
        print(f"seeded {arguments.volume:,} in {time.monotonic() - began:.0f} s")
        large = await lists(http, signed, person, case["_id"], arguments.requests)
        print(f"{arguments.volume:,}: {large}")
        return (
            results
            | {"volume": arguments.volume}
            | compared(small, large, statistic="p50_ms", target=RATIO)
        )


if __name__ == "__main__":
    sys.exit(run("casework_load", measure, description=__doc__, volume=100_000))
