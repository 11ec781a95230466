"""Notifications in Chromium, in English and Welsh: the header's count, the list with what is
new, opening one, marking all seen, the email choices saved and a stale save refused, and the
officer's page of what was emailed about the case. Every page: axe finds nothing at 1024 CSS
pixels, nothing scrolls sideways at 320. The same, but the officer's page, with JavaScript off."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page
from tests.support.browser import (
    PageChecker,
    demo_profile,
    main_text,
    new_profile,
    press,
    sign_in,
)
from tests.support.notices import NotifiedApplicant, notices_of
from tests.support.polling import eventually

from portalstack.endpoints import Stack

COUNCIL = "watford"
WORDS = {
    "en": {
        "link_2": "Notifications 2 unread",
        "link_1": "Notifications 1 unread",
        "link_0": "Notifications",
        "heading": "Notifications",
        "new": "New",
        "mark_all": "Mark all as seen",
        "all_seen": "All your notifications are marked as seen",
        "choose": "Choose what we email you about",
        "message": "A new message",
        "letter": "A new letter",
        "save": "Save",
        "saved": "Your email choices have been saved",
        "stale": "changed in another window or on another device",
        "case_emails": "Emails sent about this case",
        "sent": "Sent",
        "received": "Application received",
    },
    "cy": {
        "link_2": "Hysbysiadau 2 heb eu darllen",
        "link_1": "Hysbysiadau 1 heb eu darllen",
        "link_0": "Hysbysiadau",
        "heading": "Hysbysiadau",
        "new": "Newydd",
        "mark_all": "Nodi'r cyfan fel rhai a welwyd",
        "all_seen": "Mae eich holl hysbysiadau wedi'u nodi fel rhai a welwyd",
        "choose": "Dewiswch beth rydym yn anfon e-bost atoch amdano",
        "message": "Neges newydd",
        "letter": "Llythyr newydd",
        "save": "Cadw",
        "saved": "Mae eich dewisiadau e-bost wedi'u cadw",
        "stale": "eu newid mewn ffenestr arall neu ar ddyfais arall",
        "case_emails": "Negeseuon e-bost a anfonwyd am yr achos hwn",
        "sent": "Anfonwyd",
        "received": "Cais wedi dod i law",
    },
}


def header_link(page: Page, name: str) -> Locator:
    return page.locator("header").get_by_role("link", name=name, exact=True)


async def counted(page: Page, name: str) -> Locator:
    """The header's link once it counts as named. A page that is ready before the count comes
    leaves it out (as on a busy machine): the page is loaded again."""

    async def shown() -> bool:
        if await header_link(page, name).count():
            return True
        await page.reload()
        return False

    await eventually(shown, what=f"the header's link named {name!r}")
    return header_link(page, name)


@pytest.mark.parametrize("language", ["en", "cy"])
class TestNotificationsJourney:
    async def test_told_opened_all_seen_email_choices_and_the_officers_list(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        notified_applicant: NotifiedApplicant,
        gateway: httpx.AsyncClient,
        language: str,
    ) -> None:
        words = WORDS[language]
        told = await notified_applicant(COUNCIL)
        context = await new_profile(browser, viewport={"width": 1024, "height": 768})
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="notifications")
        await sign_in(page, stack, told.person, language)

        # The header counts the two new notices on every page; its link opens the list.
        await (await counted(page, words["link_2"])).click()
        await page.wait_for_url(re.compile(r"/notifications$"))
        rows = page.locator("main table tbody tr")
        assert await rows.count() == 2
        # Each in the page's language, whatever the language it was told in.
        shown = await notices_of(gateway, told.applicant, language=language)
        for index, notice in enumerate(shown):
            row = await rows.nth(index).inner_text()
            assert notice["activity"] in row
            assert words["new"] in row
        await check("list")

        # Opening the message's notice marks it seen and lands on the message.
        await rows.nth(0).get_by_role("link").click()
        await page.wait_for_url(re.compile(r"/messages/[0-9a-f]{32}/[0-9a-f]{32}$"))
        assert page.url.endswith(told.notices[0]["link"])
        await (await counted(page, words["link_1"])).click()
        await page.wait_for_url(re.compile(r"/notifications$"))
        assert words["new"] not in await rows.nth(0).inner_text()
        assert words["new"] in await rows.nth(1).inner_text()

        await press(page, words["mark_all"])
        await page.wait_for_url(re.compile(r"/notifications\?notice=seen$"))
        assert words["all_seen"] in await main_text(page)
        assert words["new"] not in await page.locator("main table").inner_text()
        assert await header_link(page, words["link_0"]).count() == 1
        await check("all-seen")

        # Email choices: messages turned off and saved.
        await page.get_by_role("link", name=words["choose"]).click()
        await page.wait_for_url(re.compile(r"/notifications/preferences$"))
        await check("preferences")
        await page.get_by_label(words["message"], exact=True).uncheck()
        await press(page, words["save"])
        await page.wait_for_url(re.compile(r"/preferences\?notice=saved$"))
        assert words["saved"] in await main_text(page)
        assert not await page.get_by_label(words["message"], exact=True).is_checked()
        await check("preferences-saved")

        # Meanwhile, in another tab, letters are turned off: this page's save is refused.
        api = f"/{COUNCIL}/api/notifications/preferences"
        current = (await gateway.get(api, headers=told.applicant.headers)).json()
        changed = await gateway.put(
            api,
            json={"email": {"letter_issued": False, "message_received": False}},
            headers={**told.applicant.headers, "If-Match": f'"{current["version"]}"'},
        )
        assert changed.status_code == 200, changed.text
        await page.get_by_label(words["message"], exact=True).check()
        await press(page, words["save"])
        summary = await page.locator(".govuk-error-summary").inner_text()
        assert words["stale"] in summary
        assert not await page.get_by_label(words["letter"], exact=True).is_checked()
        assert not await page.get_by_label(words["message"], exact=True).is_checked()
        await check("preferences-stale")
        await context.close()

        # The officer sees both emails sent to the applicant.
        deliveries = f"/{COUNCIL}/api/notifications/cases/{told.case['id']}/deliveries"

        async def all_sent() -> bool:
            answer = await gateway.get(deliveries, headers=told.officer.headers)
            items = answer.json()["items"]
            return len(items) == 2 and all(item["status"] == "sent" for item in items)

        await eventually(all_sent, within=20, what="both emails sent")
        context = await demo_profile(browser, stack, "officer", COUNCIL)
        page = await context.new_page()
        check = PageChecker(page, axe_source, screenshots, language, prefix="notifications")
        case_path = f"/{COUNCIL}/caseload/{told.case['id']}"
        await page.goto(f"{stack.gateway_url}{case_path}?lang={language}")
        await page.get_by_role("link", name=words["case_emails"]).click()
        await page.wait_for_url(re.compile(r"/emails$"))
        rows = page.locator("main table tbody tr")
        assert await rows.count() == 2
        # Newest first; the two events' emails may be queued in either order.
        texts = [await rows.nth(n).inner_text() for n in range(2)]
        received = next((text for text in texts if words["received"] in text), "")
        assert words["received"] in received, texts
        assert told.email in received
        assert words["sent"] in received
        await check("case-emails")
        await context.close()


class TestWithoutJavaScript:
    async def test_opened_all_seen_and_email_choices_saved(
        self, browser: Browser, stack: Stack, notified_applicant: NotifiedApplicant
    ) -> None:
        words = WORDS["en"]
        told = await notified_applicant(COUNCIL)
        context = await new_profile(browser, java_script_enabled=False)
        page = await context.new_page()
        await sign_in(page, stack, told.person)
        listed = f"{stack.gateway_url}/{COUNCIL}/notifications"
        await page.goto(listed)
        rows = page.locator("main table tbody tr")
        assert await rows.count() == 2
        assert words["new"] in await rows.nth(1).inner_text()

        # The older notice (the referral received), opened: it is seen, the newer still new.
        await rows.nth(1).get_by_role("link").click()
        await page.wait_for_url(re.compile(re.escape(told.notices[1]["link"]) + "$"))
        await page.goto(listed)
        assert words["new"] not in await rows.nth(1).inner_text()
        assert words["new"] in await rows.nth(0).inner_text()

        await press(page, words["mark_all"])
        await page.wait_for_url(re.compile(r"/notifications\?notice=seen$"))
        assert words["all_seen"] in await main_text(page)
        assert words["new"] not in await page.locator("main table").inner_text()

        await page.get_by_role("link", name=words["choose"]).click()
        await page.wait_for_url(re.compile(r"/notifications/preferences$"))
        await page.get_by_label(words["letter"], exact=True).uncheck()
        await press(page, words["save"])
        await page.wait_for_url(re.compile(r"/preferences\?notice=saved$"))
        assert words["saved"] in await main_text(page)
        assert not await page.get_by_label(words["letter"], exact=True).is_checked()
        assert await page.get_by_label(words["message"], exact=True).is_checked()
        await context.close()
