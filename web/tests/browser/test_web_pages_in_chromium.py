"""Every page, in English and Welsh, in a real browser: axe finds nothing, it reflows at 320
CSS pixels, the browser blocks nothing, and its screenshot is kept."""

import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page
from tests.support.accounts import ConfirmationLink, DeclineOffer
from tests.support.browser import axe_violations
from tests.support.web_pages import applicant_signed_in_nowhere, identity_api

from portalstack.endpoints import Stack, current_stack


async def show_front_door_error(page: Page) -> None:
    """Send the front door's form with nothing chosen."""
    await page.locator("button.govuk-button").click()
    await page.wait_for_load_state()


async def send_an_expired_form(page: Page) -> None:
    """Send the front door's form with a token the session never had."""
    await page.evaluate("document.querySelector('[name=csrf_token]').value = 'expired'")
    await page.locator("input[name=authority]").first.check()
    await page.locator("button.govuk-button").click()
    await page.wait_for_load_state()


async def sign_in_with_nothing(page: Page) -> None:
    """Send the sign-in form empty."""
    await page.locator("form button[type=submit]").click()
    await page.wait_for_load_state()


async def sign_in_as_applicant(page: Page) -> None:
    """Sign in as Kingston's demo applicant, from the sign-in page."""
    await page.locator("#email").fill("applicant.kingston@demo.housing-portal.local")
    await page.locator("#password").fill("Housing-Demo-2025!")
    await page.locator("form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/kingston/account/$"))


async def sign_in_and_out(page: Page) -> None:
    """Sign in, then sign out."""
    await sign_in_as_applicant(page)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/kingston/account/signed-out$"))


async def register_with_nothing(page: Page) -> None:
    """Send the registration form empty."""
    await page.locator("form button[type=submit]").click()
    await page.wait_for_load_state()


async def register_with_a_weak_password(page: Page) -> None:
    """Send the registration form with a password identity refuses."""
    await page.locator("#first_name").fill("Rhiannon")
    await page.locator("#last_name").fill("Pryce")
    await page.locator("#email").fill(f"weak-{uuid.uuid4().hex[:12]}@example.org")
    await page.locator("#password").fill("lowercase only")
    await page.locator("#password_confirmation").fill("lowercase only")
    await page.locator("form button[type=submit]").click()
    await page.wait_for_load_state()


async def press_the_button(page: Page) -> None:
    """Press the page's one button (a link that was never sent, here)."""
    await page.locator("form button[type=submit]").click()
    await page.wait_for_load_state()


def origin(page: Page) -> str:
    """The address the page was served from."""
    found = re.match(r"https?://[^/]+", page.url)
    assert found is not None
    return found.group(0)


async def sign_in_as_new_applicant(page: Page) -> None:
    """Sign in as an applicant made for this page alone, whose account may change."""
    stack = current_stack()
    async with identity_api(stack.gateway_url, stack.mongo_url) as identity:
        person = await applicant_signed_in_nowhere(identity)
    await page.goto(f"{origin(page)}/kingston/account/sign-in")
    await page.locator("#email").fill(person.email)
    await page.locator("#password").fill(person.password)
    await page.locator("form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/kingston/account/$"))


def opened_signed_in(path: str, *, new: bool = False) -> Callable[[Page], Awaitable[None]]:
    """Sign in (as the demo applicant, or a new one), then open an account page."""

    async def setup(page: Page) -> None:
        if new:
            await sign_in_as_new_applicant(page)
        else:
            await page.goto(f"{origin(page)}/kingston/account/sign-in")
            await sign_in_as_applicant(page)
        await page.goto(f"{origin(page)}{path}")

    return setup


def sent_signed_in(
    path: str, fields: dict[str, str], *, new: bool = False
) -> Callable[[Page], Awaitable[None]]:
    """Sign in, open an account page's form, fill it in and send it."""

    async def setup(page: Page) -> None:
        await opened_signed_in(path, new=new)(page)
        for field, value in fields.items():
            await page.locator(f"#{field}").fill(value)
        await page.locator("main form button[type=submit]").last.click()
        await page.wait_for_load_state()

    return setup


async def join_watford(page: Page) -> None:
    """As a new applicant, join Watford from the housing services page."""
    await opened_signed_in("/kingston/account/authorities", new=True)(page)
    await page.get_by_label("Watford Borough Council").check()
    await page.locator("main form button[type=submit]").last.click()
    await page.wait_for_load_state()


async def switch_to_watford(page: Page) -> None:
    """Join Watford and switch to it."""
    await join_watford(page)
    await page.locator("#switch-watford").click()
    await page.wait_for_url(re.compile(r"/watford/account/$"))


async def send_join_with_nothing_chosen(page: Page) -> None:
    """Send the join form without choosing a housing service."""
    await opened_signed_in("/kingston/account/authorities")(page)
    await page.locator("main form button[type=submit]").last.click()
    await page.wait_for_load_state()


async def change_password_of_new_applicant(page: Page) -> None:
    """Change a new applicant's password: the account page confirms it."""
    await sign_in_as_new_applicant(page)
    await page.goto(f"{origin(page)}/kingston/account/password")
    await page.locator("#current_password").fill(PASSWORD)
    await page.locator("#new_password").fill("Harbour-Lights-77?")
    await page.locator("#confirm_password").fill("Harbour-Lights-77?")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/kingston/account/$"))


async def change_name_of_new_applicant(page: Page) -> None:
    """Change a new applicant's name: their details page confirms it."""
    await sent_signed_in(
        "/kingston/account/profile/name", {"first_name": "Siân", "last_name": "Lloyd"}, new=True
    )(page)


async def warn_before_the_idle_limit(page: Page) -> None:
    """Sign in, then let 28 minutes pass on the page's clock: the warning opens."""
    await sign_in_as_new_applicant(page)
    await page.clock.install()
    await page.goto(f"{origin(page)}/kingston/account/")
    await page.clock.run_for(28 * 60 * 1000 + 1000)
    await page.locator("#idle-warning").wait_for(state="visible")
    # Time flows again, so that axe's own timers run; the limit is still two minutes away.
    await page.clock.resume()


# A token of the right shape that identity never issued.
UNKNOWN_TOKEN = "N0t-a-real-t0ken-" + "x" * 26
PageSetup = Callable[[Page], Awaitable[None]] | None
# Where each page is served: the portal, a web service whose gateway never answers, or the
# web app with one page that always fails.
PORTAL, NO_GATEWAY, FAILING = "portal", "no-gateway", "failing"
PAGES: list[tuple[str, str, str, PageSetup]] = [
    ("front-door", PORTAL, "/", None),
    ("front-door-error", PORTAL, "/", show_front_door_error),
    ("form-refused", PORTAL, "/", send_an_expired_form),
    ("kingston-home", PORTAL, "/kingston/", None),
    ("ombudsman-home", PORTAL, "/housing-ombudsman/", None),
    ("not-found", PORTAL, "/watford/no-such-page", None),
    ("sign-in", PORTAL, "/kingston/account/sign-in", None),
    ("sign-in-error", PORTAL, "/kingston/account/sign-in", sign_in_with_nothing),
    ("account", PORTAL, "/kingston/account/sign-in", sign_in_as_applicant),
    ("signed-out", PORTAL, "/kingston/account/sign-in", sign_in_and_out),
    ("register", PORTAL, "/kingston/account/register", None),
    ("register-error", PORTAL, "/kingston/account/register", register_with_nothing),
    ("register-weak-password", PORTAL, "/kingston/account/register", register_with_a_weak_password),
    ("check-your-email", PORTAL, "/kingston/account/check-your-email", None),
    ("new-confirmation-link", PORTAL, "/kingston/account/new-confirmation-link", None),
    ("confirm-email", PORTAL, f"/kingston/account/confirm-email?token={UNKNOWN_TOKEN}", None),
    (
        "link-not-working",
        PORTAL,
        f"/kingston/account/confirm-email?token={UNKNOWN_TOKEN}",
        press_the_button,
    ),
    ("email-confirmed", PORTAL, "/kingston/account/email-confirmed", None),
    ("profile", PORTAL, "/kingston/", opened_signed_in("/kingston/account/profile")),
    ("profile-changed", PORTAL, "/kingston/", change_name_of_new_applicant),
    ("change-name", PORTAL, "/kingston/", opened_signed_in("/kingston/account/profile/name")),
    (
        "change-name-error",
        PORTAL,
        "/kingston/",
        sent_signed_in("/kingston/account/profile/name", {"first_name": "", "last_name": ""}),
    ),
    ("change-phone", PORTAL, "/kingston/", opened_signed_in("/kingston/account/profile/phone")),
    (
        "change-phone-error",
        PORTAL,
        "/kingston/",
        sent_signed_in("/kingston/account/profile/phone", {"phone": "call me maybe"}),
    ),
    ("change-password", PORTAL, "/kingston/", opened_signed_in("/kingston/account/password")),
    (
        "change-password-error",
        PORTAL,
        "/kingston/",
        sent_signed_in("/kingston/account/password", {"new_password": "lowercase only"}),
    ),
    ("password-changed", PORTAL, "/kingston/", change_password_of_new_applicant),
    (
        "sessions",
        PORTAL,
        "/kingston/",
        opened_signed_in("/kingston/account/sessions", new=True),
    ),
    (
        "security-events",
        PORTAL,
        "/kingston/",
        opened_signed_in("/kingston/account/security-events", new=True),
    ),
    (
        "authorities",
        PORTAL,
        "/kingston/",
        opened_signed_in("/kingston/account/authorities", new=True),
    ),
    ("authorities-error", PORTAL, "/kingston/", send_join_with_nothing_chosen),
    ("authority-joined", PORTAL, "/kingston/", join_watford),
    ("authority-switched", PORTAL, "/kingston/", switch_to_watford),
    ("timed-out", PORTAL, "/kingston/account/timed-out", None),
    ("idle-warning", PORTAL, "/kingston/", warn_before_the_idle_limit),
    ("unavailable", NO_GATEWAY, "/kingston/", None),
    ("problem", FAILING, "/rugby/fails-for-test", None),
]


def base_url(request: pytest.FixtureRequest, stack: Stack, where: str) -> str:
    """The address of the server that shows the page."""
    if where == NO_GATEWAY:
        return str(request.getfixturevalue("web_without_gateway"))
    if where == FAILING:
        return str(request.getfixturevalue("web_with_a_failing_page"))
    return stack.gateway_url


async def open_page(
    browser: Browser, base: str, *, language: str, path: str, width: int
) -> tuple[Page, list[str]]:
    """The page in a fresh profile that chose `language`, and the browser's complaints."""
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    complaints: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            complaints.append(message.text)

    page.on("console", listen)
    await page.goto(f"{base}/?lang={language}")
    await page.goto(f"{base}{path}")
    return page, complaints


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize(("name", "where", "path", "setup"), PAGES, ids=[p[0] for p in PAGES])
class TestEveryPage:
    async def test_axe_finds_nothing(
        self,
        browser: Browser,
        stack: Stack,
        request: pytest.FixtureRequest,
        axe_source: str,
        screenshots: Path,
        language: str,
        name: str,
        where: str,
        path: str,
        setup: PageSetup,
    ) -> None:
        base = base_url(request, stack, where)
        page, complaints = await open_page(browser, base, language=language, path=path, width=1024)
        if setup is not None:
            await setup(page)
        assert await page.get_attribute("html", "lang") == language
        assert await axe_violations(page, axe_source) == []
        await page.screenshot(path=str(screenshots / f"{name}-{language}.png"), full_page=True)
        # The page's own scripts and styles all ran: the CSP blocked nothing of ours.
        blocked = [text for text in complaints if "Content Security Policy" in text]
        assert blocked == []
        assert await page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        await page.context.close()

    async def test_reflows_at_320_css_pixels(
        self,
        browser: Browser,
        stack: Stack,
        request: pytest.FixtureRequest,
        screenshots: Path,
        language: str,
        name: str,
        where: str,
        path: str,
        setup: PageSetup,
    ) -> None:
        base = base_url(request, stack, where)
        page, _ = await open_page(browser, base, language=language, path=path, width=320)
        if setup is not None:
            await setup(page)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await page.screenshot(path=str(screenshots / f"{name}-{language}-320.png"), full_page=True)
        await page.context.close()


class TestInTheBrowser:
    async def test_sign_in_and_out(self, page: Page, stack: Stack) -> None:
        await page.goto(f"{stack.gateway_url}/kingston/")
        await page.get_by_role("link", name="Sign in").click()
        await sign_in_as_applicant(page)
        assert (
            "applicant.kingston@demo.housing-portal.local"
            in await page.locator("main").inner_text()
        )
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_url(re.compile(r"/signed-out$"))
        await page.goto(f"{stack.gateway_url}/kingston/account/")
        await page.wait_for_url(re.compile(r"/kingston/account/sign-in$"))

    async def test_the_password_can_be_shown(self, page: Page, stack: Stack) -> None:
        await page.goto(f"{stack.gateway_url}/kingston/account/sign-in")
        await page.locator("#password").fill("secret words")
        await page.get_by_role("button", name="Show password").click()
        assert await page.get_attribute("#password", "type") == "text"

    async def test_the_switch_changes_the_language_of_the_same_page(
        self, page: Page, stack: Stack
    ) -> None:
        await page.goto(f"{stack.gateway_url}/kingston/")
        await page.get_by_role("link", name="Cymraeg").click()
        await page.wait_for_url(re.compile(r"/kingston/$"))
        assert await page.get_attribute("html", "lang") == "cy"
        assert await page.locator("h1").inner_text() == "Gwasanaethau tai"
        await page.get_by_role("link", name="English").click()
        await page.wait_for_url(re.compile(r"/kingston/$"))
        assert await page.get_attribute("html", "lang") == "en"

    async def test_the_skip_link_is_first_and_moves_to_the_main_content(
        self, page: Page, stack: Stack
    ) -> None:
        await page.goto(f"{stack.gateway_url}/kingston/")
        await page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert await focused.inner_text() == "Skip to main content"
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "main-content"

    async def test_choosing_an_authority_works_without_javascript(
        self, browser: Browser, stack: Stack
    ) -> None:
        context = await browser.new_context(java_script_enabled=False)
        page = await context.new_page()
        await page.goto(f"{stack.gateway_url}/")
        await page.get_by_label("Watford Borough Council").check()
        await page.get_by_role("button", name="Continue").click()
        await page.wait_for_url(re.compile(r"/watford/$"))
        assert "Watford Borough Council" in await page.locator("header").inner_text()
        await context.close()

    async def test_the_error_summary_link_moves_to_the_field(
        self, page: Page, stack: Stack
    ) -> None:
        await page.goto(f"{stack.gateway_url}/")
        await show_front_door_error(page)
        summary = page.locator(".govuk-error-summary")
        assert await summary.is_visible()
        await summary.get_by_role("link").click()
        assert await page.evaluate("document.activeElement.name") == "authority"


PASSWORD = "Maple-Lantern-42!"


async def checked(page: Page, axe_source: str, screenshots: Path, name: str) -> None:
    """axe finds nothing on the page, in the language chosen; its screenshot is kept."""
    assert await axe_violations(page, axe_source) == []
    await page.screenshot(path=str(screenshots / f"journey-{name}.png"), full_page=True)


# The journey's links and buttons, by their names in each language.
WORDS = {
    "en": {
        "create": "Create an account",
        "submit": "Create account",
        "send": "Send a new link",
        "confirm": "Confirm email address",
        "sign_in": "Sign in to your account",
    },
    "cy": {
        "create": "Creu cyfrif",
        "submit": "Creu cyfrif",
        "send": "Anfon dolen newydd",
        "confirm": "Cadarnhau cyfeiriad e-bost",
        "sign_in": "Mewngofnodi i\u2019ch cyfrif",
    },
}


@pytest.mark.parametrize("language", ["en", "cy"])
class TestRegistrationJourney:
    async def test_register_confirm_and_sign_in(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        confirmation_link: ConfirmationLink,
        decline_second_factor_offer: DeclineOffer,
        language: str,
    ) -> None:
        words = WORDS[language]
        email = f"journey-{uuid.uuid4().hex[:12]}@example.org"
        await page.goto(f"{stack.gateway_url}/kingston/?lang={language}")
        await page.get_by_role("link", name=words["create"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/register$"))
        assert await page.get_attribute("html", "lang") == language
        await checked(page, axe_source, screenshots, f"register-{language}")
        await page.locator("#first_name").fill("Rhiannon")
        await page.locator("#last_name").fill("Pryce")
        await page.locator("#email").fill(email)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("#password_confirmation").fill("Maple-Lantern-43!")
        await page.get_by_role("button", name=words["submit"]).click()
        await page.wait_for_load_state()
        assert await page.locator(".govuk-error-summary").is_visible()
        await checked(page, axe_source, screenshots, f"register-mismatch-{language}")
        await page.locator("#password").fill(PASSWORD)
        await page.locator("#password_confirmation").fill(PASSWORD)
        await page.get_by_role("button", name=words["submit"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/check-your-email$"))
        await checked(page, axe_source, screenshots, f"check-your-email-{language}")

        link = await confirmation_link(email)
        # The emailed link names the portal's public address; the test reaches this stack's.
        await page.goto(stack.gateway_url + "/" + link.split("/", 3)[3])
        assert await page.get_attribute("html", "lang") == language
        await checked(page, axe_source, screenshots, f"confirm-email-{language}")
        await page.get_by_role("button", name=words["confirm"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/email-confirmed$"))
        assert await page.locator(".govuk-panel").is_visible()
        await checked(page, axe_source, screenshots, f"email-confirmed-{language}")

        await decline_second_factor_offer("kingston", email, PASSWORD)
        await page.get_by_role("link", name=words["sign_in"]).click()
        await page.wait_for_url(re.compile(r"/kingston/account/sign-in$"))
        await page.locator("#email").fill(email)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("form button[type=submit]").click()
        await page.wait_for_url(re.compile(r"/kingston/account/$"))
        assert email in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, f"signed-in-{language}")

    async def test_a_used_link_offers_a_new_one(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        confirmation_link: ConfirmationLink,
        language: str,
    ) -> None:
        words = WORDS[language]
        email = f"journey-{uuid.uuid4().hex[:12]}@example.org"
        await page.goto(f"{stack.gateway_url}/kingston/account/register?lang={language}")
        await page.locator("#first_name").fill("Rhiannon")
        await page.locator("#last_name").fill("Pryce")
        await page.locator("#email").fill(email)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("#password_confirmation").fill(PASSWORD)
        await page.get_by_role("button", name=words["submit"]).click()
        await page.wait_for_url(re.compile(r"/check-your-email$"))
        address = stack.gateway_url + "/" + (await confirmation_link(email)).split("/", 3)[3]
        for _ in range(2):
            await page.goto(address)
            await page.get_by_role("button", name=words["confirm"]).click()
            await page.wait_for_load_state()
        await checked(page, axe_source, screenshots, f"link-used-{language}")
        await page.locator("main a[href$='/account/new-confirmation-link']").click()
        await page.wait_for_url(re.compile(r"/new-confirmation-link$"))
        await page.locator("#email").fill(email)
        await page.get_by_role("button", name=words["send"]).click()
        await page.wait_for_url(re.compile(r"/check-your-email$"))
