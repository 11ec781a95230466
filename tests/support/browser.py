"""What the browser tests share beyond their fixtures."""

from pathlib import Path

from playwright.async_api import Error, Page

# Chromium sometimes cannot capture a full page while a loaded machine is still laying it out;
# the picture is for people to look at, so it is taken again rather than failing the test.
SCREENSHOT_TRIES = 3


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
