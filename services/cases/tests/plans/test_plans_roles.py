"""Who may do what with a homelessness case's plan: each role against each action."""

from collections.abc import Awaitable, Callable

import pytest
from tests.support.cases import Caller, CasesApi, Json
from tests.support.plans import (
    PlanWork,
    action_body,
    issued_plan,
    plan_call,
    referral_with_people,
    start,
)

ROLES = ("applicant", "officer", "manager", "other_applicant", "other_officer", "landlord")
Action = Callable[[CasesApi, PlanWork, Caller], Awaitable[int]]


async def start_plan(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    return (await plan_call(api, caller, work, "POST", "", body={})).status_code


async def read_draft(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    await start(api, work)
    return (await plan_call(api, caller, work, "GET", "")).status_code


async def read_issued(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    await issued_plan(api, work)
    return (await plan_call(api, caller, work, "GET", "")).status_code


async def replace_assessment(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    body = {"circumstances": "Evicted."}
    return (await plan_call(api, caller, work, "PUT", "/assessment", plan, body)).status_code


async def add_an_action(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    return (await plan_call(api, caller, work, "POST", "/actions", plan, action_body())).status_code


async def _change(work: PlanWork, api: CasesApi, caller: Caller, plan: Json, index: int) -> int:
    action = plan["actions"][index]["id"]
    body = {"progress": "in_progress"}
    return (
        await plan_call(api, caller, work, "PATCH", f"/actions/{action}", plan, body)
    ).status_code


async def progress_applicant_action(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    return await _change(work, api, caller, await issued_plan(api, work), 0)


async def progress_officer_action(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    return await _change(work, api, caller, await issued_plan(api, work), 1)


async def remove_officer_added_action(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    action = plan["actions"][0]["id"]
    return (await plan_call(api, caller, work, "DELETE", f"/actions/{action}", plan)).status_code


async def issue_again(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    return (await plan_call(api, caller, work, "POST", "/issue", plan)).status_code


async def agree(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    body = {"agrees": True}
    return (await plan_call(api, caller, work, "POST", "/agreement", plan, body)).status_code


async def ask_for_review(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    plan = await issued_plan(api, work)
    return (await plan_call(api, caller, work, "POST", "/review-request", plan)).status_code


async def list_versions(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    await issued_plan(api, work)
    return (await plan_call(api, caller, work, "GET", "/versions")).status_code


async def read_first_issue(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    await issued_plan(api, work)
    return (await plan_call(api, caller, work, "GET", "/versions/1")).status_code


async def download_pdf(api: CasesApi, work: PlanWork, caller: Caller) -> int:
    await issued_plan(api, work)
    return (await plan_call(api, caller, work, "GET", "/pdf")).status_code


# What each role gets, in the order of ROLES. Strangers (another applicant, another
# authority's officer, a landlord's user) never learn the case exists: 404.
EXPECTED: dict[str, tuple[Action, tuple[int, ...]]] = {
    "start the plan": (start_plan, (403, 201, 201, 404, 404, 404)),
    "read a draft": (read_draft, (404, 200, 200, 404, 404, 404)),
    "read the issued plan": (read_issued, (200, 200, 200, 404, 404, 404)),
    "replace the assessment": (replace_assessment, (403, 200, 200, 404, 404, 404)),
    "add an action": (add_an_action, (201, 201, 201, 404, 404, 404)),
    "progress the applicant's action": (progress_applicant_action, (200, 200, 200, 404, 404, 404)),
    "progress the officer's action": (progress_officer_action, (403, 200, 200, 404, 404, 404)),
    "remove an officer's action": (remove_officer_added_action, (403, 200, 200, 404, 404, 404)),
    "issue it again": (issue_again, (403, 200, 200, 404, 404, 404)),
    "agree to it": (agree, (200, 403, 403, 404, 404, 404)),
    "ask for a review": (ask_for_review, (200, 403, 403, 404, 404, 404)),
    "list its issues": (list_versions, (200, 200, 200, 404, 404, 404)),
    "read its first issue": (read_first_issue, (200, 200, 200, 404, 404, 404)),
    "download its PDF": (download_pdf, (200, 200, 200, 404, 404, 404)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
async def test_each_role_against_each_action(api: CasesApi, action: str, role: str) -> None:
    work = await referral_with_people(api)
    caller = getattr(work, role)
    do, statuses = EXPECTED[action]
    assert await do(api, work, caller) == statuses[ROLES.index(role)]


async def test_my_plans_are_only_mine(api: CasesApi) -> None:
    work = await referral_with_people(api)
    await issued_plan(api, work)
    for role in ROLES:
        caller: Caller = getattr(work, role)
        response = await api.call("GET", caller, "/plans")
        assert response.status_code == 200, response.text
        cases = [item["case_id"] for item in response.json()["items"]]
        assert cases == ([work.case["id"]] if role == "applicant" else []), role
