"""A case's whole history in Chromium, in English and Welsh: the applicant and an officer each
follow the link from the case's page and go on to the next page. Every page: axe finds
nothing at 1024 CSS pixels, nothing scrolls sideways at 320, the CSP blocks nothing of ours."""

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page
from tests.support.browser import PageChecker, demo_profile, new_profile, sign_in
from tests.support.cases import Caller, CasesApi, CasesStore
from tests.support.casework import referral
from tests.support.histories import lengthen_history
from tests.support.web_pages import NewApplicant

from portalstack.endpoints import Stack

KINGSTON = "kingston"
WORDS = {
    "en": {"whole": "See the whole history", "next": "Next page", "back": "Back to the case"},
    "cy": {"whole": "Gweld yr hanes cyfan", "next": "Y dudalen nesaf", "back": "Yn ôl i'r achos"},
}


async def read_it_all(page: Page, check: PageChecker, words: dict[str, str]) -> list[str]:
    """From the case's page, the whole history page after page; the seeded entries seen."""
    main = page.locator("main")
    await main.get_by_role("link", name=words["whole"]).click()
    await page.wait_for_url(re.compile(r"/history$"))
    await check("history")
    seen = re.findall(r"Entry \d+", await main.inner_text())
    await page.get_by_role("link", name=words["next"]).click()
    await page.wait_for_url(re.compile(r"/history\?page="))
    await check("history-next")
    return seen + re.findall(r"Entry \d+", await main.inner_text())


@pytest.mark.parametrize("language", ["en", "cy"])
class TestTheWholeHistory:
    async def test_the_applicant_and_an_officer_read_it_a_page_at_a_time(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        cases_store: CasesStore,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(KINGSTON)
        token = await cases_api.mint(
            authority=KINGSTON, roles=("applicant",), user=person.user_id, lifetime=600
        )
        case = await referral(cases_api, Caller(person.user_id, KINGSTON, token))
        titles = await lengthen_history(cases_store, case, authority=KINGSTON, entries=60)

        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="history-applicant")
        await sign_in(page, stack, person, language)
        await page.goto(f"{stack.gateway_url}/{KINGSTON}/applications/{case['id']}")
        assert await read_it_all(page, check, words) == titles
        await context.close()

        context = await demo_profile(browser, stack, "officer", KINGSTON)
        base = f"{stack.gateway_url}/{KINGSTON}"
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="history-officer")
        await page.goto(f"{base}/caseload/{case['id']}?lang={language}")
        assert await read_it_all(page, check, words) == titles
        await page.get_by_role("link", name=words["back"]).click()
        await page.wait_for_url(re.compile(rf"/caseload/{case['id']}$"))
        await context.close()
