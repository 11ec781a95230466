"""The person's recent security events, as identity records them."""

import httpx
from tests.support.web_pages import NewApplicant, sign_in

from portalstack.endpoints import Stack

CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


class TestSecurityEvents:
    async def test_the_sign_in_and_a_failed_one_are_listed_with_where_from(
        self, stack: Stack, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        async with httpx.AsyncClient(
            base_url=stack.gateway_url,
            headers={"User-Agent": CHROME_ON_LINUX, "X-Forwarded-For": "2001:db8:77::15"},
        ) as portal:
            await sign_in(portal, email=person.email, password="Wrong-Password-1!")
            await sign_in(portal, email=person.email, password=person.password)
            page = await portal.get("/kingston/account/security-events")
            assert page.status_code == 200
            assert "You signed in" in page.text
            assert "Someone tried to sign in with a wrong password" in page.text
            assert "Chrome on Linux" in page.text
            assert "2001:db8:77::15" in page.text
            assert "Royal Borough of Kingston upon Thames" in page.text
            # The newest first: the sign-in came after the failure.
            assert page.text.index("You signed in") < page.text.index("Someone tried")

            portal.cookies.set("portal_language", "cy")
            welsh = await portal.get("/kingston/account/security-events")
            assert "Gwnaethoch fewngofnodi" in welsh.text
            assert "Digwyddiadau diogelwch diweddar" in welsh.text

    async def test_the_page_asks_to_sign_in_first(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/account/security-events")
        assert page.status_code == 303
        assert page.headers["location"] == "/kingston/account/sign-in"
