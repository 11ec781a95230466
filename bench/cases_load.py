"""Cases at volume: "my cases" and the officers' caseload with 1,000 and 100,000 cases for one
authority, and the time from submitting an application to its event on the broker.

The cases are written straight into the store (as the service stores them) for an authority of
the benchmark's own, `bench-cases`, emptied first; requests then go one at a time through the
gateway with tokens signed by identity's current key. Targets: an applicant's "my cases" p99 at
100,000 cases within 1.5 times its figure at 1,000, and a caseload page (50 rows, the default
filter) under 100 ms at p99. Results are printed and written to bench/results/ as JSON.
"""

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
from bench.results import record
from bench.sampling import summary, timed_get
from pymongo import AsyncMongoClient

from cases.cases.repository import CASES, FIRST_REFERENCE, HISTORY, REFERENCES
from cases.config import Settings as CasesSettings
from identity.config import Settings as IdentitySettings
from identity.keys import SigningKeys
from kit.events.broker import declare_exchange
from kit.mongo import Mongo
from portalstack.endpoints import current_stack

AUTHORITY = "bench-cases"
MODULES = ["homelessness", "housing_register", "housing_advice"]
MY_CASES_RATIO = 1.5
CASELOAD_P99_MS = 100.0
OFFICERS = 20
BATCH = 5000
STATUSES = {
    "homelessness": ["pending", "approach", "prevention", "relief", "decision", "closed"],
    "housing_register": ["draft", "submitted", "assessed", "live", "suspended", "closed"],
    "housing_advice": ["submitted", "in_progress", "closed"],
}
ANSWERS = {
    "homelessness": {
        "reason_for_approach": "Asked to leave by family",
        "steps_taken": "Stayed with friends",
        "assistance_wanted": "Somewhere to live",
        "homeless_before": False,
    },
    "housing_register": {
        "current_address": "1 High Street",
        "tenure": "living_with_family",
        "bedrooms_needed": 2,
        "medical_needs": False,
        "local_connection": True,
    },
    "housing_advice": {"topic": "repairs", "question": "The boiler is broken."},
}


async def tokens(
    users: list[tuple[str, tuple[str, ...]]], *, authority: str = AUTHORITY
) -> dict[str, str]:
    """Access tokens for (user, roles), signed with identity's current key."""
    settings = IdentitySettings()
    mongo = Mongo(current_stack().mongo_url, settings.mongo_db)
    try:
        keys = SigningKeys(
            mongo,
            secret=settings.signing_key_secret,
            token_lifetime=timedelta(minutes=settings.access_token_minutes),
        )
        now = int(time.time())
        return {
            user: await keys.sign(
                {
                    "iss": settings.token_issuer,
                    "sub": user,
                    "authority": authority,
                    "roles": list(roles),
                    "amr": ["pwd"],
                    "iat": now,
                    "exp": now + 7200,
                    "jti": uuid.uuid4().hex,
                    "sid": uuid.uuid4().hex,
                }
            )
            for user, roles in users
        }
    finally:
        await mongo.close()


async def ensure_authority(http: httpx.AsyncClient) -> None:
    """Register the benchmark's authority if missing, and wait until cases serves it."""
    admin = (await tokens([("bench-platform-admin", ("platform_admin",))], authority="watford"))[
        "bench-platform-admin"
    ]
    # Registry changes are made through an existing authority's gateway API.
    created = await http.post(
        "/watford/api/gateway/authorities",
        json={
            "slug": AUTHORITY,
            "name": "Benchmark Borough Council",
            "kind": "council",
            "modules": MODULES,
            "uploads": {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]},
            "branding": {"colour": "#335577"},
        },
        headers={"Authorization": f"Bearer {admin}"},
    )
    if created.status_code not in (201, 409):
        raise RuntimeError(f"could not register {AUTHORITY}: {created.text}")
    probe = (await tokens([("bench-probe", ("officer",))]))["bench-probe"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = await http.get(
            f"/{AUTHORITY}/api/cases/kinds", headers={"Authorization": f"Bearer {probe}"}
        )
        if answer.status_code == 200:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the cases service never served {AUTHORITY}")


def case_document(
    number: int, *, applicant: str, created_at: datetime, rng: random.Random
) -> dict[str, Any]:
    """One stored case, as the service stores it."""
    kind = rng.choice(list(STATUSES))
    status = rng.choice(STATUSES[kind])
    ended = status == "closed"
    owner = None if rng.random() < 0.3 else f"bench-officer-{rng.randrange(OFFICERS)}"
    started = created_at.date() + timedelta(days=2)
    stages: dict[str, str | None] = {
        "prevention_started_on": None,
        "relief_started_on": None,
        "decision_notified_on": None,
    }
    deadline = None
    if status == "prevention":
        stages["prevention_started_on"] = started.isoformat()
        deadline = (started + timedelta(days=56)).isoformat()
    elif status == "relief":
        stages["relief_started_on"] = started.isoformat()
        deadline = (started + timedelta(days=56)).isoformat()
    elif status == "decision":
        stages["decision_notified_on"] = started.isoformat()
        deadline = (started + timedelta(days=21)).isoformat()
    return {
        "_id": uuid.uuid4().hex,
        "authority": AUTHORITY,
        "reference": str(FIRST_REFERENCE + number),
        "kind": kind,
        "status": status,
        "open": status not in ("closed", "draft"),
        "applicant_id": applicant,
        "owner_id": owner,
        "organisation_id": None,
        "answers": ANSWERS[kind],
        "household": [],
        "contact": None,
        "stages": stages,
        "register_details": None,
        "stage": None,
        "change": None,
        "created_at": created_at,
        "submitted_at": None if status == "draft" else created_at,
        "closed_at": created_at + timedelta(days=30) if ended else None,
        "closure_reason": "Resolved" if ended else None,
        "updated_at": created_at,
        "version": 1,
        "next_deadline": deadline,
        "draft_expires_on": (created_at.date() + timedelta(days=10)).isoformat()
        if status == "draft"
        else None,
        "draft_warned": False,
    }


async def seed(
    store: AsyncMongoClient[dict[str, Any]],
    *,
    start: int,
    count: int,
    measured_applicant: str,
    rng: random.Random,
) -> None:
    """Add `count` cases spread over the last year; the measured applicant has three."""
    db = store[CasesSettings().mongo_db]
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = []
    for offset in range(count):
        number = start + offset
        applicant = measured_applicant if number < 3 else f"bench-applicant-{number // 2}"
        created_at = now - timedelta(seconds=rng.uniform(60, 365 * 86400))
        batch.append(case_document(number, applicant=applicant, created_at=created_at, rng=rng))
        if len(batch) == BATCH:
            await db[CASES].insert_many(batch, ordered=False)
            batch = []
    if batch:
        await db[CASES].insert_many(batch, ordered=False)
    await db[REFERENCES].update_one(
        {"_id": AUTHORITY},
        {
            "$set": {"authority": AUTHORITY, "last": start + count},
            "$min": {"first_case_at": now - timedelta(days=366)},
        },
        upsert=True,
    )


async def empty(store: AsyncMongoClient[dict[str, Any]]) -> None:
    """Remove the benchmark authority's cases, history and references."""
    db = store[CasesSettings().mongo_db]
    for collection in (CASES, HISTORY, REFERENCES):
        await db[collection].delete_many({"authority": AUTHORITY})


async def p99_of(
    http: httpx.AsyncClient, path: str, token: str, params: dict[str, Any], requests: int
) -> dict[str, float]:
    """Sequential requests' p50 and p99 in milliseconds (after a few to warm up)."""
    headers = {"Authorization": f"Bearer {token}"}
    samples = [
        await timed_get(http, path, headers=headers, params=params) for _ in range(requests + 5)
    ]
    return summary(samples[5:])


async def submit_to_event(
    http: httpx.AsyncClient, amqp_url: str, token: str, samples: int
) -> dict[str, float]:
    """Milliseconds from sending a submitted application to its event arriving on the broker."""
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        exchange = await declare_exchange(channel)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key="cases.case.submitted")
        arrived: asyncio.Queue[tuple[str, float]] = asyncio.Queue()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                envelope = json.loads(message.body)
                arrived.put_nowait((str(envelope["data"]["case_id"]), time.perf_counter()))

        await queue.consume(on_message)
        times = []
        for _ in range(samples):
            began = time.perf_counter()
            answer = await http.post(
                f"/{AUTHORITY}/api/cases/cases",
                json={
                    "kind": "housing_advice",
                    "answers": ANSWERS["housing_advice"],
                    "submit": True,
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 201:
                raise RuntimeError(f"submit: {answer.status_code} {answer.text}")
            case_id = answer.json()["id"]
            async with asyncio.timeout(10):
                while True:
                    event_case, at = await arrived.get()
                    if event_case == case_id:
                        times.append((at - began) * 1000)
                        break
    finally:
        await connection.close()
    return summary(times)


FILTERS: dict[str, dict[str, Any]] = {
    "default (open, newest first)": {},
    "status=relief": {"status": "relief"},
    "status=closed": {"status": "closed"},
    "kind=housing_register": {"kind": "housing_register"},
    "owner": {"owner": "bench-officer-3"},
    "unassigned": {"unassigned": "true"},
    "due_within=14": {"due_within": 14},
}


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure, print, and return the results."""
    stack = current_stack()
    store: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
    rng = random.Random(20261202)  # noqa: S311 (repeatable test data, no secret)
    applicant = f"bench-applicant-{uuid.uuid4().hex[:8]}"
    officer = "bench-officer-3"
    signed = await tokens([(applicant, ("applicant",)), (officer, ("officer",))])
    results: dict[str, Any] = {"authority": AUTHORITY, "requests": arguments.requests}
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60.0) as http:
            await ensure_authority(http)
            await empty(store)
            await seed(store, start=0, count=1000, measured_applicant=applicant, rng=rng)
            my_small = await p99_of(
                http, f"/{AUTHORITY}/api/cases/cases", signed[applicant], {}, arguments.requests
            )
            caseload_small = await p99_of(
                http,
                f"/{AUTHORITY}/api/cases/caseload",
                signed[officer],
                {"limit": 50},
                arguments.requests,
            )
            print(f"1,000 cases:   my cases {my_small}, caseload {caseload_small}")
            began = time.monotonic()
            await seed(
                store,
                start=1000,
                count=arguments.cases - 1000,
                measured_applicant=applicant,
                rng=rng,
            )
            print(f"seeded {arguments.cases:,} cases in {time.monotonic() - began:.0f} s")
            my_large = await p99_of(
                http, f"/{AUTHORITY}/api/cases/cases", signed[applicant], {}, arguments.requests
            )
            filters = {}
            for name, params in FILTERS.items():
                filters[name] = await p99_of(
                    http,
                    f"/{AUTHORITY}/api/cases/caseload",
                    signed[officer],
                    {"limit": 50, **params},
                    arguments.requests,
                )
                print(f"{arguments.cases:,} cases: caseload {name}: {filters[name]}")
            print(f"{arguments.cases:,} cases: my cases {my_large}")
            slowest = max(filters, key=lambda name: filters[name]["p99_ms"])
            submitted = await submit_to_event(
                http, stack.amqp_url, signed[applicant], arguments.submissions
            )
            print(f"submit -> cases.case.submitted on the broker: {submitted}")
            ratio = my_large["p99_ms"] / my_small["p99_ms"]
            default = filters["default (open, newest first)"]["p99_ms"]
            results |= {
                "cases": arguments.cases,
                "my_cases_at_1000": my_small,
                "my_cases_at_volume": my_large,
                "my_cases_ratio": round(ratio, 2),
                "my_cases_within_target": ratio <= MY_CASES_RATIO,
                "caseload_at_1000": caseload_small,
                "caseload_filters_at_volume": filters,
                "caseload_default_within_target": default < CASELOAD_P99_MS,
                "slowest_filter": {"name": slowest, **filters[slowest]},
                "submit_to_event": submitted,
            }
            print(
                f"my cases p99 ratio {ratio:.2f} (target <= {MY_CASES_RATIO}); caseload default "
                f"p99 {default} ms (target < {CASELOAD_P99_MS}); slowest filter {slowest}: "
                f"{filters[slowest]['p99_ms']} ms"
            )
    finally:
        if not arguments.keep:
            await empty(store)
        await store.close()
    return results


def main() -> int:
    """Measure, print and record; fail when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="leave the seeded cases in place")
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments))
    record("cases_load", results)
    met = results["my_cases_within_target"] and results["caseload_default_within_target"]
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
