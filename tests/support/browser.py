"""What the browser tests share beyond their fixtures: checks made on a page, and its picture."""

from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Error, Page
from tests.support.stack import client_address

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Chromium sometimes cannot capture a full page while a loaded machine is still laying it out;
# the picture is for people to look at, so it is taken again rather than failing the test.
SCREENSHOT_TRIES = 3


async def new_profile(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser profile at an address of its own, as every person at their own computer.

    The gateway limits sign-ins per client address; sharing the test machine's one address,
    the browsers of a parallel run would be limited together like a single busy office.
    """
    return await browser.new_context(
        extra_http_headers={"X-Forwarded-For": client_address()}, **options
    )


async def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """What axe-core finds on the page for the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    # Evaluated, not added as a script tag: the page's CSP rightly refuses inline scripts.
    await page.evaluate(axe_source)
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


async def keep_screenshot(page: Page, path: Path) -> None:
    """Write a full-page screenshot of the page, trying again if Chromium cannot take it."""
    for attempt in range(1, SCREENSHOT_TRIES + 1):
        try:
            await page.screenshot(path=str(path), full_page=True)
            return
        except Error:
            if attempt == SCREENSHOT_TRIES:
                raise
            await page.wait_for_timeout(200 * attempt)
