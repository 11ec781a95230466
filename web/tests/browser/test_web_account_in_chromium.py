"""The account journeys in Chromium: password, details, devices, security events, housing
services and the idle warning, as a person clicks and types through them."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page
from tests.support.browser import axe_violations, keep_screenshot, new_profile, sign_in
from tests.support.web_pages import NewApplicant

from kit.mongo import Mongo
from portalstack.endpoints import Stack
from web.sessions.repository import COLLECTION
from web.sessions.service import id_hash

NEW_PASSWORD = "Harbour-Lights-77?"

# The journeys' links, buttons and texts, by their names in each language.
WORDS = {
    "en": {
        "change_password": "Change password",
        "changed_password": "You have changed your password.",
        "sign_out": "Sign out",
        "sign_in": "Sign in",
        "signed_out": "You have signed out",
    },
    "cy": {
        "change_password": "Newid cyfrinair",
        "changed_password": "Rydych wedi newid eich cyfrinair.",
        "sign_out": "Allgofnodi",
        "sign_in": "Mewngofnodi",
        "signed_out": "Rydych wedi allgofnodi",
    },
}


async def checked(page: Page, axe_source: str, screenshots: Path, name: str) -> None:
    """axe finds nothing on the page; its screenshot is kept."""
    assert await axe_violations(page, axe_source) == []
    await keep_screenshot(page, screenshots / f"journey-{name}.png")


async def stored_session_id(page: Page) -> str:
    """The hash under which the web keeps this browser's session."""
    cookies = await page.context.cookies()
    session_id = next(c["value"] for c in cookies if c["name"] == "portal_session")
    return id_hash(session_id)


async def idle_for(page: Page, web_store: Mongo, how_long: datetime.timedelta) -> None:
    """Move the browser's stored session back, as if nothing had been done for `how_long`."""
    seen_at = datetime.datetime.now(datetime.UTC) - how_long
    await web_store.db[COLLECTION].update_one(
        {"_id": await stored_session_id(page)}, {"$set": {"seen_at": seen_at}}
    )


async def seen_ago(page: Page, web_store: Mongo) -> datetime.timedelta:
    """How long ago the stored session was last counted as used."""
    found = await web_store.db[COLLECTION].find_one({"_id": await stored_session_id(page)})
    assert found is not None
    seen_at: datetime.datetime = found["seen_at"].replace(tzinfo=datetime.UTC)
    return datetime.datetime.now(datetime.UTC) - seen_at


@pytest.mark.parametrize("language", ["en", "cy"])
class TestChangingThePassword:
    async def test_change_it_then_sign_in_with_the_new_one(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        language: str,
    ) -> None:
        words = WORDS[language]
        person = await new_applicant()
        await page.goto(f"{stack.gateway_url}/kingston/?lang={language}")
        await sign_in(page, stack, person)
        assert await page.get_attribute("html", "lang") == language
        await page.get_by_role("link", name=words["change_password"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/password$"))
        await page.locator("#current_password").fill("Not-My-Password-1!")
        await page.locator("#new_password").fill(NEW_PASSWORD)
        await page.locator("#confirm_password").fill(NEW_PASSWORD)
        await page.get_by_role("button", name=words["change_password"]).click()
        await page.wait_for_load_state()
        summary = page.locator(".govuk-error-summary")
        assert await summary.is_visible()
        await checked(page, axe_source, screenshots, f"password-wrong-{language}")
        await summary.get_by_role("link").click()
        assert await page.evaluate("document.activeElement.id") == "current_password"

        await page.locator("#current_password").fill(person.password)
        await page.locator("#new_password").fill(NEW_PASSWORD)
        await page.locator("#confirm_password").fill(NEW_PASSWORD)
        await page.get_by_role("button", name=words["change_password"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/$"))
        banner = page.locator(".govuk-notification-banner--success")
        assert words["changed_password"] in await banner.inner_text()
        await checked(page, axe_source, screenshots, f"password-changed-{language}")

        await page.get_by_role("button", name=words["sign_out"]).click()
        await page.wait_for_url(re.compile(r"/signed-out$"))
        await page.goto(f"{stack.gateway_url}/kingston/account/sign-in")
        await page.locator("#email").fill(person.email)
        await page.locator("#password").fill(person.password)
        await page.get_by_role("button", name=words["sign_in"]).click()
        await page.wait_for_load_state()
        assert await page.locator(".govuk-error-summary").is_visible()
        await sign_in(page, stack, person, password=NEW_PASSWORD)
        assert person.email in await page.locator("main").inner_text()


class TestChangingTheDetails:
    async def test_change_the_name_and_add_then_remove_a_phone_number(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
    ) -> None:
        person = await new_applicant()
        await sign_in(page, stack, person)
        await page.get_by_role("link", name="View all your details").click()
        await page.wait_for_url(re.compile(r"/kingston/account/profile$"))
        await page.get_by_role("link", name="Change name").click()
        await page.locator("#first_name").fill("Siân")
        await page.locator("#last_name").fill("Lloyd")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(re.compile(r"/kingston/account/profile$"))
        assert "You have changed your name." in await page.locator("main").inner_text()
        assert "Siân Lloyd" in await page.locator(".govuk-summary-list").inner_text()
        await checked(page, axe_source, screenshots, "name-changed")

        await page.get_by_role("link", name="Add phone number").click()
        await page.locator("#phone").fill("not a number")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_load_state()
        assert await page.locator("#phone-error").is_visible()
        await page.locator("#phone").fill("07700 900123")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(re.compile(r"/kingston/account/profile$"))
        assert "07700 900123" in await page.locator(".govuk-summary-list").inner_text()

        await page.get_by_role("link", name="Change phone number").click()
        await page.locator("#phone").fill("")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(re.compile(r"/kingston/account/profile$"))
        assert "You have removed your phone number." in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, "phone-removed")


class TestDevices:
    async def test_sign_another_device_out_then_this_one(
        self,
        browser: Browser,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
    ) -> None:
        person = await new_applicant()
        laptop = await new_profile(browser)
        other = await laptop.new_page()
        await sign_in(other, stack, person)
        await sign_in(page, stack, person)
        await page.get_by_role("link", name="View where you are signed in").click()
        await page.wait_for_url(re.compile(r"/kingston/account/sessions$"))
        cards = page.locator(".govuk-summary-card")
        assert await cards.count() == 2
        assert "Chrome on Linux" in await cards.first.inner_text()
        await checked(page, axe_source, screenshots, "sessions")
        await page.locator(".govuk-button--warning").click()
        await page.wait_for_url(re.compile(r"/kingston/account/sessions$"))
        assert "You have signed out of that device." in await page.locator("main").inner_text()
        assert await cards.count() == 1

        await other.goto(f"{stack.gateway_url}/kingston/account/")
        await other.wait_for_url(re.compile(r"/kingston/account/sign-in$"))
        await laptop.close()

        await page.get_by_role("button", name="Sign out of this device").click()
        await page.wait_for_url(re.compile(r"/kingston/account/signed-out$"))


class TestSecurityEvents:
    async def test_the_sign_in_is_listed(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
    ) -> None:
        person = await new_applicant()
        await sign_in(page, stack, person)
        await page.get_by_role("link", name="View recent security events").click()
        await page.wait_for_url(re.compile(r"/kingston/account/security-events$"))
        first = page.locator("tbody tr").first
        assert "You signed in" in await first.inner_text()
        assert "Chrome on Linux" in await first.inner_text()
        await checked(page, axe_source, screenshots, "security-events")


@pytest.mark.parametrize("language", ["en", "cy"])
class TestHousingServices:
    async def test_join_watford_switch_to_it_and_back(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        new_applicant: NewApplicant,
        language: str,
    ) -> None:
        person = await new_applicant()
        await page.goto(f"{stack.gateway_url}/kingston/?lang={language}")
        await sign_in(page, stack, person)
        await page.locator("main a[href$='/account/authorities']").click()
        await page.wait_for_url(re.compile(r"/kingston/account/authorities$"))
        await page.get_by_label("Watford Borough Council").check()
        await page.locator("main form button[type=submit]").last.click()
        await page.wait_for_url(re.compile(r"/kingston/account/authorities$"))
        assert await page.locator(".govuk-notification-banner--success").is_visible()
        await checked(page, axe_source, screenshots, f"authority-joined-{language}")

        await page.locator("#switch-watford").click()
        await page.wait_for_url(re.compile(r"/watford/account/$"))
        assert "Watford Borough Council" in await page.locator("header").inner_text()
        assert await page.locator(".govuk-notification-banner--success").is_visible()
        assert person.email in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, f"authority-switched-{language}")

        await page.locator("main a[href$='/account/authorities']").click()
        await page.wait_for_url(re.compile(r"/watford/account/authorities$"))
        await page.locator("#switch-kingston").click()
        await page.wait_for_url(re.compile(r"/kingston/account/$"))
        assert "Kingston" in await page.locator("header").inner_text()
        assert await page.get_attribute("html", "lang") == language


class TestIdleWarning:
    async def test_stay_signed_in_then_time_out(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        web_session_store: Mongo,
        new_applicant: NewApplicant,
    ) -> None:
        person = await new_applicant()
        await sign_in(page, stack, person)
        await page.clock.install()
        await page.goto(f"{stack.gateway_url}/kingston/account/profile")
        warning = page.locator("#idle-warning")
        await page.clock.run_for(27 * 60 * 1000)
        assert not await warning.is_visible()
        await page.clock.run_for(60 * 1000 + 1000)
        assert await warning.is_visible()
        assert re.search(r"\d\d:\d\d", await warning.inner_text())

        await checked(page, axe_source, screenshots, "idle-warning")

        # Staying reaches the server: the session counts as used again.
        await idle_for(page, web_session_store, datetime.timedelta(seconds=45))
        await warning.get_by_role("button", name="Stay signed in").click()
        await warning.wait_for(state="hidden")
        assert await seen_ago(page, web_session_store) < datetime.timedelta(seconds=30)
        assert page.url.endswith("/kingston/account/profile")

        # Nothing more is done: the server's limit passes, then the page's.
        await idle_for(page, web_session_store, datetime.timedelta(minutes=31))
        await page.clock.run_for(30 * 60 * 1000 + 3000)
        await page.wait_for_url(re.compile(r"/kingston/account/timed-out$"))
        await page.clock.resume()
        assert "30 minutes" in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, "timed-out")
        await page.goto(f"{stack.gateway_url}/kingston/account/")
        await page.wait_for_url(re.compile(r"/kingston/account/sign-in$"))
