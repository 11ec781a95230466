"""Debian's Chromium driven by Playwright, against the running portal."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from tests.support.browser import new_profile

from portalstack.settings import REPO_ROOT, StackSettings

CHROMIUM = "/usr/bin/chromium"
# Playwright cannot download browsers here; Debian's Chromium runs headless without a
# sandbox (the tests run as root) and without reaching out to the network on its own.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where each page's screenshot is written for people to look at (never committed)."""
    folder = StackSettings.from_env().data_dir / "screenshots" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, installed from npm by make install."""
    return AXE.read_text()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for the whole run."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile: no cookies, no language chosen."""
    made = await new_profile(browser, viewport={"width": 1024, "height": 768})
    yield made
    await made.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    """A tab in the fresh profile."""
    return await context.new_page()
