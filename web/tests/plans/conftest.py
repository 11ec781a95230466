"""Fixtures for the plan's pages: an applicant of Kingston and an officer there, each signed in
to the portal, and plans made over the cases API."""

import httpx
import pytest
from tests.support.cases import CasesApi
from tests.support.plan_pages import PlanMaker
from tests.support.portal import Person, Portal
from tests.support.stack import MintToken
from tests.support.web_sessions import BrowserAs

COUNCIL = "kingston"


@pytest.fixture
async def plans(gateway: httpx.AsyncClient, mint_token: MintToken) -> PlanMaker:
    """Plans made over the cases API."""
    return PlanMaker(CasesApi(gateway, mint_token))


@pytest.fixture
async def applicant(identity_api: Portal) -> Person:
    """A confirmed applicant of Kingston, signed in to identity."""
    person = await identity_api.confirmed(COUNCIL)
    await identity_api.sign_in(person)
    return person


@pytest.fixture
async def applicant_browser(applicant: Person, browser_as: BrowserAs) -> httpx.AsyncClient:
    """The applicant's browser, signed in to the portal."""
    return await browser_as(applicant)


@pytest.fixture
async def officer_browser(identity_api: Portal, browser_as: BrowserAs) -> httpx.AsyncClient:
    """Kingston's demo officer's browser, signed in to the portal."""
    return await browser_as(await identity_api.demo("officer", COUNCIL))
