"""The person's security events, as identity records them, a page at a time."""

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from tests.support.portal import IdentityStore
from tests.support.web_pages import NewApplicant, sign_in

from portalstack.endpoints import Stack

NEXT_PAGE = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"')
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

    async def test_older_events_are_on_the_next_pages(
        self,
        portal: httpx.AsyncClient,
        new_applicant: NewApplicant,
        identity_records: IdentityStore,
    ) -> None:
        person = await new_applicant()
        account = await identity_records.db.accounts.find_one({"email": person.email})
        assert account is not None
        # Thirty sign-ins a day apart, long ago: the oldest is the thirtieth day back.
        long_ago = datetime.now(UTC) - timedelta(days=400)
        await identity_records.db.audit_events.insert_many(
            [
                {
                    "_id": uuid.uuid4().hex,
                    "authority": "kingston",
                    "at": long_ago + timedelta(days=day),
                    "action": "sign_in",
                    "outcome": "success",
                    "actor": account["_id"],
                    "subject": account["_id"],
                    "address": f"2001:db8:99::{day + 1}",
                    "device": "Firefox on Windows",
                    "details": {},
                }
                for day in range(30)
            ]
        )
        await sign_in(portal, email=person.email, password=person.password)
        first = await portal.get("/kingston/account/security-events")
        assert first.status_code == 200
        assert "Next page" in first.text
        assert "Previous page" not in first.text
        addresses = []
        page = first
        for _ in range(5):
            addresses += [a for a in re.findall(r"2001:db8:99::(\d+)", page.text)]
            following = NEXT_PAGE.search(page.text)
            if following is None:
                break
            page = await portal.get(html.unescape(following.group(1)))
            assert page.status_code == 200
            assert "Previous page" in page.text
        # Every one of the thirty once, newest first, across the pages.
        assert addresses == [str(day) for day in range(30, 0, -1)]

    async def test_an_address_changed_by_hand_starts_from_the_newest(
        self, portal: httpx.AsyncClient, new_applicant: NewApplicant
    ) -> None:
        person = await new_applicant()
        await sign_in(portal, email=person.email, password=person.password)
        page = await portal.get("/kingston/account/security-events?page=not-a-cursor")
        assert page.status_code == 303
        assert page.headers["location"] == "/kingston/account/security-events"

    async def test_the_page_asks_to_sign_in_first(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/account/security-events")
        assert page.status_code == 303
        assert page.headers["location"] == "/kingston/account/sign-in"
