"""The applicant's appointments and letters in Chromium, in English and Welsh: the calendar
by month, week and day by plain links (without JavaScript too), what is to come and what has
been, a calendar file to download; the letters NEW until opened, opened as PDFs and
acknowledged. Every page: axe finds nothing at 1024 CSS pixels, nothing scrolls sideways at
320, the CSP blocks nothing of ours."""

import asyncio
import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from playwright.async_api import Browser
from tests.support.browser import PageChecker, new_profile, sign_in
from tests.support.cases import HOUSEHOLD, REFERRAL, Caller, CasesApi, Json
from tests.support.meetings import book, issue
from tests.support.portal import Person
from tests.support.stack import MintToken
from tests.support.web_pages import NewApplicant

from portalstack.endpoints import Stack

COUNCIL = "watford"
LONDON = ZoneInfo("Europe/London")
WORDS = {
    "en": {
        "appointments": "Your appointments",
        "letters": "Your letters",
        "interview": "Interview",
        "assessment": "Assessment",
        "week": "Week",
        "day": "Day",
        "month": "Month",
        "to_come": "Appointments to come",
        "past": "Past appointments",
        "add": "Add to your calendar",
        "new": "New",
        "acknowledge": "Acknowledge",
        "acknowledged": "You acknowledged the letter",
        "general_advice": "General advice",
    },
    "cy": {
        "appointments": "Eich apwyntiadau",
        "letters": "Eich llythyrau",
        "interview": "Cyfweliad",
        "assessment": "Asesiad",
        "week": "Wythnos",
        "day": "Diwrnod",
        "month": "Mis",
        "to_come": "Apwyntiadau i ddod",
        "past": "Apwyntiadau blaenorol",
        "add": "Ychwanegu at eich calendr",
        "new": "Newydd",
        "acknowledge": "Cydnabod",
        "acknowledged": "Rydych wedi cydnabod y llythyr",
        "general_advice": "Cyngor cyffredinol",
    },
}


@pytest.fixture
async def cases_api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API, for the officers who book and write."""
    return CasesApi(gateway, mint_token)


def at(day: datetime.date, hour: int) -> str:
    """An hour of a London day, as the API takes it."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON).isoformat()


async def case_with_meetings(
    cases_api: CasesApi, person: Person, language: str
) -> tuple[Json, Json, Json, Json]:
    """The person's referral with an appointment to come, one past, and a letter."""
    token = await cases_api.mint(
        authority=COUNCIL, roles=("applicant",), user=person.user_id, lifetime=600
    )
    applicant = Caller(user_id=person.user_id, authority=COUNCIL, token=token)
    case = await cases_api.create(
        applicant,
        {
            "kind": "homelessness",
            "answers": REFERRAL,
            "household": HOUSEHOLD,
            "submit": True,
            "language": language,
        },
    )
    officer = await cases_api.person("officer", authority=COUNCIL)
    today = datetime.datetime.now(LONDON).date()
    coming = await book(
        cases_api,
        officer,
        case,
        starts_at=at(today + datetime.timedelta(days=2), 10),
        ends_at=at(today + datetime.timedelta(days=2), 11),
    )
    past = await book(
        cases_api,
        officer,
        case,
        appointment_type="assessment",
        how="phone",
        detail="01923 226400",
        starts_at=at(today - datetime.timedelta(days=3), 14),
        ends_at=at(today - datetime.timedelta(days=3), 15),
    )
    letter = await issue(cases_api, officer, case)
    return case, coming, past, letter


@pytest.mark.parametrize("language", ["en", "cy"])
class TestAppointmentsAndLetters:
    async def test_the_calendar_the_lists_and_the_calendar_file(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        _, coming, past, _ = await case_with_meetings(cases_api, person, language)
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="meetings")
        await sign_in(page, stack, person, language)

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/")
        await page.locator("main").get_by_role("link", name=words["appointments"]).click()
        await page.wait_for_url(re.compile(r"/appointments$"))
        await check("appointments-month")
        main = page.locator("main")
        cards = main.locator(".govuk-summary-card")
        assert await cards.count() == 2
        assert words["interview"] in await cards.nth(0).inner_text()
        assert "Dawn Price" in await cards.nth(0).inner_text()
        assert words["assessment"] in await cards.nth(1).inner_text()
        assert "01923 226400" in await cards.nth(1).inner_text()
        headings = await main.locator("h2").all_inner_texts()
        assert words["to_come"] in headings
        assert words["past"] in headings

        await main.get_by_role("link", name=words["week"], exact=True).click()
        await page.wait_for_url(re.compile(r"view=week"))
        await check("appointments-week")
        await main.get_by_role("link", name=words["day"], exact=True).click()
        await page.wait_for_url(re.compile(r"view=day"))
        await check("appointments-day")

        async with page.expect_download() as waiting:
            await cards.nth(0).get_by_role("link", name=words["add"]).click()
        download = await waiting.value
        saved = await download.path()
        calendar = icalendar.Calendar.from_ical(await asyncio.to_thread(Path(saved).read_bytes))
        [event] = list(calendar.walk("VEVENT"))
        start: datetime.datetime = event.decoded("DTSTART")
        assert (
            start.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") == coming["starts_at"]
        )
        assert start.hour == 10
        assert past["id"] not in str(event.get("UID"))
        await context.close()

    async def test_the_calendar_moves_by_plain_links_without_javascript(
        self,
        browser: Browser,
        stack: Stack,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        _, coming, _, _ = await case_with_meetings(cases_api, person, language)
        context = await new_profile(browser, java_script_enabled=False)
        page = await context.new_page()
        await sign_in(page, stack, person, language)
        day = coming["starts_at"][:10]
        await page.goto(f"{stack.gateway_url}/{COUNCIL}/appointments?view=week&date={day}")
        main = page.locator("main")
        assert words["interview"] in await main.locator("ul.govuk-list").last.inner_text()
        await main.get_by_role("link", name=words["month"], exact=True).click()
        await page.wait_for_url(re.compile(r"view=month"))
        assert await main.locator("table.portal-calendar").count() == 1
        assert words["interview"] in await main.locator("table.portal-calendar").inner_text()
        await context.close()

    async def test_letters_are_new_until_opened_and_acknowledged_once(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        cases_api: CasesApi,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant(COUNCIL)
        await case_with_meetings(cases_api, person, language)
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="meetings")
        await sign_in(page, stack, person, language)

        await page.goto(f"{stack.gateway_url}/{COUNCIL}/")
        await page.locator("main").get_by_role("link", name=words["letters"]).click()
        await page.wait_for_url(re.compile(r"/letters$"))
        await check("letters")
        row = page.locator("main tbody tr").first
        assert words["new"] in await row.inner_text()
        assert words["general_advice"] in await row.inner_text()
        assert "Dawn Price" in await row.inner_text()

        await row.get_by_role("button", name=words["acknowledge"]).click()
        await page.wait_for_url(re.compile(r"acknowledged=yes"))
        assert words["acknowledged"] in await page.locator("main").inner_text()
        await check("letters-acknowledged")
        row = page.locator("main tbody tr").first
        assert await row.get_by_role("button").count() == 0

        href = await row.locator("a").first.get_attribute("href")
        assert href is not None
        opened = await page.request.get(f"{stack.gateway_url}{href}")
        assert opened.status == 200
        assert opened.headers["content-type"] == "application/pdf"
        assert (await opened.body()).startswith(b"%PDF")
        await page.reload()
        row = page.locator("main tbody tr").first
        assert words["new"] not in await row.inner_text()
        await context.close()
