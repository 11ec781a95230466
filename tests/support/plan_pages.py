"""Personal Housing Plans made over the cases API for the plan's pages' tests: a homelessness
referral of a real applicant, a plan started, written, given actions and issued by an officer."""

from dataclasses import dataclass
from typing import Any

from tests.support.cases import HOUSEHOLD, REFERRAL, Caller, CasesApi
from tests.support.portal import Person

Json = dict[str, Any]
ASSESSMENT: Json = {
    "circumstances": "A section 21 notice to leave by the end of the month.",
    "housing_needs": "Two bedrooms, ground floor.",
    "housing_wishes": "To stay near the children's school.",
    "support_needs": "Help with a deposit.",
}
OFFICER_ACTION: Json = {
    "category": "loss_of_rented_accommodation",
    "text": "Check validity of notices and legal proceedings",
    "by_whom": "officer",
    "complete_within_days": 20,
    "required": True,
    "notes": "Check validity of the section 21 notice",
}
APPLICANT_ACTION: Json = {
    "category": "generic",
    "text": "Make an application to join the housing register",
    "by_whom": "applicant",
    "complete_within_days": 10,
    "required": True,
    "notes": "",
}


@dataclass(frozen=True)
class PlanOnCase:
    """A case with its plan, and the callers of the cases API on either side."""

    case: Json
    applicant: Caller
    officer: Caller


class PlanMaker:
    """Makes plans over the cases API as an officer of the authority."""

    def __init__(self, api: CasesApi) -> None:
        self.api = api

    async def case_of(self, person: Person, *, language: str = "en") -> PlanOnCase:
        """The person's submitted homelessness referral, and an officer of the authority."""
        token = await self.api.mint(
            authority=person.authority, roles=("applicant",), user=person.user_id, lifetime=1800
        )
        applicant = Caller(user_id=person.user_id, authority=person.authority, token=token)
        case = await self.api.create(
            applicant,
            {
                "kind": "homelessness",
                "answers": REFERRAL,
                "household": HOUSEHOLD,
                "submit": True,
                "language": language,
            },
        )
        officer = await self.api.person("officer", authority=person.authority)
        return PlanOnCase(case, applicant, officer)

    async def call(
        self,
        method: str,
        caller: Caller,
        case: Json,
        path: str = "",
        body: Json | None = None,
        *,
        version: int | None = None,
        status: int = 200,
    ) -> Json:
        """One call about the case's plan; check the status; the answer."""
        headers = {"If-Match": f'"{version}"'} if version is not None else {}
        if method == "POST":
            headers["Idempotency-Key"] = f"{case['id']}{path.replace('/', '')}{version}"[:64]
        response = await self.api.call(
            method, caller, f"/cases/{case['id']}/plan{path}", json=body, headers=headers
        )
        assert response.status_code == status, response.text
        answer: Json = response.json()
        return answer

    async def started(self, on: PlanOnCase, *, actions: tuple[Json, ...] = ()) -> Json:
        """A draft plan with the assessment written and these actions."""
        plan = await self.call(
            "POST", on.officer, on.case, body={"assessment": ASSESSMENT}, status=201
        )
        for action in actions:
            plan = await self.call(
                "POST", on.officer, on.case, "/actions", action, version=plan["version"], status=201
            )
        return plan

    async def issued(self, on: PlanOnCase) -> Json:
        """A plan issued with an action for each side."""
        plan = await self.started(on, actions=(OFFICER_ACTION, APPLICANT_ACTION))
        return await self.call("POST", on.officer, on.case, "/issue", version=plan["version"])
