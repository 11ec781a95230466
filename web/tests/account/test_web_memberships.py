"""Joining another housing service that uses the portal, and switching between them."""

import httpx
from tests.support.portal import Portal
from tests.support.web_pages import NewApplicant, send_form, sign_in, stored_tokens

from kit.mongo import Mongo

PAGE = "/kingston/account/authorities"


class TestJoining:
    async def test_joining_watford_lists_it_with_a_switch(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        before = await portal.get(PAGE)
        assert "Using now" in before.text
        assert 'value="watford"' in before.text
        assert "Switch to Watford Borough Council" not in before.text
        joined = await send_form(portal, f"{PAGE}/join", {"authority": "watford"}, page=PAGE)
        assert joined.status_code == 303
        assert joined.headers["location"] == PAGE
        after = await portal.get(PAGE)
        assert "You have joined another housing service." in after.text
        assert "Switch to Watford Borough Council" in after.text
        assert 'name="authority" value="watford"' not in after.text.split("Join another")[-1]

    async def test_nothing_chosen_is_an_error_on_the_choice(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        for chosen in ({}, {"authority": "kingston"}, {"authority": "nowhere"}):
            page = await send_form(portal, f"{PAGE}/join", chosen, page=PAGE)
            assert page.status_code == 400
            assert "Select the housing service you want to join" in page.text
            assert 'href="#authority"' in page.text


class TestSwitching:
    async def test_switching_moves_the_session_to_watford_and_back(
        self,
        portal: httpx.AsyncClient,
        identity: Portal,
        web_session_store: Mongo,
        new_applicant: NewApplicant,
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        await send_form(portal, f"{PAGE}/join", {"authority": "watford"}, page=PAGE)
        kingston_tokens = await stored_tokens(portal, web_session_store)

        switched = await send_form(portal, f"{PAGE}/switch", {"authority": "watford"}, page=PAGE)
        assert switched.status_code == 303
        assert switched.headers["location"] == "/watford/account/"
        watford = await portal.get("/watford/account/")
        assert watford.status_code == 200
        assert "You are now using this housing service" in watford.text
        assert "Watford Borough Council" in watford.text
        assert (await portal.get("/kingston/account/")).status_code == 303
        # The Kingston session was left behind, so it was ended.
        person.tokens = kingston_tokens
        assert (await identity.get("kingston", "/me", person=person)).status_code == 401
        assert (await stored_tokens(portal, web_session_store))["authority"] == "watford"

        back = await send_form(
            portal,
            "/watford/account/authorities/switch",
            {"authority": "kingston"},
            page="/watford/account/authorities",
        )
        assert back.headers["location"] == "/kingston/account/"
        assert (await portal.get("/kingston/account/")).status_code == 200

    async def test_a_service_the_person_does_not_belong_to_is_not_switched_to(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        refused = await send_form(portal, f"{PAGE}/switch", {"authority": "rugby"}, page=PAGE)
        assert refused.status_code == 400
        assert (await portal.get("/kingston/account/")).status_code == 200
        assert (await portal.get("/rugby/account/")).status_code == 303
