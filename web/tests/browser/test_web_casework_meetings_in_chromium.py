"""An officer books, moves and cancels an appointment on a case and writes a letter, in
Chromium, in English and Welsh: every page checked by axe at 1024 CSS pixels, reflowing at
320, with errors shown on the fields."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext
from tests.support.browser import PageChecker, new_profile, press
from tests.support.cases import CasesApi
from tests.support.casework import referral
from tests.support.stack import MintToken, client_address
from tests.support.web_sessions import SESSION_COOKIE, demo_session

from portalstack.endpoints import Stack

KINGSTON = "kingston"
WORDS = {
    "en": {
        "appointments": "Appointments: book, move or cancel",
        "letters": "Letters: write one, see which were opened and acknowledged",
        "book": "Book an appointment",
        "book_it": "Book the appointment",
        "interview": "Interview",
        "in_person": "In person",
        "phone": "By phone",
        "booked": "The appointment has been booked.",
        "move": "Move",
        "move_it": "Move the appointment",
        "moved": "The appointment has been moved.",
        "cancel": "Cancel",
        "cancel_it": "Cancel the appointment",
        "cancelled": "The appointment has been cancelled.",
        "cancelled_tag": "Cancelled",
        "problem": "There is a problem",
        "write": "Write a letter",
        "send": "Send the letter",
        "decision": "Decision",
        "sent": "The letter has been sent.",
        "not_opened": "Not opened yet",
        "back": "Back to the case",
    },
    "cy": {
        "appointments": "Apwyntiadau: trefnu, symud neu ganslo",
        "letters": "Llythyrau: ysgrifennu un, gweld pa rai a agorwyd ac a gydnabuwyd",
        "book": "Trefnu apwyntiad",
        "book_it": "Trefnu'r apwyntiad",
        "interview": "Cyfweliad",
        "in_person": "Wyneb yn wyneb",
        "phone": "Dros y ffôn",
        "booked": "Mae'r apwyntiad wedi'i drefnu.",
        "move": "Symud",
        "move_it": "Symud yr apwyntiad",
        "moved": "Mae'r apwyntiad wedi'i symud.",
        "cancel": "Canslo",
        "cancel_it": "Canslo'r apwyntiad",
        "cancelled": "Mae'r apwyntiad wedi'i ganslo.",
        "cancelled_tag": "Wedi'i ganslo",
        "problem": "Mae problem wedi codi",
        "write": "Ysgrifennu llythyr",
        "send": "Anfon y llythyr",
        "decision": "Penderfyniad",
        "sent": "Mae'r llythyr wedi'i anfon.",
        "not_opened": "Heb ei agor eto",
        "back": "Yn ôl i'r achos",
    },
}


@pytest.fixture
async def cases(stack: Stack, mint_token: MintToken) -> AsyncIterator[CasesApi]:
    """The cases API through the gateway, with minted tokens."""
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15.0, headers=headers) as http:
        yield CasesApi(http, mint_token)


async def as_demo_officer(context: BrowserContext, base: str) -> None:
    """Put the demo officer's portal session in the browser profile."""
    session = await demo_session("officer", KINGSTON)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": base}])


@pytest.mark.parametrize("language", ["en", "cy"])
class TestAnOfficerArrangesAndWrites:
    async def test_book_move_and_cancel_an_appointment_then_write_a_letter(
        self,
        browser: Browser,
        stack: Stack,
        cases: CasesApi,
        axe_source: str,
        screenshots: Path,
        language: str,
    ) -> None:
        words = WORDS[language]
        case = await referral(cases)
        context = await new_profile(browser, viewport={"width": 1024, "height": 900})
        await as_demo_officer(context, stack.gateway_url)
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="casework")
        await page.goto(f"{stack.gateway_url}/{KINGSTON}/caseload/{case['id']}?lang={language}")
        main = page.locator("main")

        await main.get_by_role("link", name=words["appointments"]).click()
        await page.wait_for_url(re.compile(r"/appointments$"))
        await check("appointments")
        await main.get_by_role("button", name=words["book"]).click()
        await page.wait_for_url(re.compile(r"/appointments/book$"))
        await check("appointment-book")
        await page.locator("#officer_name").fill("")
        await press(page, words["book_it"])
        assert words["problem"] in await page.locator(".govuk-error-summary").inner_text()
        assert await main.locator(".govuk-error-message").count() >= 6
        await check("appointment-book-errors")

        await main.get_by_label(words["interview"], exact=True).check()
        await main.get_by_label(words["in_person"], exact=True).check()
        await page.locator("#detail").fill("Guildhall, High Street, Kingston upon Thames")
        await page.locator("#day-day").fill("29")
        await page.locator("#day-month").fill("3")
        await page.locator("#day-year").fill("2027")
        await page.locator("#starts").fill("10:00")
        await page.locator("#ends").fill("09:00")
        await page.locator("#officer_name").fill("Dawn Price")
        await press(page, words["book_it"])
        assert await page.locator("#ends-error").is_visible()
        await page.locator("#ends").fill("11:00")
        await press(page, words["book_it"])
        await page.wait_for_url(re.compile(r"done=booked"))
        assert words["booked"] in await main.inner_text()
        assert "Guildhall" in await main.locator("tbody").inner_text()
        await check("appointments-booked")

        await main.locator("tbody").get_by_role("link", name=words["move"]).click()
        await page.wait_for_url(re.compile(r"/move$"))
        assert await page.locator("#starts").input_value() == "10:00"
        await check("appointment-move")
        await main.get_by_label(words["phone"], exact=True).check()
        await page.locator("#detail").fill("020 8547 5000")
        await page.locator("#starts").fill("14:00")
        await page.locator("#ends").fill("15:00")
        await press(page, words["move_it"])
        await page.wait_for_url(re.compile(r"done=moved"))
        assert "020 8547 5000" in await main.locator("tbody").inner_text()

        await main.locator("tbody").get_by_role("link", name=words["cancel"]).click()
        await page.wait_for_url(re.compile(r"/cancel$"))
        await check("appointment-cancel")
        await page.locator("#reason").fill("The officer is away")
        await press(page, words["cancel_it"])
        await page.wait_for_url(re.compile(r"done=cancelled"))
        assert words["cancelled_tag"] in await main.locator("tbody").inner_text()

        officer = await cases.person("officer", authority=KINGSTON)
        listed = await cases.call("GET", officer, f"/cases/{case['id']}/appointments")
        [appointment] = listed.json()["items"]
        assert appointment["status"] == "cancelled"
        assert appointment["starts_at"] == "2027-03-29T13:00:00Z"
        assert appointment["sequence"] == 2

        await page.goto(f"{stack.gateway_url}/{KINGSTON}/caseload/{case['id']}")
        await main.get_by_role("link", name=words["letters"]).click()
        await page.wait_for_url(re.compile(r"/letters$"))
        await check("letters")
        await main.get_by_role("button", name=words["write"]).click()
        await page.wait_for_url(re.compile(r"/letters/write$"))
        await check("letter-write")
        await page.locator("#signed_by").fill("")
        await press(page, words["send"])
        assert await main.locator(".govuk-error-message").count() == 4
        await check("letter-write-errors")
        await main.get_by_label(words["decision"], exact=True).check()
        await page.locator("#title").fill("Our decision on your referral")
        await page.locator("#body").fill("We have accepted your referral.\n\nWe will be in touch.")
        await page.locator("#signed_by").fill("Dawn Price")
        await press(page, words["send"])
        await page.wait_for_url(re.compile(r"sent=yes"))
        row = await main.locator("tbody tr").first.inner_text()
        assert "Our decision on your referral" in row
        assert words["not_opened"] in row
        letters = await cases.call("GET", officer, f"/cases/{case['id']}/letters")
        assert [item["template"] for item in letters.json()["items"]] == ["decision"]
        await context.close()
