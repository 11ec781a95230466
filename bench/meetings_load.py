"""Appointments and letters at volume: a person's appointments between two dates, a case's
appointments and a person's letters, with 1,000 and then 100,000 of each for one authority.

The records are written straight into the store (as the service stores them) for the
benchmark's own authority, `bench-cases`, emptied first; requests go one at a time through the
gateway. Target: each list's median at volume within 1.5 times its figure at 1,000, since every
query's equality prefix names one person or one case (the p99 is recorded too; on a shared
two-core machine it moves with whatever else runs). Results are printed and written to
bench/results/ as JSON.
"""

import argparse
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from bench.cases_load import AUTHORITY, case_document, ensure_authority, p99_of, tokens
from bench.volume import Store, compared, emptied_store, run

from cases.appointments.repository import APPOINTMENTS
from cases.cases.repository import CASES
from cases.config import Settings as CasesSettings
from cases.letters.repository import LETTERS
from portalstack.endpoints import current_stack

RATIO = 1.5
BATCH = 5000
PEOPLE_SHARE = 5  # records per person on average
TYPES = ["interview", "assessment", "viewing", "review"]


def appointment(person: str, case_id: str, at: datetime, rng: random.Random) -> dict[str, Any]:
    """One stored appointment."""
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": case_id,
        "reference": "1000001",
        "person_id": person,
        "officer_id": "bench-officer-3",
        "officer_name": "Dawn Price",
        "appointment_type": rng.choice(TYPES),
        "how": "in_person",
        "detail": "Town Hall",
        "starts_at": at,
        "ends_at": at + timedelta(hours=1),
        "status": "booked",
        "sequence": 0,
        "cancel_reason": None,
        "booked_by": "bench-officer-3",
        "created_at": at - timedelta(days=7),
        "updated_at": at - timedelta(days=7),
        "cancelled_at": None,
        "version": 1,
        "language": "en",
    }


def letter(person: str, case_id: str, at: datetime) -> dict[str, Any]:
    """One stored letter."""
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "case_id": case_id,
        "reference": "1000001",
        "person_id": person,
        "template": "general_advice",
        "title": "Advice about your housing options",
        "language": "en",
        "created_by": "bench-officer-3",
        "signed_by": "Dawn Price",
        "issued_at": at,
        "document_id": uuid.uuid4().hex,
        "viewed_at": None,
        "acknowledged_at": None,
        "version": 1,
    }


async def seed(
    store: Store,
    *,
    start: int,
    count: int,
    measured: tuple[str, str],
    rng: random.Random,
) -> None:
    """Add `count` appointments and `count` letters over two years; the measured person's
    case has five of each."""
    db = store[CasesSettings().mongo_db]
    now = datetime.now(UTC)
    appointments: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    for number in range(start, start + count):
        person, case_id = (
            measured if number < 5 else (f"bench-person-{number // PEOPLE_SHARE}", uuid.uuid4().hex)
        )
        at = now + timedelta(seconds=rng.uniform(-365 * 86400, 365 * 86400))
        appointments.append(appointment(person, case_id, at, rng))
        letters.append(letter(person, case_id, now - timedelta(seconds=rng.uniform(0, 3e7))))
        if len(appointments) == BATCH:
            await db[APPOINTMENTS].insert_many(appointments, ordered=False)
            await db[LETTERS].insert_many(letters, ordered=False)
            appointments, letters = [], []
    if appointments:
        await db[APPOINTMENTS].insert_many(appointments, ordered=False)
        await db[LETTERS].insert_many(letters, ordered=False)


async def empty(store: Store) -> None:
    """Remove the benchmark authority's appointments, letters and cases."""
    db = store[CasesSettings().mongo_db]
    for collection in (APPOINTMENTS, LETTERS, CASES):
        await db[collection].delete_many({"authority": AUTHORITY})


async def lists(
    http: httpx.AsyncClient, signed: dict[str, str], person: str, case_id: str, requests: int
) -> dict[str, dict[str, float]]:
    """Each list's p50 and p99."""
    today = datetime.now(UTC).date()
    window = {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}
    return {
        "my appointments (a year)": await p99_of(
            http, f"/{AUTHORITY}/api/cases/appointments", signed[person], window, requests
        ),
        "a case's appointments": await p99_of(
            http,
            f"/{AUTHORITY}/api/cases/cases/{case_id}/appointments",
            signed["bench-officer-3"],
            {},
            requests,
        ),
        "my letters": await p99_of(
            http, f"/{AUTHORITY}/api/cases/letters", signed[person], {}, requests
        ),
    }


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure, print, and return the results."""
    rng = random.Random(20261203)  # noqa: S311 (repeatable test data, no secret)
    person = f"bench-person-{uuid.uuid4().hex[:8]}"
    signed = await tokens([(person, ("applicant",)), ("bench-officer-3", ("officer",))])
    results: dict[str, Any] = {"authority": AUTHORITY, "requests": arguments.requests}
    async with (
        emptied_store(empty, keep=arguments.keep) as store,
        httpx.AsyncClient(base_url=current_stack().gateway_url, timeout=60.0) as http,
    ):
        await ensure_authority(http)
        case = case_document(0, applicant=person, created_at=datetime.now(UTC), rng=rng)
        case |= {"kind": "housing_advice", "status": "submitted", "open": True}
        case |= {"closed_at": None, "next_deadline": None, "answers": {}}
        await store[CasesSettings().mongo_db][CASES].insert_one(case)
        measured = (person, str(case["_id"]))
        await seed(store, start=0, count=1000, measured=measured, rng=rng)
        small = await lists(http, signed, person, measured[1], arguments.requests)
        print(f"1,000 of each: {small}")
        await seed(store, start=1000, count=arguments.volume - 1000, measured=measured, rng=rng)
        large = await lists(http, signed, person, measured[1], arguments.requests)
        print(f"{arguments.volume:,} of each: {large}")
        return (
            results
            | {"volume": arguments.volume}
            | compared(small, large, statistic="p99_ms", target=RATIO)
        )


if __name__ == "__main__":
    sys.exit(run("meetings_load", measure, description=__doc__, volume=100_000))
