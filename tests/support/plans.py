"""Personal Housing Plans on homelessness cases, for the plans API's tests."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from tests.support.cases import COUNCIL, OMBUDSMAN, REFERRAL, Caller, CasesApi, Json


@dataclass(frozen=True)
class PlanWork:
    """A submitted homelessness referral and everyone who may or may not see its plan."""

    case: Json
    applicant: Caller
    officer: Caller
    manager: Caller
    other_applicant: Caller
    other_officer: Caller
    landlord: Caller

    @property
    def path(self) -> str:
        """The plan's path."""
        return f"/cases/{self.case['id']}/plan"


async def referral_with_people(api: CasesApi, *, language: str = "en") -> PlanWork:
    """A homelessness referral at a council, with its staff, a landlord's user and strangers."""
    applicant = await api.person("applicant")
    case = await api.create(
        applicant,
        {"kind": "homelessness", "answers": REFERRAL, "submit": True, "language": language},
    )
    return PlanWork(
        case=case,
        applicant=applicant,
        officer=await api.person("officer"),
        manager=await api.person("manager"),
        other_applicant=await api.person("applicant"),
        other_officer=await api.person("officer", authority=OMBUDSMAN),
        landlord=await api.person(
            "landlord_user", authority=COUNCIL, organisation=uuid.uuid4().hex[:12]
        ),
    )


def action_body(**changes: Any) -> Json:
    """An action for the applicant, due in two weeks, with these changes."""
    return {
        "category": "financial",
        "text": "Ask your bank for your last three statements",
        "by_whom": "applicant",
        "complete_within_days": 14,
        "required": True,
        **changes,
    }


def matching(plan: Json) -> dict[str, str]:
    """If-Match for the plan as read."""
    return {"If-Match": f'"{plan["version"]}"'}


async def plan_call(
    api: CasesApi,
    caller: Caller,
    work: PlanWork,
    method: str,
    path: str,
    plan: Json | None = None,
    body: Json | None = None,
) -> httpx.Response:
    """A call on the case's plan (If-Match the plan as read, when given)."""
    return await api.call(
        method, caller, f"{work.path}{path}", json=body, headers=matching(plan) if plan else None
    )


async def expect(response: httpx.Response, status: int) -> Json:
    """The answer, once its status is checked."""
    assert response.status_code == status, response.text
    answer: Json = response.json()
    return answer


async def start(api: CasesApi, work: PlanWork, body: Json | None = None) -> Json:
    """An officer starts the plan."""
    return await expect(await plan_call(api, work.officer, work, "POST", "", body=body), 201)


async def add(api: CasesApi, caller: Caller, work: PlanWork, plan: Json, **changes: Any) -> Json:
    """Add an action as the caller; the plan."""
    response = await plan_call(api, caller, work, "POST", "/actions", plan, action_body(**changes))
    return await expect(response, 201)


async def issue(api: CasesApi, work: PlanWork, plan: Json) -> Json:
    """An officer issues the plan."""
    return await expect(await plan_call(api, work.officer, work, "POST", "/issue", plan), 200)


async def issued_plan(api: CasesApi, work: PlanWork) -> Json:
    """A plan issued with an action for the applicant and one for the officer."""
    plan = await start(api, work, {"assessment": {"circumstances": "Asked to leave."}})
    plan = await add(api, work.officer, work, plan)
    plan = await add(api, work.officer, work, plan, by_whom="officer", text="Contact your landlord")
    return await issue(api, work, plan)
