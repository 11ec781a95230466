"""Fixtures for the casework pages: cases made over the API, demo staff and landlord users
signed in to the portal."""

import httpx
import pytest
from tests.support.cases import CasesApi
from tests.support.casework import Signed
from tests.support.portal import Person, Portal
from tests.support.stack import MintToken
from tests.support.web_sessions import BrowserAs


@pytest.fixture
async def cases(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API through the gateway, as applicants and others with minted tokens."""
    return CasesApi(gateway, mint_token)


@pytest.fixture
def signed_in(identity_api: Portal, browser_as: BrowserAs) -> Signed:
    """Signs a demo account of a role in to the portal: the person and their browser."""

    async def open_as(role: str, authority: str) -> tuple[Person, httpx.AsyncClient]:
        person = await identity_api.demo(role, authority)
        return person, await browser_as(person)

    return open_as


@pytest.fixture
async def landlord_organisation(identity_api: Portal) -> str:
    """The organisation of the ombudsman's demo landlord users."""
    landlord = await identity_api.demo("landlord_user", "housing-ombudsman")
    me = (await identity_api.get("housing-ombudsman", "/me", person=landlord)).json()
    return str(me["organisation_id"])
