"""Fixtures that put a signed-in portal session in place for people the portal's pages cannot
sign in yet (staff, whose sign-in goes on to a second factor), and forms sent as pages send them."""

import datetime
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from tests.support.portal import IdentityStore, Person, Portal
from tests.support.stack import client_address

from kit.mongo import Mongo
from portalstack.endpoints import Stack, current_stack
from web.account.dependencies import tokens_from
from web.config import Settings as WebSettings
from web.sessions.cookies import PLAIN_NAME
from web.sessions.repository import SessionRepository
from web.sessions.service import SessionService

# The browser's session cookie, named as the portal names it without TLS.
SESSION_COOKIE = PLAIN_NAME
WebSessionOf = Callable[[Person], Awaitable[str]]


@pytest.fixture
async def identity_records(stack: Stack) -> AsyncIterator[IdentityStore]:
    """Identity's own database (its outbox carries the codes staff are emailed)."""
    opened = IdentityStore(stack.mongo_url)
    yield opened
    await opened.close()


@pytest.fixture
async def identity_api(stack: Stack, identity_records: IdentityStore) -> AsyncIterator[Portal]:
    """Identity through the gateway, from a client address of its own."""
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15.0, headers=headers) as http:
        yield Portal(http, identity_records)


async def open_web_session(mongo_url: str, person: Person) -> str:
    """The id of a new portal session holding a signed-in person's tokens, as sign-in makes it."""
    assert person.tokens, "sign the person in first"
    settings = WebSettings()
    mongo = Mongo(mongo_url, settings.mongo_db)
    try:
        sessions = SessionService(
            SessionRepository(mongo),
            idle=datetime.timedelta(minutes=settings.session_idle_minutes),
            absolute=datetime.timedelta(hours=settings.session_absolute_hours),
        )
        started = await sessions.start()
        signed_in = await sessions.sign_in(started, tokens_from(person.tokens))
        return signed_in.session_id
    finally:
        await mongo.close()


async def demo_session(role: str, authority: str) -> str:
    """A portal session of a demo account, signed in through the API (staff with their code)."""
    stack = current_stack()
    store = IdentityStore(stack.mongo_url)
    try:
        headers = {"X-Forwarded-For": client_address()}
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, timeout=15.0, headers=headers
        ) as http:
            person = await Portal(http, store).demo(role, authority)
    finally:
        await store.close()
    return await open_web_session(stack.mongo_url, person)


@pytest.fixture
def web_session_of(stack: Stack) -> WebSessionOf:
    """Opens portal sessions for signed-in people."""

    async def open_for(person: Person) -> str:
        return await open_web_session(stack.mongo_url, person)

    return open_for


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
INVITATION_LINK = re.compile(r"https?://\S+/account/accept-invitation\?token=[A-Za-z0-9_\-]+")


async def form_token(portal: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    page = await portal.get(path)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def send_form(
    portal: httpx.AsyncClient, path: str, fields: dict[str, Any], *, page: str | None = None
) -> httpx.Response:
    """Send the form on `page` (the same path by default) to `path`, with its CSRF token."""
    token = await form_token(portal, page or path)
    return await portal.post(
        path,
        data={"csrf_token": token, **fields},
        headers={"Origin": str(portal.base_url).rstrip("/")},
    )


def local_address(stack_gateway: str, link: str) -> str:
    """An emailed link's path at this stack's gateway (the email names the public address)."""
    return stack_gateway + "/" + link.split("/", 3)[3]


def invitation_link(message: dict[str, Any]) -> str:
    """The invitation link in an email."""
    found = INVITATION_LINK.search(str(message["text"]))
    assert found is not None, message["text"]
    return found.group(0)


BrowserAs = Callable[[Person], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def browser_as(stack: Stack, web_session_of: WebSessionOf) -> AsyncIterator[BrowserAs]:
    """A browser-like client of the portal (redirects not followed) with the person signed in."""
    opened: list[httpx.AsyncClient] = []

    async def open_as(person: Person) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            base_url=stack.gateway_url,
            timeout=15.0,
            headers={"X-Forwarded-For": client_address()},
            cookies={SESSION_COOKIE: await web_session_of(person)},
        )
        opened.append(client)
        return client

    yield open_as
    for client in opened:
        await client.aclose()


@asynccontextmanager
async def kingston_admin() -> AsyncIterator[tuple[Portal, Person]]:
    """Identity's API with Kingston's demo administrator signed in."""
    stack = current_stack()
    store = IdentityStore(stack.mongo_url)
    try:
        headers = {"X-Forwarded-For": client_address()}
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, timeout=15.0, headers=headers
        ) as http:
            api = Portal(http, store)
            yield api, await api.demo("authority_admin", "kingston")
    finally:
        await store.close()


async def new_invitation_path() -> str:
    """The path of the emailed link of a new officer's invitation at Kingston."""
    async with kingston_admin() as (api, admin):
        invitation = await api.invite(admin)
        event = await api.store.wait_for_event("identity.staff.invited", email=invitation["email"])
    return "/" + str(event["data"]["link"]).split("/", 3)[3]


async def restrict_path() -> str:
    """The path of the page that restricts a new Kingston applicant."""
    async with kingston_admin() as (api, _admin):
        person = await api.applicant("kingston")
    return f"/kingston/staff/members/{person.user_id}/restrict"


async def restriction_lift_path() -> str:
    """The path of the page that lifts a new Kingston officer's restriction."""
    async with kingston_admin() as (api, admin):
        invitation = await api.invite(admin)
        officer = await api.accept_invitation("kingston", invitation["email"])
        answer = await api.post(
            "kingston",
            "/restrictions",
            {"user_id": officer.user_id, "reason": "Abusive messages to staff"},
            person=admin,
        )
        assert answer.status_code == 201, answer.text
    return f"/kingston/staff/restrictions/{answer.json()['id']}/lift"
