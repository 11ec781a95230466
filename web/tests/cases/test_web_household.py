"""The people in the applicant's household, added and removed from a draft's pages."""

import re

import httpx
from tests.support.cases import CasesStore
from tests.support.portal import Person
from tests.support.web_pages import send_form

HOME = "/watford/applications"
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')
JULIA = {
    "name": "Julia Jules",
    "national_insurance_number": "NS 81 98 34 D",
    "date_of_birth-day": "11",
    "date_of_birth-month": "8",
    "date_of_birth-year": "1980",
    "relationship": "applicant",
}
JO = {
    "name": "Jo Jules",
    "national_insurance_number": "",
    "date_of_birth-day": "1",
    "date_of_birth-month": "2",
    "date_of_birth-year": "2012",
    "relationship": "child",
}


async def version_on(portal: httpx.AsyncClient, path: str) -> str:
    """The case version a page's form was filled from."""
    found = VERSION.search((await portal.get(path)).text)
    assert found is not None, path
    return found.group(1).replace("&#34;", '"')


async def draft(portal: httpx.AsyncClient) -> str:
    """A new housing register draft; its id."""
    key = KEY.search((await portal.get(f"{HOME}/start")).text)
    assert key is not None
    started = await send_form(
        portal, f"{HOME}/start", {"kind": "housing_register", "idempotency_key": key.group(1)}
    )
    return str(started.headers["location"].split("/")[-2])


async def add(portal: httpx.AsyncClient, case_id: str, member: dict[str, str]) -> httpx.Response:
    """Add someone from the add-a-person page."""
    path = f"{HOME}/{case_id}/household/add"
    return await send_form(portal, path, {**member, "version": await version_on(portal, path)})


class TestTheHousehold:
    async def test_people_added_keep_their_numbers_and_one_can_be_removed(
        self, portal: httpx.AsyncClient, applicant: Person, cases_store: CasesStore
    ) -> None:
        case_id = await draft(portal)
        first = await add(portal, case_id, JULIA)
        assert first.status_code == 303, first.text
        assert first.headers["location"] == f"{HOME}/{case_id}/household"
        second = await add(portal, case_id, JO)
        assert second.status_code == 303, second.text
        page = await portal.get(f"{HOME}/{case_id}/household")
        assert "Julia Jules" in page.text
        assert "Jo Jules" in page.text
        assert "******34D" in page.text
        assert "11 August 1980" in page.text
        held = await cases_store.held(case_id)
        assert [m["national_insurance_number"] for m in held["household"]] == ["NS819834D", None]

        path = f"{HOME}/{case_id}/household/1/remove"
        removed = await send_form(
            portal,
            path,
            {"version": await version_on(portal, f"{HOME}/{case_id}/household")},
            page=f"{HOME}/{case_id}/household",
        )
        assert removed.status_code == 303
        held = await cases_store.held(case_id)
        assert [m["name"] for m in held["household"]] == ["Julia Jules"]
        assert held["household"][0]["national_insurance_number"] == "NS819834D"

    async def test_each_wrong_field_is_an_error_on_it_and_nothing_is_added(
        self, portal: httpx.AsyncClient, applicant: Person
    ) -> None:
        case_id = await draft(portal)
        wrong = {
            **JULIA,
            "name": "",
            "national_insurance_number": "QQ123456Z",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "relationship": "landlord",
        }
        refused = await add(portal, case_id, wrong)
        assert refused.status_code == 400
        for field in ("name", "national_insurance_number", "date_of_birth-day", "relationship"):
            assert f'href="#{field}"' in refused.text, field
        assert "Date of birth must be a real date" in refused.text
        assert 'id="name-error"' in refused.text
        page = await portal.get(f"{HOME}/{case_id}/household")
        assert "You have not added anyone yet." in page.text
