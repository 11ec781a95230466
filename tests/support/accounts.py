"""Fixtures for journeys through account emails: the links they carry, and the offers met after."""

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from tests.support.stack import ReadMail, client_address

from portalstack.endpoints import Stack

CONFIRMATION_LINK = re.compile(r"https?://\S+/account/confirm-email\?token=[A-Za-z0-9_\-]+")
ConfirmationLink = Callable[..., Awaitable[str]]
DeclineOffer = Callable[..., Awaitable[None]]


@pytest.fixture
def confirmation_link(read_mail: ReadMail) -> ConfirmationLink:
    """The confirmation link in the newest of `count` emails to an address."""

    async def link(email: str, *, count: int = 1) -> str:
        messages = await read_mail(email, count=count)
        found = CONFIRMATION_LINK.search(messages[0]["text"])
        assert found is not None, messages[0]["text"]
        return found.group(0)

    return link


@pytest.fixture
async def decline_second_factor_offer(stack: Stack) -> AsyncIterator[DeclineOffer]:
    """Choose "later" at the second-factor offer a new account meets at its first sign-in.

    Declined through the API, the offer is out of the way of tests of other pages: the new
    account signs in with its password alone, as the demo accounts do.
    """
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers) as api:

        async def decline(authority: str, email: str, password: str) -> None:
            answer = await api.post(
                f"/{authority}/api/identity/sessions", json={"email": email, "password": password}
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "enrolment_offered", answer.text
            challenge = answer.json()["challenge"]["challenge_id"]
            later = await api.post(
                f"/{authority}/api/identity/sessions/challenge/postponement",
                json={"challenge_id": challenge},
            )
            assert later.status_code == 200, later.text
            await api.delete(
                f"/{authority}/api/identity/sessions/current",
                headers={"Authorization": f"Bearer {later.json()['access_token']}"},
            )

        yield decline
