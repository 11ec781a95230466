"""Every page, in English and Welsh, in a real browser: axe finds nothing, it reflows at 320
CSS pixels, the browser blocks nothing, and its screenshot is kept."""

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page
from tests.support.accounts import ConfirmationLink, DeclineOffer
from tests.support.browser import (
    axe_violations,
    demo_profile,
    keep_screenshot,
    new_profile,
    session_profile,
)
from tests.support.people import (
    new_person,
    new_staff,
    person_with_an_app,
    person_with_email_codes,
)
from tests.support.polling import eventually
from tests.support.portal import IdentityStore, Person, Portal
from tests.support.stack import ReadMail
from tests.support.web_pages import applicant_signed_in_nowhere, identity_api
from tests.support.web_sessions import (
    SESSION_COOKIE,
    WebSessionOf,
    demo_session,
    invitation_link,
    new_invitation_path,
    restrict_path,
    restriction_lift_path,
)

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
    """Press the button of the page's form (a link that was never sent, here)."""
    await page.locator("main form button[type=submit]").first.click()
    await page.wait_for_load_state()


async def press_continue(page: Page) -> None:
    """Press the button of the page's first form (others follow it: "later", "new code")."""
    await page.locator("main form button[type=submit]").first.click()
    await page.wait_for_load_state()


async def sign_in_with(page: Page, person: Person) -> None:
    """Send the sign-in form (on the page) with the person's email address and password."""
    await page.locator("#email").fill(person.email)
    await page.locator("#password").fill(person.password)
    await page.locator("form button[type=submit]").first.click()
    await page.wait_for_load_state()


async def at_the_offer(page: Page) -> None:
    """Sign in as someone new: a second factor is offered."""
    await sign_in_with(page, await new_person())
    await page.wait_for_url(re.compile(r"/sign-in/set-up-second-factor$"))


async def at_the_requirement(page: Page) -> None:
    """Sign in as new staff: a second factor must be set up first."""
    await sign_in_with(page, await new_staff())
    await page.wait_for_url(re.compile(r"/sign-in/set-up-second-factor$"))


async def choose_nothing_at_the_offer(page: Page) -> None:
    """Press Continue at the offer without choosing."""
    await at_the_offer(page)
    await press_continue(page)


async def choose(page: Page, method: str) -> None:
    """Choose a way of getting codes at the offer."""
    await at_the_offer(page)
    await page.locator(f"input[value={method}]").check()
    await press_continue(page)


async def at_the_app_set_up(page: Page) -> None:
    """Choose an authenticator app at the offer."""
    await choose(page, "totp")
    await page.wait_for_url(re.compile(r"/set-up-authenticator-app$"))


async def give_a_wrong_app_code(page: Page) -> None:
    """Give the set-up page a code the app never showed."""
    await at_the_app_set_up(page)
    await page.locator("#code").fill("000000")
    await press_continue(page)


async def at_the_email_set_up(page: Page) -> None:
    """Choose codes by email at the offer."""
    await choose(page, "email_code")
    await page.wait_for_url(re.compile(r"/set-up-email-codes$"))


async def set_up_an_app(page: Page) -> Person:
    """Set up an authenticator app from the key on the set-up page; the new person."""
    person = await new_person()
    await sign_in_with(page, person)
    await page.locator("input[value=totp]").check()
    await press_continue(page)
    person.totp_secret = (await page.locator("#secret").inner_text()).replace(" ", "")
    await page.locator("#code").fill(await person.next_totp())
    await press_continue(page)
    await page.wait_for_url(re.compile(r"/account/recovery-codes$"))
    return person


async def at_the_recovery_codes(page: Page) -> None:
    """Set up an app, which shows the recovery codes."""
    await set_up_an_app(page)


async def at_the_app_code(page: Page) -> None:
    """Sign in as someone with an authenticator app."""
    await sign_in_with(page, await person_with_an_app())
    await page.wait_for_url(re.compile(r"/sign-in/authenticator-code$"))


async def give_a_wrong_sign_in_code(page: Page) -> None:
    """Give a code the app never showed."""
    await at_the_app_code(page)
    await page.locator("#code").fill("000000")
    await press_continue(page)


async def at_the_recovery_code(page: Page) -> None:
    """Choose a recovery code instead of the app."""
    await at_the_app_code(page)
    await page.locator("main a[href$='/sign-in/recovery-code']").click()
    await page.wait_for_url(re.compile(r"/sign-in/recovery-code$"))


async def at_the_email_code(page: Page) -> None:
    """Sign in as someone whose codes come by email."""
    await sign_in_with(page, await person_with_email_codes())
    await page.wait_for_url(re.compile(r"/sign-in/email-code$"))


async def ask_for_a_code_too_soon(page: Page) -> None:
    """Ask for a new code at once: one went less than a minute ago."""
    await at_the_email_code(page)
    await page.locator("form[action$='/email-code/new'] button").click()
    await page.wait_for_load_state()


def signed_in_at(path: str) -> Callable[[Page], Awaitable[None]]:
    """Sign in as Kingston's demo applicant, then open a page."""

    async def setup(page: Page) -> None:
        await sign_in_as_applicant(page)
        await page.goto(page.url.split("/kingston/", 1)[0] + path)

    return setup


async def confirm_with_no_password(page: Page) -> None:
    """Ask for a change of second factor without the password."""
    await sign_in_as_applicant(page)
    await page.goto(page.url.split("/kingston/", 1)[0] + CHANGE_FACTOR)
    await press_continue(page)


async def open_the_reset_link(page: Page) -> None:
    """Open a reset link: its token goes onto the session and the form is shown."""
    await page.goto(page.url.split("/kingston/", 1)[0] + RESET_LINK)
    await page.wait_for_url(re.compile(r"/account/reset-password$"))


async def reset_with_nothing(page: Page) -> None:
    """Send the new password form empty."""
    await open_the_reset_link(page)
    await press_continue(page)


async def reset_with_a_used_link(page: Page) -> None:
    """Send a good password with a link that identity never issued."""
    await open_the_reset_link(page)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#password_confirmation").fill(PASSWORD)
    await press_continue(page)


async def sign_in_as_new_applicant(page: Page) -> None:
    """Sign in as an applicant made for this page alone, whose account may change."""
    stack = current_stack()
    async with identity_api(stack.gateway_url, stack.mongo_url) as identity:
        person = await applicant_signed_in_nowhere(identity)
    await page.goto(f"{origin_of(page)}/kingston/account/sign-in")
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
            await page.goto(f"{origin_of(page)}/kingston/account/sign-in")
            await sign_in_as_applicant(page)
        await page.goto(f"{origin_of(page)}{path}")

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


async def language_sent_unchosen(page: Page) -> None:
    """Send the language form with neither language chosen (as an old browser might)."""
    await opened_signed_in("/kingston/account/profile/language")(page)
    await page.evaluate(
        "document.querySelectorAll('main input[name=language]').forEach(i => i.checked = false)"
    )
    await page.locator("main form button[type=submit]").last.click()
    await page.wait_for_load_state()


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
    await page.goto(f"{origin_of(page)}/kingston/account/password")
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
    await page.goto(f"{origin_of(page)}/kingston/account/")
    await page.clock.run_for(28 * 60 * 1000 + 1000)
    await page.locator("#idle-warning").wait_for(state="visible")
    # Time flows again, so that axe's own timers run; the limit is still two minutes away.
    await page.clock.resume()


# Each demo administrator's portal session, signed in once for the whole run.
ADMIN_SESSIONS: dict[tuple[str, str], str] = {}


def origin_of(page: Page) -> str:
    """The scheme, host and port of the page's address."""
    return "/".join(page.url.split("/", 3)[:3])


def signed_in(role: str, authority: str, path: str, then: "PageSetup" = None) -> "PageSetup":
    """Open `path` as the demo account with the role (signed in through the API), then `then`."""

    async def setup(page: Page) -> None:
        key = (role, authority)
        if key not in ADMIN_SESSIONS:
            ADMIN_SESSIONS[key] = await demo_session(role, authority)
        cookie = {"name": SESSION_COOKIE, "value": ADMIN_SESSIONS[key], "url": origin_of(page)}
        await page.context.add_cookies([cookie])  # type: ignore[list-item]
        await page.goto(origin_of(page) + path)
        if then is not None:
            await then(page)

    return setup


async def open_an_invitation(page: Page) -> None:
    """Open the emailed link of a new invitation."""
    await page.goto(origin_of(page) + await new_invitation_path())


async def accept_with_different_passwords(page: Page) -> None:
    """Open a new invitation and send two passwords that differ."""
    await open_an_invitation(page)
    await page.locator("#password").fill("Maple-Lantern-42!")
    await page.locator("#password_confirmation").fill("Maple-Lantern-43!")
    await page.locator("form button[type=submit]").click()
    await page.wait_for_load_state()


async def open_restrict(page: Page) -> None:
    """Open the page that restricts a new member."""
    await page.goto(origin_of(page) + await restrict_path())


async def restrict_with_no_reason(page: Page) -> None:
    """Send the restriction form empty."""
    await open_restrict(page)
    await press_the_button(page)


async def open_a_restriction(page: Page) -> None:
    """Open the page that lifts a new restriction."""
    await page.goto(origin_of(page) + await restriction_lift_path())


async def check_a_users_password_reset(page: Page) -> None:
    """Follow the first user's "Reset password" link."""
    await page.locator("a[href$='/reset-password']").first.click()
    await page.wait_for_load_state()


# A token of the right shape that identity never issued.
UNKNOWN_TOKEN = "N0t-a-real-t0ken-" + "x" * 26
PageSetup = Callable[[Page], Awaitable[None]] | None
SIGN_IN = "/kingston/account/sign-in"
CHANGE_FACTOR = "/kingston/account/second-factors/authenticator-app/new"
RESET_LINK = f"/kingston/account/reset-password?token={UNKNOWN_TOKEN}"
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
    ("set-up-second-factor", PORTAL, SIGN_IN, at_the_offer),
    ("set-up-second-factor-error", PORTAL, SIGN_IN, choose_nothing_at_the_offer),
    ("set-up-second-factor-required", PORTAL, SIGN_IN, at_the_requirement),
    ("set-up-authenticator-app", PORTAL, SIGN_IN, at_the_app_set_up),
    ("set-up-authenticator-app-error", PORTAL, SIGN_IN, give_a_wrong_app_code),
    ("set-up-email-codes", PORTAL, SIGN_IN, at_the_email_set_up),
    ("recovery-codes", PORTAL, SIGN_IN, at_the_recovery_codes),
    ("authenticator-code", PORTAL, SIGN_IN, at_the_app_code),
    ("authenticator-code-error", PORTAL, SIGN_IN, give_a_wrong_sign_in_code),
    ("recovery-code", PORTAL, SIGN_IN, at_the_recovery_code),
    ("email-code", PORTAL, SIGN_IN, at_the_email_code),
    ("email-code-too-soon", PORTAL, SIGN_IN, ask_for_a_code_too_soon),
    ("second-factors", PORTAL, SIGN_IN, signed_in_at("/kingston/account/second-factors")),
    ("confirm-password", PORTAL, SIGN_IN, signed_in_at(CHANGE_FACTOR)),
    ("confirm-password-error", PORTAL, SIGN_IN, confirm_with_no_password),
    ("forgotten-password", PORTAL, "/kingston/account/forgotten-password", None),
    ("forgotten-password-error", PORTAL, "/kingston/account/forgotten-password", press_the_button),
    ("password-reset-sent", PORTAL, "/kingston/account/password-reset-sent", None),
    ("reset-password", PORTAL, "/kingston/", open_the_reset_link),
    ("reset-password-error", PORTAL, "/kingston/", reset_with_nothing),
    ("reset-link-not-working", PORTAL, "/kingston/", reset_with_a_used_link),
    ("password-reset-done", PORTAL, "/kingston/account/password-reset-done", None),
    ("accept-invitation", PORTAL, "/kingston/", open_an_invitation),
    ("accept-invitation-error", PORTAL, "/kingston/", accept_with_different_passwords),
    ("invitation-not-working", PORTAL, "/kingston/account/accept-invitation", None),
    ("invitation-accepted", PORTAL, "/kingston/account/invitation-accepted", None),
    ("admin-home", PORTAL, "/kingston/", signed_in("authority_admin", "kingston", "/kingston/")),
    *[
        (name, PORTAL, path, signed_in("authority_admin", "kingston", path, then))
        for name, path, then in [
            ("staff-members", "/kingston/staff/members", None),
            ("staff-invite", "/kingston/staff/invite", None),
            ("staff-invite-error", "/kingston/staff/invite", press_the_button),
            ("staff-invitation-sent", "/kingston/staff/invitation-sent", None),
            ("staff-invitations", "/kingston/staff/invitations", None),
            ("staff-restrict", "/kingston/staff/members", open_restrict),
            ("staff-restrict-error", "/kingston/staff/members", restrict_with_no_reason),
            ("staff-access-restricted", "/kingston/staff/access-restricted", None),
            ("staff-lift", "/kingston/staff/members", open_a_restriction),
            ("staff-restriction-lifted", "/kingston/staff/restriction-lifted", None),
            ("staff-audit-log", "/kingston/staff/audit-log", None),
            ("staff-audit-log-error", "/kingston/staff/audit-log?action=unknown", None),
        ]
    ],
    *[
        (name, PORTAL, path, signed_in("landlord_admin", "housing-ombudsman", path, then))
        for name, path, then in [
            ("organisation-users", "/housing-ombudsman/organisation/users", None),
            ("organisation-new-user", "/housing-ombudsman/organisation/users/new", None),
            (
                "organisation-new-user-error",
                "/housing-ombudsman/organisation/users/new",
                press_the_button,
            ),
            (
                "organisation-check-action",
                "/housing-ombudsman/organisation/users",
                check_a_users_password_reset,
            ),
            ("organisation-user-created", "/housing-ombudsman/organisation/user-created", None),
        ]
    ],
    *[
        (name, PORTAL, path, signed_in("platform_admin", "housing-ombudsman", path, then))
        for name, path, then in [
            ("platform-authorities", "/housing-ombudsman/platform/authorities", None),
            ("platform-new-authority", "/housing-ombudsman/platform/authorities/new", None),
            (
                "platform-new-authority-error",
                "/housing-ombudsman/platform/authorities/new",
                press_the_button,
            ),
            (
                "platform-change-authority",
                "/housing-ombudsman/platform/authorities/kingston/change",
                None,
            ),
            (
                "platform-disable-authority",
                "/housing-ombudsman/platform/authorities/watford/disable",
                None,
            ),
            (
                "platform-authority-changed",
                "/housing-ombudsman/platform/authorities/kingston/changed",
                None,
            ),
        ]
    ],
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
    (
        "change-language",
        PORTAL,
        "/kingston/",
        opened_signed_in("/kingston/account/profile/language"),
    ),
    (
        "change-language-error",
        PORTAL,
        "/kingston/",
        language_sent_unchosen,
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
    context = await new_profile(browser, viewport={"width": width, "height": 900})
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
    async def test_axe_finds_nothing_and_it_reflows_at_320_css_pixels(
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
        await keep_screenshot(page, screenshots / f"{name}-{language}.png")
        # The page's own scripts and styles all ran: the CSP blocked nothing of ours.
        blocked = [text for text in complaints if "Content Security Policy" in text]
        assert blocked == []
        assert await page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        # The same page at 400% zoom of a 1280-pixel screen: nothing scrolls sideways. (Set up
        # once, at full width: the setups are most of a page's cost.)
        await page.set_viewport_size({"width": 320, "height": 900})
        await page.wait_for_function("document.documentElement.clientWidth === 320", timeout=10_000)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await keep_screenshot(page, screenshots / f"{name}-{language}-320.png")
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
        context = await new_profile(browser, java_script_enabled=False)
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
    await keep_screenshot(page, screenshots / f"journey-{name}.png")


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


RESET_LINK_IN_MAIL = re.compile(r"https?://\S+/account/reset-password\?token=[A-Za-z0-9_\-]+")
NEW_PASSWORD = "Willow-Harbour-97?"


async def emailed_reset_link(read_mail: ReadMail, email: str) -> str:
    """The reset link in the newest email to the address that has one."""

    async def found() -> str | None:
        for message in await read_mail(email):
            link = RESET_LINK_IN_MAIL.search(message["text"])
            if link is not None:
                return link.group(0)
        return None

    link: str = await eventually(found, within=20.0, what=f"a reset link to {email}")
    return link


async def sign_in_in_the_browser(page: Page, base: str, person: Person) -> None:
    """Open the sign-in page and send it the person's email address and password."""
    await page.goto(f"{base}/kingston/account/sign-in")
    await sign_in_with(page, person)


async def sign_out_in_the_browser(page: Page) -> None:
    """Press "Sign out" on the account page."""
    await page.wait_for_url(re.compile(r"/kingston/account/$"))
    await page.locator("main form[action$='/account/sign-out'] button").click()
    await page.wait_for_url(re.compile(r"/account/signed-out$"))


@pytest.mark.parametrize("language", ["en", "cy"])
class TestSecondFactorJourney:
    async def test_an_app_a_recovery_code_and_a_reset_password(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        confirmation_link: ConfirmationLink,
        read_mail: ReadMail,
        language: str,
    ) -> None:
        base = stack.gateway_url
        person = Person(
            email=f"journey-{uuid.uuid4().hex[:12]}@example.org",
            password=PASSWORD,
            authority="kingston",
        )
        await page.goto(f"{base}/kingston/account/register?lang={language}")
        await page.locator("#first_name").fill("Rhiannon")
        await page.locator("#last_name").fill("Pryce")
        await page.locator("#email").fill(person.email)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("#password_confirmation").fill(PASSWORD)
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/check-your-email$"))
        await page.goto(base + "/" + (await confirmation_link(person.email)).split("/", 3)[3])
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/email-confirmed$"))

        # First sign-in: the offer, then an authenticator app from the key on the page.
        await sign_in_in_the_browser(page, base, person)
        await page.wait_for_url(re.compile(r"/sign-in/set-up-second-factor$"))
        assert await page.get_attribute("html", "lang") == language
        await checked(page, axe_source, screenshots, f"2fa-offer-{language}")
        await page.locator("input[value=totp]").check()
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/sign-in/set-up-authenticator-app$"))
        assert await page.locator("svg.portal-qr-code").is_visible()
        await checked(page, axe_source, screenshots, f"2fa-app-set-up-{language}")
        person.totp_secret = (await page.locator("#secret").inner_text()).replace(" ", "")
        await page.locator("#code").fill(await person.next_totp())
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/account/recovery-codes$"))
        await checked(page, axe_source, screenshots, f"2fa-recovery-codes-{language}")
        person.recovery_codes = await page.locator("#recovery-codes li").all_inner_texts()
        assert len(person.recovery_codes) == 10
        async with page.expect_download() as waiting:
            await page.locator("a[href$='/account/recovery-codes/download']").click()
        download = await waiting.value
        saved = await asyncio.to_thread(Path(await download.path()).read_text)
        assert all(code in saved for code in person.recovery_codes)
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/account/second-factors$"))
        await checked(page, axe_source, screenshots, f"2fa-factors-{language}")
        await page.goto(f"{base}/kingston/account/")
        await sign_out_in_the_browser(page)

        # Back in with a code from the app.
        await sign_in_in_the_browser(page, base, person)
        await page.wait_for_url(re.compile(r"/sign-in/authenticator-code$"))
        await checked(page, axe_source, screenshots, f"2fa-app-code-{language}")
        await page.locator("#code").fill(await person.next_totp())
        await press_continue(page)
        await sign_out_in_the_browser(page)

        # Back in with a recovery code.
        await sign_in_in_the_browser(page, base, person)
        await page.locator("main a[href$='/sign-in/recovery-code']").click()
        await page.wait_for_url(re.compile(r"/sign-in/recovery-code$"))
        await checked(page, axe_source, screenshots, f"2fa-recovery-code-{language}")
        await page.locator("#code").fill(person.recovery_codes[0])
        await press_continue(page)
        await sign_out_in_the_browser(page)

        # The password forgotten: a link by email, a new password, and in with it.
        await page.goto(f"{base}/kingston/account/sign-in")
        await page.locator("main a[href$='/account/forgotten-password']").click()
        await page.wait_for_url(re.compile(r"/account/forgotten-password$"))
        await checked(page, axe_source, screenshots, f"forgotten-password-{language}")
        await page.locator("#email").fill(person.email)
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/account/password-reset-sent$"))
        await checked(page, axe_source, screenshots, f"password-reset-sent-{language}")
        link = await emailed_reset_link(read_mail, person.email)
        await page.goto(base + "/" + link.split("/", 3)[3])
        await page.wait_for_url(re.compile(r"/account/reset-password$"))
        assert "token" not in page.url
        await checked(page, axe_source, screenshots, f"reset-password-{language}")
        await page.locator("#password").fill(NEW_PASSWORD)
        await page.locator("#password_confirmation").fill(NEW_PASSWORD)
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/account/password-reset-done$"))
        assert await page.locator(".govuk-panel").is_visible()
        await checked(page, axe_source, screenshots, f"password-reset-done-{language}")
        await page.locator("main a[href$='/account/sign-in']").click()
        await page.wait_for_url(re.compile(r"/account/sign-in$"))
        person.password = NEW_PASSWORD
        await sign_in_with(page, person)
        await page.wait_for_url(re.compile(r"/sign-in/authenticator-code$"))
        await page.locator("#code").fill(await person.next_totp())
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/kingston/account/$"))
        assert person.email in await page.locator("main").inner_text()
        assert await page.get_attribute("html", "lang") == language
        await checked(page, axe_source, screenshots, f"2fa-signed-in-{language}")

    async def test_an_emailed_code_sent_again(
        self,
        page: Page,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        read_mail: ReadMail,
        language: str,
    ) -> None:
        base = stack.gateway_url
        person = await person_with_email_codes()
        await page.goto(f"{base}/kingston/?lang={language}")
        await sign_in_in_the_browser(page, base, person)
        await page.wait_for_url(re.compile(r"/sign-in/email-code$"))
        await checked(page, axe_source, screenshots, f"2fa-email-code-{language}")
        first = await newest_sign_in_code(read_mail, person.email, count=2)
        resend = page.locator("form[action$='/email-code/new'] button")
        await resend.click()
        await page.wait_for_load_state()
        assert await page.locator(".govuk-error-summary").is_visible()
        await checked(page, axe_source, screenshots, f"2fa-email-code-too-soon-{language}")
        store = IdentityStore(stack.mongo_url)
        try:
            await store.db.sign_in_challenges.update_many(
                {"user_id": person.user_id},
                {"$set": {"code_sent_at": datetime.now(UTC) - timedelta(minutes=2)}},
            )
        finally:
            await store.close()
        await resend.click()
        await page.wait_for_url(re.compile(r"/sign-in/email-code$"))
        assert not await page.locator(".govuk-error-summary").is_visible()
        second = await newest_sign_in_code(read_mail, person.email, count=3)
        assert second != first
        await page.locator("#code").fill(second)
        await press_continue(page)
        await page.wait_for_url(re.compile(r"/kingston/account/$"))
        assert await page.get_attribute("html", "lang") == language


async def newest_sign_in_code(read_mail: ReadMail, email: str, *, count: int) -> str:
    """The code in the newest email once `count` emails with a code have come."""

    async def found() -> str | None:
        codes = [re.search(r"\b(\d{6})\b", message["text"]) for message in await read_mail(email)]
        present = [code.group(1) for code in codes if code is not None]
        return present[0] if len(present) >= count else None

    code: str = await eventually(found, within=20.0, what=f"{count} codes emailed to {email}")
    return code


async def accept_invitation_in_browser(
    page: Page,
    stack: Stack,
    link: str,
    *,
    button: str,
    axe_source: str,
    screenshots: Path,
    name: str,
) -> None:
    """Open an emailed invitation, choose a password and see it accepted."""
    await page.goto(stack.gateway_url + "/" + link.split("/", 3)[3])
    await page.wait_for_url(re.compile(r"/account/accept-invitation$"))
    assert "token=" not in page.url
    await checked(page, axe_source, screenshots, f"{name}-accept")
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#password_confirmation").fill(PASSWORD)
    await page.get_by_role("button", name=button).click()
    await page.wait_for_url(re.compile(r"/account/invitation-accepted$"))
    assert await page.locator(".govuk-panel").is_visible()
    await checked(page, axe_source, screenshots, f"{name}-accepted")


class TestLandlordAdministration:
    async def test_a_created_user_accepts_the_invitation_and_signs_in(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        read_mail: ReadMail,
        identity_api: Portal,
        web_session_of: WebSessionOf,
    ) -> None:
        admin = await demo_profile(browser, stack, "landlord_admin", "housing-ombudsman")
        page = await admin.new_page()
        await page.goto(f"{stack.gateway_url}/housing-ombudsman/")
        await page.get_by_role("link", name="Manage your organisation's users").click()
        await page.get_by_role("button", name="Create a user").click()
        await page.wait_for_url(re.compile(r"/organisation/users/new$"))
        email = f"landlord-{uuid.uuid4().hex[:12]}@example.org"
        await page.locator("#email").fill(email)
        await page.locator("#first_name").fill("Lowri")
        await page.locator("#last_name").fill("Hughes")
        await page.get_by_label("Landlord user").check()
        await page.get_by_role("button", name="Create user").click()
        await page.wait_for_url(re.compile(r"/organisation/user-created$"))
        await checked(page, axe_source, screenshots, "landlord-user-created")
        await page.get_by_role("link", name="Back to your organisation's users").click()
        row = page.locator("tr", has_text=email)
        assert "Invited" in await row.inner_text()

        newcomer = await new_profile(browser)
        invited = await newcomer.new_page()
        link = invitation_link((await read_mail(email))[0])
        await accept_invitation_in_browser(
            invited,
            stack,
            link,
            button="Accept invitation",
            axe_source=axe_source,
            screenshots=screenshots,
            name="landlord-user",
        )
        # Their sign-in goes on to set up a second factor, which these pages do not ask for:
        # signed in through the API, the portal session is theirs.
        person = Person(email=email, password=PASSWORD, authority="housing-ombudsman")
        await identity_api.sign_in(person)
        user = await session_profile(browser, stack, await web_session_of(person))
        own = await user.new_page()
        await own.goto(f"{stack.gateway_url}/housing-ombudsman/account/")
        assert email in await own.locator("main").inner_text()
        await checked(own, axe_source, screenshots, "landlord-user-signed-in")

        await page.reload()
        assert "Active" in await page.locator("tr", has_text=email).inner_text()
        for context in (admin, newcomer, user):
            await context.close()


# The Welsh journey's links and buttons.
CY = {
    "manage": "Rheoli staff ac aelodau",
    "invite": "Gwahodd aelod o staff",
    "officer": "Swyddog",
    "send": "Anfon y gwahoddiad",
    "accept": "Derbyn y gwahoddiad",
    "restrict": "Cyfyngu ar fynediad",
    "lift": "Codi\u2019r cyfyngiad",
    "find": "Chwilio",
    "log": "Darllen y log archwilio",
    "show": "Dangos digwyddiadau",
    "lifted": "Cyfyngiad wedi\u2019i godi",
}


class TestAuthorityAdministrationInWelsh:
    async def test_invite_an_officer_who_accepts_then_restrict_lift_and_read_the_log(
        self,
        browser: Browser,
        stack: Stack,
        axe_source: str,
        screenshots: Path,
        read_mail: ReadMail,
    ) -> None:
        admin = await demo_profile(browser, stack, "authority_admin", "kingston")
        page = await admin.new_page()
        await page.goto(f"{stack.gateway_url}/kingston/?lang=cy")
        await page.get_by_role("link", name=CY["manage"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/members$"))
        assert await page.get_attribute("html", "lang") == "cy"
        await page.get_by_role("button", name=CY["invite"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/invite$"))
        email = f"swyddog-{uuid.uuid4().hex[:12]}@example.org"
        await page.get_by_role("button", name=CY["send"]).click()
        await page.wait_for_load_state()
        assert await page.locator(".govuk-error-summary").is_visible()
        await checked(page, axe_source, screenshots, "staff-invite-error-cy")
        await page.locator("#email").fill(email)
        await page.locator("#first_name").fill("Gwenllian")
        await page.locator("#last_name").fill("Morgan")
        await page.get_by_label(CY["officer"]).check()
        await page.get_by_role("button", name=CY["send"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/invitation-sent$"))
        await checked(page, axe_source, screenshots, "staff-invitation-sent-cy")

        newcomer = await new_profile(browser)
        invited = await newcomer.new_page()
        await invited.goto(f"{stack.gateway_url}/kingston/?lang=cy")
        await accept_invitation_in_browser(
            invited,
            stack,
            invitation_link((await read_mail(email))[0]),
            button=CY["accept"],
            axe_source=axe_source,
            screenshots=screenshots,
            name="officer-cy",
        )
        assert await invited.get_attribute("html", "lang") == "cy"

        await page.goto(f"{stack.gateway_url}/kingston/staff/members")
        await page.locator("#email").fill(email)
        await page.get_by_role("button", name=CY["find"], exact=True).click()
        await page.locator("tr", has_text=email).get_by_role("link", name=CY["restrict"]).click()
        await page.wait_for_url(re.compile(r"/restrict$"))
        await page.locator("#reason").fill("Negeseuon sarhaus i staff")
        await page.get_by_role("button", name=CY["restrict"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/access-restricted$"))
        await checked(page, axe_source, screenshots, "staff-access-restricted-cy")

        await page.goto(f"{stack.gateway_url}/kingston/staff/members?email={email}")
        await page.locator("tr", has_text=email).get_by_role("link", name=CY["lift"]).click()
        await page.wait_for_url(re.compile(r"/lift$"))
        assert "Negeseuon sarhaus i staff" in await page.locator("main").inner_text()
        await checked(page, axe_source, screenshots, "staff-lift-cy")
        await page.get_by_role("button", name=CY["lift"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/restriction-lifted$"))

        await page.goto(f"{stack.gateway_url}/kingston/staff/members")
        await page.get_by_role("link", name=CY["log"]).click()
        await page.wait_for_url(re.compile(r"/kingston/staff/audit-log$"))
        await page.locator("#action").select_option("restriction.lifted")
        await page.locator("#email").fill(email)
        await page.get_by_role("button", name=CY["show"]).click()
        await page.wait_for_load_state()
        rows = page.locator("tbody tr")
        assert await rows.count() == 1
        assert CY["lifted"] in await rows.first.inner_text()
        await checked(page, axe_source, screenshots, "staff-audit-log-cy")
        for context in (admin, newcomer):
            await context.close()


class TestPlatformAdministration:
    async def test_create_an_authority_change_it_and_meet_a_stale_change(
        self, browser: Browser, stack: Stack, axe_source: str, screenshots: Path
    ) -> None:
        admin = await demo_profile(browser, stack, "platform_admin", "housing-ombudsman")
        page = await admin.new_page()
        await page.goto(f"{stack.gateway_url}/housing-ombudsman/")
        await page.get_by_role("link", name="Manage authorities").click()
        await page.get_by_role("button", name="Add an authority").click()
        await page.wait_for_url(re.compile(r"/platform/authorities/new$"))
        slug = f"town-{uuid.uuid4().hex[:8]}"
        await page.locator("#slug").fill(slug)
        await page.locator("#name").fill("North Town Council")
        await page.get_by_label("Council", exact=True).check()
        await page.get_by_label("Homelessness").check()
        await page.get_by_label("Housing advice").check()
        await page.locator("#colour").fill("#1d70b8")
        await page.locator("#contact_email").fill("housing@north-town.example")
        await page.locator("#hosts").fill(f"{slug}.portal.example")
        await page.get_by_role("button", name="Add authority").click()
        await page.wait_for_url(re.compile(rf"/platform/authorities/{slug}/created$"))
        await checked(page, axe_source, screenshots, "authority-created")

        await page.goto(f"{stack.gateway_url}/housing-ombudsman/platform/authorities/{slug}/change")
        other = await admin.new_page()
        await other.goto(page.url)
        await other.locator("#contact_phone").fill("01234 567890")
        await other.get_by_role("button", name="Save changes").click()
        await other.wait_for_url(re.compile(r"/changed$"))

        await page.locator("#name").fill("North Town Borough Council")
        await page.get_by_role("button", name="Save changes").click()
        await page.wait_for_load_state()
        summary = page.locator(".govuk-error-summary")
        assert "Someone else changed this authority" in await summary.inner_text()
        assert await page.locator("#contact_phone").input_value() == "01234 567890"
        await checked(page, axe_source, screenshots, "authority-stale-change")
        await page.locator("#name").fill("North Town Borough Council")
        await page.get_by_role("button", name="Save changes").click()
        await page.wait_for_url(re.compile(r"/changed$"))

        await page.goto(f"{stack.gateway_url}/housing-ombudsman/platform/authorities/{slug}/change")
        assert await page.locator("#name").input_value() == "North Town Borough Council"
        await page.goto(
            f"{stack.gateway_url}/housing-ombudsman/platform/authorities/{slug}/disable"
        )
        await checked(page, axe_source, screenshots, "authority-disable")
        await page.get_by_role("button", name="Disable authority").click()
        await page.wait_for_url(re.compile(rf"/{slug}/disabled$"))
        assert await page.locator(".govuk-panel").is_visible()
        await admin.close()
