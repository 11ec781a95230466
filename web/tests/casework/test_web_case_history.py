"""A case's whole history on a page of its own, newest first, a page at a time, for an
officer and for the case's applicant; their case pages show the latest and link to it."""

import re

import httpx
from tests.support.cases import Caller, CasesApi, CasesStore
from tests.support.casework import Signed, referral
from tests.support.histories import lengthen_history
from tests.support.portal import Person, Portal
from tests.support.web_pages import NewApplicant, sign_in
from tests.support.web_sessions import BrowserAs

NEXT_PAGE = re.compile(r'govuk-pagination__next">\s*<a[^>]*href="([^"]+)"')
ENTRY = re.compile(r"Entry \d+")


def entries_on(page: str) -> list[str]:
    """The seeded entries a page lists, in its order."""
    return ENTRY.findall(page)


async def every_page(browser: httpx.AsyncClient, path: str) -> tuple[list[str], int]:
    """The entries of the history page and the pages after it, and how many pages."""
    seen: list[str] = []
    pages = 0
    while True:
        answer = await browser.get(path)
        assert answer.status_code == 200, answer.text
        seen += entries_on(answer.text)
        pages += 1
        following = NEXT_PAGE.search(answer.text)
        if following is None:
            return seen, pages
        path = following.group(1).replace("&amp;", "&")


class TestTheWholeHistory:
    async def test_an_officer_reads_it_from_the_case_page_a_page_at_a_time(
        self, cases: CasesApi, cases_store: CasesStore, signed_in: Signed
    ) -> None:
        case = await referral(cases)
        titles = await lengthen_history(cases_store, case, authority="kingston", entries=70)
        _, browser = await signed_in("officer", "kingston")
        case_page = (await browser.get(f"/kingston/caseload/{case['id']}")).text
        # The latest ten, newest first: the two the portal wrote (begun, submitted) are later
        # than the seeded entries' days.
        assert entries_on(case_page) == titles[:8]
        history = f"/kingston/caseload/{case['id']}/history"
        assert f'href="{history}"' in case_page
        seen, pages = await every_page(browser, history)
        assert seen == titles
        assert pages == 2
        welsh = await browser.get(f"{history}?lang=cy", follow_redirects=True)
        assert '<h1 class="govuk-heading-l">Hanes</h1>' in welsh.text
        assert entries_on(welsh.text) == titles[:48]

    async def test_the_applicant_reads_theirs_and_nobody_else_reads_it(
        self,
        portal: httpx.AsyncClient,
        new_applicant: NewApplicant,
        cases: CasesApi,
        cases_store: CasesStore,
        browser_as: BrowserAs,
        identity_api: Portal,
    ) -> None:
        person: Person = await new_applicant("kingston")
        signed = await sign_in(portal, email=person.email, password=person.password)
        assert signed.status_code == 303, signed.text
        token = await cases.mint(
            authority="kingston", roles=("applicant",), user=person.user_id, lifetime=600
        )
        case = await referral(cases, Caller(person.user_id, "kingston", token))
        titles = await lengthen_history(cases_store, case, authority="kingston", entries=60)
        case_page = (await portal.get(f"/kingston/applications/{case['id']}")).text
        history = f"/kingston/applications/{case['id']}/history"
        assert f'href="{history}"' in case_page
        assert entries_on(case_page) == titles[:8]
        seen, pages = await every_page(portal, history)
        assert seen == titles
        assert pages == 2
        stranger = await new_applicant("kingston")
        await identity_api.sign_in(stranger)
        someone_else = await browser_as(stranger)
        assert (await someone_else.get(history)).status_code == 404
