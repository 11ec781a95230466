"""The portal's pages driven as a browser without JavaScript would: forms with their CSRF token."""

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from tests.support.portal import IdentityStore, Person, Portal
from tests.support.stack import client_address

from kit.mongo import Mongo
from web.sessions.repository import COLLECTION
from web.sessions.service import id_hash

# Makes a confirmed applicant who is signed in nowhere (the web tests' `new_applicant`).
NewApplicant = Callable[..., Awaitable[Person]]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def form_token(portal: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    page = await portal.get(path)
    found = TOKEN.search(page.text)
    assert found is not None, page.text
    return found.group(1)


# Files of a form, as httpx sends them: (field, (file name, content, content type)).
FormFiles = list[tuple[str, tuple[str, bytes, str]]]


async def send_form(
    portal: httpx.AsyncClient,
    path: str,
    fields: dict[str, Any],
    *,
    page: str | None = None,
    files: FormFiles | None = None,
) -> httpx.Response:
    """Post a form from `page` (by default the form's own address) with its CSRF token; with
    `files`, as multipart."""
    token = await form_token(portal, page or path)
    return await portal.post(
        path,
        data={"csrf_token": token, **fields},
        files=files,
        headers={"Origin": str(portal.base_url).rstrip("/")},
    )


async def sign_in(
    portal: httpx.AsyncClient, *, email: str, password: str, authority: str = "kingston"
) -> httpx.Response:
    """Send the sign-in form as a browser on the portal's page would."""
    return await send_form(
        portal, f"/{authority}/account/sign-in", {"email": email, "password": password}
    )


async def stored_tokens(portal: httpx.AsyncClient, web_store: Mongo) -> dict[str, Any]:
    """The tokens the web service keeps for the browser's session (never sent to it)."""
    session_id = portal.cookies.get("portal_session")
    assert session_id
    found = await web_store.db[COLLECTION].find_one({"_id": id_hash(session_id)})
    assert found is not None
    assert found["signed_in"] is not None
    tokens: dict[str, Any] = found["signed_in"]
    return tokens


async def applicant_signed_in_nowhere(
    identity: Portal, authority: str = "kingston", *, first_name: str = "Rhiannon"
) -> Person:
    """A confirmed applicant who has declined the second-factor offer, not signed in anywhere."""
    person = await identity.confirmed(authority, first_name=first_name)
    await identity.sign_in(person)
    ended = await identity.call("DELETE", authority, "/sessions/current", person=person)
    assert ended.status_code == 204, ended.text
    person.tokens = {}
    return person


@asynccontextmanager
async def identity_api(gateway_url: str, mongo_url: str) -> AsyncIterator[Portal]:
    """Identity's API through the gateway, from an address of its own, with its store."""
    store = IdentityStore(mongo_url)
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15.0, headers=headers) as http:
        yield Portal(http, store)
    await store.close()
