"""Page speed: signed-in pages through the gateway against the API calls they make, called directly.

A person signs in twice as Kingston's demo applicant: once through the portal's sign-in form
(the session cookie a browser would hold) and once through the API (the bearer token a client
would hold). Then, in rounds, each page is fetched through the gateway, and the API calls it
makes are fetched through the gateway the same way the portal makes them: all at once, as the
portal asks for the header's count of unseen notifications alongside the page's own calls
(and then each alone, for the record), on the same running workers. The target, set for the
signed-in home page: it costs at most 1.5 times the calls it makes, compared at the median
(p50), with p99 printed beside it. The other pages are measured the same way and judged
against the same ratio, for the record. Results are printed and written to bench/results/ as
JSON.
"""

import argparse
import asyncio
import re
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx
from bench.results import record
from bench.sampling import summary, timed_get

from identity.demo.seed import DEMO_PASSWORD
from portalstack.endpoints import current_stack

AUTHORITY = "kingston"
EMAIL = f"applicant.{AUTHORITY}@demo.housing-portal.local"
TARGET_RATIO = 1.5
# The page the target is set for.
TARGETED = "home"
# The gateway allows one person so many API requests a window (1000 a minute by default), and
# a page whose own call is refused still renders, without what it asked for, and looks cheap.
# So each page is measured in a window of its own, well under the limit.
RATE_WINDOW_SECONDS = 61
USER_LIMIT = 1000
CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    """A signed-in page and the API calls rendering it makes."""

    name: str
    path: str
    calls: tuple[str, ...]


# Every signed-in page also asks for the header's count of unseen notifications, alongside
# its own calls.
UNREAD = f"/{AUTHORITY}/api/notifications/notifications/unread"
PAGES = (
    Page("home", f"/{AUTHORITY}/", (f"/{AUTHORITY}/api/identity/me", UNREAD)),
    Page("account", f"/{AUTHORITY}/account/", (f"/{AUTHORITY}/api/identity/me", UNREAD)),
    Page(
        "applications",
        f"/{AUTHORITY}/applications",
        (f"/{AUTHORITY}/api/cases/cases?state=open&limit=20", UNREAD),
    ),
)


async def signed_in_portal(base_url: str) -> httpx.AsyncClient:
    """A client holding a portal session cookie, signed in through the sign-in form."""
    portal = httpx.AsyncClient(base_url=base_url, timeout=30.0)
    sign_in = f"/{AUTHORITY}/account/sign-in"
    form = await portal.get(sign_in)
    token = CSRF_TOKEN.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"no sign-in form: {form.status_code}")
    answer = await portal.post(
        sign_in,
        data={"csrf_token": token[1], "email": EMAIL, "password": DEMO_PASSWORD},
        headers={"Origin": base_url},
    )
    if answer.status_code != 303 or not answer.headers["location"].endswith("/account/"):
        raise RuntimeError(f"the demo applicant could not sign in: {answer.status_code}")
    return portal


async def api_token(http: httpx.AsyncClient) -> str:
    """A bearer token for the same person, signed in through the API."""
    answer = await http.post(
        f"/{AUTHORITY}/api/identity/sessions", json={"email": EMAIL, "password": DEMO_PASSWORD}
    )
    body = answer.json()
    if answer.status_code != 200 or body.get("status") != "signed_in":
        raise RuntimeError(f"the demo applicant could not sign in: {answer.text}")
    return str(body["session"]["access_token"])


async def measure(rounds: int) -> dict[str, Any]:
    """Interleave each page with its calls, round after round, and compare their medians."""
    stack = current_stack()
    results: dict[str, Any] = {"rounds": rounds, "target_ratio": TARGET_RATIO, "pages": {}}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30.0) as api:
        bearer = {"Authorization": f"Bearer {await api_token(api)}"}
        portal = await signed_in_portal(stack.gateway_url)
        try:
            for index, page in enumerate(PAGES):
                per_round = 3 * len(page.calls)  # the page's calls, then the same at once and alone
                if (rounds + 5) * per_round >= USER_LIMIT:
                    raise SystemExit(f"at most {USER_LIMIT // per_round - 6} rounds fit a window")
                if index:
                    await asyncio.sleep(RATE_WINDOW_SECONDS)
                page_samples: list[float] = []
                together_samples: list[float] = []
                call_samples: dict[str, list[float]] = {call: [] for call in page.calls}
                for number in range(rounds + 5):
                    took = await timed_get(portal, page.path)
                    # The calls at once, as the portal makes them, then each alone.
                    began = time.perf_counter()
                    await asyncio.gather(
                        *(timed_get(api, call, headers=bearer) for call in page.calls)
                    )
                    together = (time.perf_counter() - began) * 1000
                    calls = {
                        call: await timed_get(api, call, headers=bearer) for call in page.calls
                    }
                    if number >= 5:  # the first few warm the connections and caches
                        page_samples.append(took)
                        together_samples.append(together)
                        for call, elapsed in calls.items():
                            call_samples[call].append(elapsed)
                page_figures = summary(page_samples)
                together_figures = summary(together_samples)
                call_figures = {call: summary(samples) for call, samples in call_samples.items()}
                calls_p50 = together_figures["p50_ms"]
                ratio = page_figures["p50_ms"] / calls_p50
                results["pages"][page.name] = {
                    "path": page.path,
                    "page": page_figures,
                    "calls_together": together_figures,
                    "calls_alone": call_figures,
                    "calls_p50_ms": round(calls_p50, 2),
                    "ratio": round(ratio, 2),
                    "within_target": ratio <= TARGET_RATIO,
                }
                print(
                    f"{page.name} {page.path}: page p50 {page_figures['p50_ms']} ms "
                    f"(p99 {page_figures['p99_ms']}), its {len(page.calls)} API call(s) at once "
                    f"p50 {calls_p50:.2f} ms: {ratio:.2f} times (target <= {TARGET_RATIO})"
                )
        finally:
            await portal.aclose()
    return results


def main() -> int:
    """Measure, print and record; fail when the home page costs more than the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=150)
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments.rounds))
    record("page_speed", results)
    targeted = results["pages"][TARGETED]
    verdict = "met" if targeted["within_target"] else "missed"
    print(f"target for the {TARGETED} page: {targeted['ratio']} times, {verdict}")
    return 0 if targeted["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
