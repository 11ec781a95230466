"""What the browser tests share beyond their fixtures: checks made on a page, and its picture."""

import os
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Error, Page
from tests.support.portal import Person
from tests.support.stack import client_address
from tests.support.web_sessions import SESSION_COOKIE, demo_session

from portalstack.endpoints import Stack

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Chromium sometimes cannot capture a full page while a loaded machine is still laying it out;
# the picture is for people to look at, so it is taken again rather than failing the test.
SCREENSHOT_TRIES = 3
# Whether the pages' pictures are kept for people to look at (under .data/screenshots).
# Continuous integration turns them off: nobody looks at them there, and taking them was a
# quarter of each browser test.
KEEP_SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS", "on") != "off"
# Rules a Design System component itself is known to trip, each excused for that component's
# element alone: (axe rule, CSS selector of the element).
DESIGN_SYSTEM_EXCEPTIONS = [
    # GOV.UK Frontend's enhanced file upload replaces the file input with a button named, by
    # aria-labelledby, from the label, a visually hidden comma and its own text ("No file
    # chosen, Choose files or drop files"); axe's label-content-name-mismatch rule does not
    # find the visible text, which has no comma, in that name. The component's own markup.
    ("label-content-name-mismatch", "button.govuk-file-upload-button"),
    # GOV.UK Frontend's radios with a conditionally revealed field ("No" revealing "why not")
    # mark the radio aria-expanded as the field shows and hides; ARIA 1.2 does not list that
    # attribute for a radio, so axe's aria-allowed-attr names it. The component's own script.
    ("aria-allowed-attr", "input.govuk-radios__input[aria-controls][aria-expanded]"),
]


async def new_profile(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser profile at an address of its own, as every person at their own computer.

    The gateway limits sign-ins per client address; sharing the test machine's one address,
    the browsers of a parallel run would be limited together like a single busy office.
    """
    return await browser.new_context(
        extra_http_headers={"X-Forwarded-For": client_address()}, **options
    )


async def session_profile(browser: Browser, stack: Stack, session_id: str) -> BrowserContext:
    """A fresh profile, 1024 CSS pixels wide, holding a portal session."""
    context = await new_profile(browser, viewport={"width": 1024, "height": 768})
    cookie = {"name": SESSION_COOKIE, "value": session_id, "url": stack.gateway_url}
    await context.add_cookies([cookie])  # type: ignore[list-item]
    return context


async def demo_profile(browser: Browser, stack: Stack, role: str, authority: str) -> BrowserContext:
    """A fresh profile signed in to the portal as the authority's demo account of a role."""
    return await session_profile(browser, stack, await demo_session(role, authority))


async def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """What axe-core finds on the page for the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    # Evaluated, not added as a script tag: the page's CSP rightly refuses inline scripts.
    await page.evaluate(axe_source)
    found: list[dict[str, Any]] = await page.evaluate(
        """async ([tags, excused]) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            const isExcused = (rule, target) => excused.some(([id, selector]) =>
                id === rule && document.querySelector(target[0])?.matches(selector));
            return result.violations
                .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)
                    .filter(target => !isExcused(v.id, target))}))
                .filter(v => v.nodes.length > 0);
        }""",
        [WCAG_TAGS, DESIGN_SYSTEM_EXCEPTIONS],
    )
    return found


async def keep_screenshot(page: Page, path: Path) -> None:
    """Write a full-page screenshot of the page, trying again if Chromium cannot take it;
    nothing when screenshots are off."""
    if not KEEP_SCREENSHOTS:
        return
    for attempt in range(1, SCREENSHOT_TRIES + 1):
        try:
            await page.screenshot(path=str(path), full_page=True)
            return
        except Error:
            if attempt == SCREENSHOT_TRIES:
                raise
            await page.wait_for_timeout(200 * attempt)


class PageChecker:
    """Checks each page of a journey in one language, and keeps its pictures (named
    `{prefix}-{page}-{language}[-320].png`)."""

    def __init__(
        self, page: Page, axe_source: str, screenshots: Path, language: str, *, prefix: str
    ) -> None:
        self.page = page
        self.axe_source = axe_source
        self.screenshots = screenshots
        self.language = language
        self.prefix = prefix
        self.complaints: list[str] = []
        page.on("console", lambda message: self.complaints.append(message.text))

    async def __call__(self, name: str) -> None:
        """In the page's language, axe finds nothing at 1024 wide, nothing scrolls sideways
        at 320 wide, and the Content Security Policy blocked nothing."""
        page = self.page
        await page.wait_for_load_state()
        assert await page.get_attribute("html", "lang") == self.language
        assert await axe_violations(page, self.axe_source) == [], name
        assert [text for text in self.complaints if "Content Security Policy" in text] == []
        picture = self.screenshots / f"{self.prefix}-{name}-{self.language}"
        await keep_screenshot(page, picture.with_name(picture.name + ".png"))
        await page.set_viewport_size({"width": 320, "height": 900})
        await page.wait_for_function("document.documentElement.clientWidth === 320")
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, name
        await keep_screenshot(page, picture.with_name(picture.name + "-320.png"))
        await page.set_viewport_size({"width": 1024, "height": 768})
        await page.wait_for_function("document.documentElement.clientWidth === 1024")


async def main_text(page: Page) -> str:
    """What the page's main part says."""
    return await page.locator("main").inner_text()


async def press(page: Page, name: str) -> None:
    """Press the button of this name in the page's form and wait for the next page."""
    await page.locator("main form").get_by_role("button", name=name, exact=True).click()
    await page.wait_for_load_state()


async def sign_in(
    page: Page,
    stack: Stack,
    person: Person,
    language: str | None = None,
    *,
    password: str | None = None,
) -> None:
    """Sign in from the sign-in page of the person's authority (in a language, if named);
    their account page follows."""
    asked = f"?lang={language}" if language else ""
    await page.goto(f"{stack.gateway_url}/{person.authority}/account/sign-in{asked}")
    await page.locator("#email").fill(person.email)
    await page.locator("#password").fill(password or person.password)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(rf"/{person.authority}/account/$"))
