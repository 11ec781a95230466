"""The devices signed in to the person's account, and signing one of them out."""

import re

import httpx
from tests.support.portal import Portal
from tests.support.web_pages import NewApplicant, send_form, sign_in

from portalstack.endpoints import Stack

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SESSION_FIELD = re.compile(r'name="session" value="([0-9a-f]+)"')


class TestTheList:
    async def test_this_device_is_marked_and_named_from_the_browser(
        self, portal: httpx.AsyncClient, stack: Stack, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, headers={"User-Agent": FIREFOX_ON_WINDOWS}
        ) as laptop:
            await sign_in(laptop, email=person.email, password=person.password)
            await sign_in(portal, email=person.email, password=person.password)
            page = await portal.get("/kingston/account/sessions")
        assert page.status_code == 200
        assert page.text.count("govuk-summary-card ") == 2
        assert "This device" in page.text
        assert '<span class="govuk-visually-hidden"> (Firefox on Windows, last used' in page.text
        # The other browser is named from the User-Agent it sent through the portal.
        assert "Firefox on Windows" in page.text
        assert len(SESSION_FIELD.findall(page.text)) == 1


class TestSigningOutAnotherDevice:
    async def test_the_other_device_is_signed_out_and_this_one_is_not(
        self, portal: httpx.AsyncClient, stack: Stack, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        async with httpx.AsyncClient(base_url=stack.gateway_url) as laptop:
            await sign_in(laptop, email=person.email, password=person.password)
            await sign_in(portal, email=person.email, password=person.password)
            listed = await portal.get("/kingston/account/sessions")
            other = SESSION_FIELD.search(listed.text)
            assert other is not None
            ended = await send_form(
                portal,
                "/kingston/account/sessions/sign-out",
                {"session": other.group(1)},
                page="/kingston/account/sessions",
            )
            assert ended.status_code == 303
            assert ended.headers["location"] == "/kingston/account/sessions"
            after = await portal.get("/kingston/account/sessions")
            assert "You have signed out of that device." in after.text
            assert SESSION_FIELD.search(after.text) is None
            signed_out = await laptop.get("/kingston/account/")
            assert signed_out.status_code == 303
            assert signed_out.headers["location"] == "/kingston/account/sign-in"

    async def test_a_session_that_is_not_the_persons_ends_nothing(
        self, portal: httpx.AsyncClient, identity: Portal, new_applicant: NewApplicant
    ) -> None:
        stranger = await new_applicant()
        await identity.sign_in(stranger)
        stranger_session = str(stranger.tokens["session_id"])
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        for value in (stranger_session, "../me", ""):
            answer = await send_form(
                portal,
                "/kingston/account/sessions/sign-out",
                {"session": value},
                page="/kingston/account/sessions",
            )
            assert answer.status_code == 303
        page = await portal.get("/kingston/account/sessions")
        assert "You have signed out of that device." not in page.text
        assert (await identity.get("kingston", "/me", person=stranger)).status_code == 200
