"""People made through identity's API for tests of pages: new, with an app, with email codes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from tests.support.portal import IdentityStore, Person, Portal
from tests.support.stack import client_address

from portalstack.endpoints import current_stack


@asynccontextmanager
async def identity_api() -> AsyncIterator[Portal]:
    """Identity's API through the running stack's gateway, from an address of its own."""
    stack = current_stack()
    store = IdentityStore(stack.mongo_url)
    try:
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, timeout=15.0, headers={"X-Forwarded-For": client_address()}
        ) as http:
            yield Portal(http, store)
    finally:
        await store.close()


async def new_person(authority: str = "kingston") -> Person:
    """A confirmed account that has never signed in: a second factor is offered at first."""
    async with identity_api() as api:
        return await api.confirmed(authority)


async def person_with_an_app(authority: str = "kingston") -> Person:
    """A confirmed account with an authenticator app (its secret and recovery codes kept)."""
    async with identity_api() as api:
        person = await api.applicant(authority)
        started = await api.post(
            authority, "/me/factors/totp", {"password": person.password}, person=person
        )
        assert started.status_code == 201, started.text
        person.totp_secret = str(started.json()["secret"])
        confirmed = await api.post(
            authority,
            "/me/factors/totp/confirmation",
            {"code": await person.next_totp()},
            person=person,
        )
        assert confirmed.status_code == 200, confirmed.text
        person.recovery_codes = list(confirmed.json()["recovery_codes"])
        await api.call("DELETE", authority, "/sessions/current", person=person)
        person.tokens = {}
        return person


async def person_with_email_codes(authority: str = "kingston") -> Person:
    """A confirmed account whose sign-in codes come by email."""
    async with identity_api() as api:
        person = await api.applicant(authority)
        started = await api.post(
            authority, "/me/factors/email-code", {"password": person.password}, person=person
        )
        assert started.status_code == 202, started.text
        event = await api.store.wait_for_event("identity.signin.code_issued", email=person.email)
        confirmed = await api.post(
            authority,
            "/me/factors/email-code/confirmation",
            {"code": event["data"]["code"]},
            person=person,
        )
        assert confirmed.status_code == 200, confirmed.text
        await api.call("DELETE", authority, "/sessions/current", person=person)
        person.tokens = {}
        return person


async def new_staff(authority: str = "kingston") -> Person:
    """An officer who has just accepted an invitation: a second factor is required at first."""
    async with identity_api() as api:
        admin = await api.demo("authority_admin", authority)
        invitation = await api.invite(admin)
        return await api.accept_invitation(authority, invitation["email"])
