"""The store's load: operations a second on an idle portal, and store operations per request.

Every service shares one store process, so what an idle portal asks of it, and what each
request costs it, limits everything else. Both are read from the store's own counters
(`serverStatus` opcounters). Requests are sent one at a time through the gateway; the idle
rate measured first is taken off what they cost. Results are printed and written to
bench/results/ as JSON.
"""

import argparse
import asyncio
import sys
import time
from dataclasses import asdict, dataclass

import httpx
from bench.gateway_overhead import access_tokens
from bench.results import record
from pymongo import AsyncMongoClient

from identity.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD
from portalstack.endpoints import current_stack

KINDS = ("insert", "query", "update", "delete", "getmore", "command")
TARGET_IDLE_PER_SECOND = 5.0
# The object the route is about, and at most one more (the caller's session, say).
TARGET_PER_REQUEST = 2.0
IDLE_NOISE = 0.1

Counters = dict[str, int]


@dataclass(frozen=True)
class PerRequest:
    """What one route costs the store, per request."""

    route: str
    requests: int
    operations: dict[str, float]

    @property
    def total(self) -> float:
        """Every kind of operation together."""
        return sum(self.operations.values())


async def counters(store: AsyncMongoClient[dict[str, object]]) -> Counters:
    """The store's operation counters now."""
    status = await store.admin.command("serverStatus")
    return {kind: int(status["opcounters"][kind]) for kind in KINDS}


def rates(before: Counters, after: Counters, seconds: float) -> dict[str, float]:
    """Operations a second of each kind between two readings."""
    return {kind: (after[kind] - before[kind]) / seconds for kind in KINDS}


async def idle_rate(store: AsyncMongoClient[dict[str, object]], seconds: float) -> dict[str, float]:
    """Operations a second while nobody uses the portal."""
    before = await counters(store)
    await asyncio.sleep(seconds)
    return rates(before, await counters(store), seconds)


async def applicant_token(http: httpx.AsyncClient, authority: str) -> str:
    """A demo applicant signs in (putting a second factor off if offered)."""
    email = f"applicant.{authority}@{DEMO_DOMAIN}"
    signed_in = await http.post(
        f"/{authority}/api/identity/sessions", json={"email": email, "password": DEMO_PASSWORD}
    )
    signed_in.raise_for_status()
    result = signed_in.json()
    if result["status"] == "enrolment_offered":
        later = await http.post(
            f"/{authority}/api/identity/sessions/challenge/postponement",
            json={"challenge_id": result["challenge"]["challenge_id"]},
        )
        later.raise_for_status()
        return str(later.json()["access_token"])
    if result["status"] != "signed_in":
        raise RuntimeError(f"the demo applicant could not sign in: {result['status']}")
    return str(result["session"]["access_token"])


async def per_request(
    store: AsyncMongoClient[dict[str, object]],
    http: httpx.AsyncClient,
    *,
    route: str,
    token: str,
    requests: int,
    idle: dict[str, float],
) -> PerRequest:
    """Store operations per request of one route, the idle rate taken off."""
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(3):  # warm caches (keys, remembered tokens, connections)
        (await http.get(route, headers=headers)).raise_for_status()
    before = await counters(store)
    started = time.monotonic()
    for _ in range(requests):
        (await http.get(route, headers=headers)).raise_for_status()
    elapsed = time.monotonic() - started
    after = await counters(store)
    operations = {
        kind: max(0.0, (after[kind] - before[kind] - idle[kind] * elapsed) / requests)
        for kind in KINDS
    }
    return PerRequest(route=route, requests=requests, operations=operations)


async def measure(arguments: argparse.Namespace) -> dict[str, object]:
    """Measure, print, and return the results."""
    stack = current_stack()
    store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(stack.mongo_url)
    authority = arguments.authority
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30.0) as http:
            applicant = await applicant_token(http, authority)
            [admin] = await access_tokens(authority, 1)
            await asyncio.sleep(arguments.settle)
            idle = await idle_rate(store, arguments.idle_seconds)
            routes = [
                await per_request(
                    store,
                    http,
                    route=f"/{authority}/api/identity/me",
                    token=applicant,
                    requests=arguments.requests,
                    idle=idle,
                ),
                await per_request(
                    store,
                    http,
                    route=f"/{authority}/api/notifications/deliveries?limit=1",
                    token=admin,
                    requests=arguments.requests,
                    idle=idle,
                ),
            ]
    finally:
        await store.close()

    idle_total = sum(idle.values())
    print(f"idle store operations over {arguments.idle_seconds:.0f} s, per second:")
    print("  " + "  ".join(f"{kind} {rate:.2f}" for kind, rate in idle.items()))
    verdict = "met" if idle_total <= TARGET_IDLE_PER_SECOND else "NOT met"
    print(f"  total {idle_total:.2f}/s (target <= {TARGET_IDLE_PER_SECOND:.0f}/s: {verdict})")
    print(f"\nstore operations per request ({arguments.requests} requests, one at a time):")
    for measured in routes:
        kinds = "  ".join(
            f"{kind} {value:.2f}" for kind, value in measured.operations.items() if value >= 0.01
        )
        # Counted after taking off the idle rate, whose own wobble is a few hundredths here.
        verdict = "met" if measured.total <= TARGET_PER_REQUEST + IDLE_NOISE else "NOT met"
        print(
            f"  GET {measured.route}: {measured.total:.2f} ({kinds}; "
            f"target <= {TARGET_PER_REQUEST:.0f}: {verdict})"
        )
    return {
        "idle_per_second": idle,
        "idle_total_per_second": idle_total,
        "per_request": [{**asdict(measured), "total": measured.total} for measured in routes],
    }


def main() -> int:
    """Measure the store's idle load and per-request cost, print and record them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--authority", default="watford")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait first")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments))
    record("store_load", {"target_idle_per_second": TARGET_IDLE_PER_SECOND, **results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
