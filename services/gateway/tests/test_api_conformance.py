"""The merged API document tells the truth: schemathesis, every check on, finds nothing.

Schemathesis generates requests from `/{authority}/api/openapi.json` (valid ones, invalid
ones, missing headers, unsupported methods, sequences that follow the responses) and checks
every answer against the document. It runs against an authority of its own, signed in as an
applicant and as that authority's administrator, so nothing it changes touches other tests.
"""

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import httpx
import pytest
from tests.support.polling import status_reached
from tests.support.portal import IdentityStore, Person, Portal

from kit.mongo import Mongo
from portalstack.endpoints import Stack

RegisterAuthority = Callable[..., Awaitable[str]]
WaitForCopies = Callable[..., Awaitable[object]]

REPOSITORY = Path(__file__).resolve().parents[3]
HOOKS = "services.gateway.tests.conformance_hooks"
# Enough generated requests per operation to reach each check; a fixed seed keeps a run
# repeatable (SCHEMATHESIS_SEED picks another one to explore).
MAX_EXAMPLES = 15
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261202")
# The gateway limits one person's API requests a minute, and 429s would hide the logic behind
# them: so the cases and documents APIs, the largest, are tried in runs of their own, each by a
# person of its own.
CASES_PATHS = "/api/(cases|documents)/"
# Held to that limit, one run of them would mostly wait. So they are tried in several runs at
# once, each by a person of its own: the generated requests of each phase but the last for a
# share of the operations each, and the stateful phase, which follows the links between
# operations, for all of them.
SHARES = (
    "/api/documents/|/api/cases/cases/[^/]+/plan",
    "/api/cases/((?!cases/)|cases/[^/]+/tasks)",
)
CASES_RUNS: tuple[tuple[str, ...], ...] = (
    *(("--phases", "coverage,fuzzing", "--include-path-regex", share) for share in SHARES),
    ("--phases", "coverage,fuzzing", "--exclude-path-regex", "|".join(SHARES)),
    ("--phases", "examples,stateful"),
)


@pytest.fixture
async def own_authority(
    gateway: httpx.AsyncClient,
    register_authority: RegisterAuthority,
    copies_reached: WaitForCopies,
    gateway_mongo: Mongo,
) -> str:
    """An authority made for this run (removed from the registry and every copy afterwards)."""
    slug = await register_authority(
        "Conformance District Council",
        modules=["homelessness", "housing_register"],
        staff_two_factor_required=True,
    )
    await copies_reached(gateway_mongo, slug)
    # Every worker of every service hears of it in turn: wait until identity answers there.
    await status_reached(gateway, f"/{slug}/api/identity/password-rules", 200)
    return slug


@pytest.fixture
async def portal(gateway: httpx.AsyncClient, stack: Stack) -> AsyncIterator[Portal]:
    """Identity through the gateway, as a client of its own."""
    store = IdentityStore(stack.mongo_url)
    yield Portal(gateway, store)
    await store.close()


async def signed_in(portal: Portal, authority: str, role: str) -> Person:
    """A confirmed person of the authority with this role, signed in."""
    person = await portal.confirmed(authority)
    if role != "applicant":
        # The first staff of a new authority are appointed outside the API.
        await portal.store.db["memberships"].update_one(
            {"authority": authority, "user_id": person.user_id},
            {"$set": {"roles": [role]}},
        )
    await portal.sign_in(person)
    return person


def schemathesis_run(
    stack: Stack, authority: str, person: Person, *, cases: bool, options: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """Run schemathesis with every check against the authority's merged document."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])
        ),
        "SCHEMATHESIS_HOOKS": HOOKS,
    }
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "--no-color",
            "--config-file",
            str(REPOSITORY / "schemathesis.toml"),
            "run",
            f"{stack.gateway_url}/{authority}/api/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {person.access_token}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            SEED,
            # One worker: with two, Python 3.11's AST constructor can fail when both threads
            # parse source for hypothesis at once ("AST constructor recursion depth mismatch").
            "--workers",
            "1",
            *(
                # Under the per-person limit, with room for the signing in.
                ["--include-path-regex", CASES_PATHS, "--rate-limit", "900/m"]
                if cases
                else ["--exclude-path-regex", CASES_PATHS]
            ),
            *options,
        ],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=environment,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("role", "cases"),
    [("applicant", False), ("authority_admin", False), ("applicant", True), ("officer", True)],
    ids=["applicant", "authority_admin", "cases-applicant", "cases-officer"],
)
async def test_schemathesis_finds_nothing(
    role: str, cases: bool, own_authority: str, portal: Portal, stack: Stack
) -> None:
    runs = CASES_RUNS if cases else ((),)
    people = [await signed_in(portal, own_authority, role) for _ in runs]
    finished = await asyncio.gather(
        *(
            asyncio.to_thread(
                schemathesis_run, stack, own_authority, person, cases=cases, options=options
            )
            for person, options in zip(people, runs, strict=True)
        )
    )
    for options, run in zip(runs, finished, strict=True):
        report = f"{' '.join(options)}\n{shown(run.stdout)}"
        assert "Tested: " in run.stdout, report  # it reached the document and its operations
        assert run.returncode == 0, report


def shown(output: str) -> str:
    """The report's end, with its errors (which come before the summary) repeated last."""
    errors = re.search(r"^=+ ERRORS =+$.*?(?=^=+ \w)", output, re.MULTILINE | re.DOTALL)
    return output[-20_000:] + ("\n" + errors.group(0) if errors else "")
