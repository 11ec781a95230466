"""A test client for the cases API through the gateway, people of every role, and the
cases service's outbox."""

import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from tests.support.polling import eventually
from tests.support.stack import MintToken

from cases.config import Settings
from portalstack.endpoints import Stack

Json = dict[str, Any]
COUNCIL = "watford"
OTHER_COUNCIL = "kingston"
OMBUDSMAN = "housing-ombudsman"

REFERRAL = {
    "reason_for_approach": "Fell out with my mate",
    "steps_taken": "Nothing, been sleeping in the park but its really cold",
    "assistance_wanted": "A house",
    "homeless_before": False,
}
REGISTER = {
    "current_address": "1 High Street, Watford WD17 1AA",
    "tenure": "living_with_family",
    "bedrooms_needed": 2,
    "medical_needs": False,
    "local_connection": True,
}
ADVICE: Json = {"topic": "repairs", "question": "The landlord will not fix the boiler."}
HOUSEHOLD = [
    {
        "name": "Julia Jules",
        "national_insurance_number": "NS 81 98 34 D",
        "date_of_birth": "1980-08-11",
        "relationship": "applicant",
    }
]


@dataclass(frozen=True)
class Caller:
    """Someone calling the cases API with a signed access token."""

    user_id: str
    authority: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}


class CasesApi:
    """The cases API through the gateway."""

    def __init__(self, http: httpx.AsyncClient, mint: MintToken) -> None:
        self.http = http
        self.mint = mint

    async def person(
        self, role: str = "applicant", *, authority: str = COUNCIL, organisation: str | None = None
    ) -> Caller:
        """Someone new with this role at the authority."""
        user_id = uuid.uuid4().hex
        token = await self.mint(
            authority=authority,
            roles=(role,),
            user=user_id,
            organisation=organisation,
            lifetime=1800,
        )
        return Caller(user_id=user_id, authority=authority, token=token)

    async def call(
        self,
        method: str,
        caller: Caller,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        authority: str | None = None,
    ) -> httpx.Response:
        """Call the cases service at the caller's authority (or another) as the caller."""
        return await self.http.request(
            method,
            f"/{authority or caller.authority}/api/cases{path}",
            json=json,
            headers={**caller.headers, **(headers or {})},
            params=params,
        )

    async def create(self, caller: Caller, body: Json, *, status: int = 201) -> Json:
        """Start an application; check the status."""
        response = await self.call("POST", caller, "/cases", json=body)
        assert response.status_code == status, response.text
        created: Json = response.json()
        return created

    async def read(self, caller: Caller, case_id: str) -> Json:
        """One case as the caller sees it."""
        response = await self.call("GET", caller, f"/cases/{case_id}")
        assert response.status_code == 200, response.text
        case: Json = response.json()
        return case

    async def change(
        self,
        method: str,
        caller: Caller,
        case: Json,
        path: str,
        body: Json | None = None,
        *,
        status: int = 200,
    ) -> Json:
        """Change a case as read (If-Match its version); check the status; the answer."""
        response = await self.call(
            method,
            caller,
            f"/cases/{case['id']}{path}",
            json=body,
            headers={"If-Match": f'"{case["version"]}"'},
        )
        assert response.status_code == status, response.text
        answer: Json = response.json()
        return answer

    async def act(self, caller: Caller, case: Json, action: str, **body: Any) -> Json:
        """Take a transition; expects it to work."""
        return await self.change("POST", caller, case, "/actions", {"action": action, **body})

    async def act_refused(self, caller: Caller, case: Json, action: str, status: int) -> Json:
        """Take a transition expected to be refused with this status; the error body."""
        return await self.change(
            "POST", caller, case, "/actions", {"action": action}, status=status
        )


class CasesStore:
    """The cases service's own database: its outbox of published events."""

    def __init__(self, mongo_url: str) -> None:
        self.client: AsyncMongoClient[Json] = AsyncMongoClient(mongo_url, tz_aware=True)
        self.db = self.client[Settings().mongo_db]

    async def held(self, case_id: str) -> Json:
        """A case as the service holds it, whoever may see it (a draft only its applicant)."""
        found: Json | None = await self.db.cases.find_one({"_id": case_id})
        assert found is not None, f"no case {case_id}"
        return found

    async def events(self, case_id: str) -> list[Json]:
        """Every envelope about a case, oldest first."""
        found = (
            await self.db.outbox.find({"message.subject": case_id})
            .sort([("created_at", 1)])
            .to_list(length=1000)
        )
        return [record["message"] for record in found]

    async def wait_for(self, case_id: str, event_type: str) -> Json:
        """The first envelope of this type about the case, once written."""

        async def found() -> Json | None:
            return next((e for e in await self.events(case_id) if e["type"] == event_type), None)

        event: Json = await eventually(found, within=10.0, what=f"{event_type} of {case_id}")
        return event


async def caseload_pages(
    api: CasesApi, officer: Caller, params: Mapping[str, object]
) -> list[Json]:
    """Every page of the caseload with these filters, followed by cursor, as one list."""
    items: list[Json] = []
    cursor = None
    while True:
        response = await api.call(
            "GET", officer, "/caseload", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def cases_store(stack: Stack) -> AsyncIterator[CasesStore]:
    """The cases service's database."""
    store = CasesStore(stack.mongo_url)
    yield store
    await store.client.close()


@pytest.fixture
async def cases_api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API through the gateway, as people of any role with minted tokens."""
    return CasesApi(gateway, mint_token)
