"""A test client for identity through the gateway, with the flows most tests start from."""

# Codes and links that travel by email are read from identity's outbox (the events it
# publishes); the `mail` tests read the same from the mail catcher instead.

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyotp
from pymongo import AsyncMongoClient
from tests.support.polling import eventually
from tests.support.stack import client_address

from identity.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD

Json = dict[str, Any]
PASSWORD = "Maple-Lantern-42!"
EVENT_WAIT_SECONDS = 10.0
MAIL_WAIT_SECONDS = 20.0
TOKEN_IN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_\-]+)")
SIX_DIGITS = re.compile(r"\b(\d{6})\b")


def error_code(response: httpx.Response, status: int) -> str:
    """The code of a standard error body with this status."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    code: str = body["error"]["code"]
    return code


SIGNED_OUT = frozenset({"session_ended", "access_restricted"})


def refused_at_once(response: httpx.Response) -> bool:
    """Whether the session ended (identity) or the member is blocked (the gateway), as first."""
    return (
        response.status_code in (401, 403)
        and error_code(response, response.status_code) in SIGNED_OUT
    )


def token_of(link: str) -> str:
    """The token in an emailed link."""
    found = TOKEN_IN_LINK.search(link)
    assert found, link
    return found.group(1)


def code_in(text: str) -> str:
    """The six-digit code in an email's text."""
    found = SIX_DIGITS.search(text)
    assert found, text
    return found.group(1)


def new_email(label: str = "resident") -> str:
    """An address no other test uses."""
    return f"{label}-{uuid.uuid4().hex[:12]}@example.org"


def totp_step(at: float | None = None) -> int:
    """The authenticator time-step now (or at a time)."""
    return int((time.time() if at is None else at) // 30)


def totp_code(secret: str, step: int) -> str:
    """The authenticator app's code for a time-step."""
    return pyotp.TOTP(secret).generate_otp(step)


@dataclass
class Person:
    """Someone with an account, and their current tokens if signed in."""

    email: str
    password: str
    authority: str
    user_id: str = ""
    tokens: Json = field(default_factory=dict)
    totp_secret: str | None = None
    totp_last_step: int = 0
    recovery_codes: list[str] = field(default_factory=list)

    async def next_totp(self) -> str:
        """A code the app would show that has not been used yet (waiting if need be)."""
        assert self.totp_secret is not None
        step = max(totp_step(), self.totp_last_step + 1)
        # A code one step ahead is accepted for clock drift; further ahead, wait for it.
        wait = step * 30 - 30 - time.time()
        if wait > 0:
            await asyncio.sleep(wait + 0.1)
        self.totp_last_step = step
        return totp_code(self.totp_secret, step)

    @property
    def access_token(self) -> str:
        """The current access token."""
        return str(self.tokens["access_token"])

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header of the current access token."""
        return {"Authorization": f"Bearer {self.access_token}"}


class IdentityStore:
    """Reads identity's own database: the outbox of published events, and link records."""

    def __init__(self, mongo_url: str, database: str = "portal_identity") -> None:
        self.client: AsyncMongoClient[Json] = AsyncMongoClient(mongo_url, tz_aware=True)
        self.db = self.client[database]

    async def close(self) -> None:
        """Close the connection."""
        await self.client.close()

    async def events(
        self, event_type: str, *, email: str | None = None, user_id: str | None = None
    ) -> list[Json]:
        """The newest 100 envelopes of this type about this person, oldest first.

        A demo account signed in by many tests has more than that: the newest are the ones a
        test waits for."""
        query: Json = {"type": event_type}
        if email is not None:
            query["message.data.email"] = email.lower()
        if user_id is not None:
            query["message.subject"] = user_id
        found = await self.db.outbox.find(query).sort([("created_at", -1)]).to_list(length=100)
        return [record["message"] for record in reversed(found)]

    async def wait_for_event(
        self,
        event_type: str,
        *,
        email: str | None = None,
        user_id: str | None = None,
        count: int = 1,
        correlation_id: str | None = None,
        within: float = EVENT_WAIT_SECONDS,
    ) -> Json:
        """The newest envelope once at least `count` of them exist; fail after `within` seconds."""

        async def newest() -> Json | None:
            found = await self.events(event_type, email=email, user_id=user_id)
            if correlation_id is not None:
                found = [item for item in found if item.get("correlation_id") == correlation_id]
            return found[-1] if len(found) >= count else None

        event: Json = await eventually(
            newest, within=within, what=f"{event_type} event for {email or user_id}"
        )
        return event

    async def expire_links(self, user_id: str, purpose: str) -> None:
        """Move the person's links' expiry into the past, as if the time had run out."""
        past = datetime.now(UTC) - timedelta(seconds=1)
        await self.db.link_tokens.update_many(
            {"user_id": user_id, "purpose": purpose}, {"$set": {"expires_at": past}}
        )


class Portal:
    """Identity's API through the gateway, plus the store behind it."""

    def __init__(self, http: httpx.AsyncClient, store: IdentityStore) -> None:
        self.http = http
        self.store = store

    @asynccontextmanager
    async def elsewhere(self) -> AsyncIterator["Portal"]:
        """The same API from another client address (the gateway trusts loopback proxies)."""
        async with httpx.AsyncClient(
            base_url=self.http.base_url, timeout=15.0, headers={"X-Forwarded-For": client_address()}
        ) as http:
            yield Portal(http, self.store)

    async def call(
        self,
        method: str,
        authority: str,
        path: str,
        *,
        json: Any = None,
        person: Person | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Call identity for an authority, as the person if given."""
        sent = dict(headers or {})
        if person is not None and person.tokens:
            sent.update(person.auth)
        return await self.http.request(
            method,
            f"/{authority}/api/identity{path}",
            json=json,
            headers=sent,
            params=params,
        )

    async def post(
        self, authority: str, path: str, json: Any = None, **options: Any
    ) -> httpx.Response:
        """POST to identity."""
        return await self.call("POST", authority, path, json=json, **options)

    async def get(self, authority: str, path: str, **options: Any) -> httpx.Response:
        """GET from identity."""
        return await self.call("GET", authority, path, **options)

    # Accounts

    async def register(
        self,
        authority: str,
        *,
        email: str | None = None,
        password: str = PASSWORD,
        first_name: str = "Alex",
    ) -> Person:
        """Register; the person is unconfirmed."""
        person = Person(email=email or new_email(), password=password, authority=authority)
        response = await self.post(
            authority,
            "/accounts",
            {
                "email": person.email,
                "password": password,
                "first_name": first_name,
                "last_name": "Example",
            },
        )
        assert response.status_code == 202, response.text
        return person

    async def confirm(self, person: Person) -> None:
        """Confirm the address with the link from the newest confirmation event."""
        event = await self.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )
        person.user_id = str(event["data"]["user_id"])
        response = await self.post(
            person.authority, "/accounts/confirmation", {"token": token_of(event["data"]["link"])}
        )
        assert response.status_code == 200, response.text

    async def confirmed(self, authority: str, **options: Any) -> Person:
        """A registered, confirmed person, not signed in."""
        person = await self.register(authority, **options)
        await self.confirm(person)
        return person

    # Signing in

    async def start_sign_in(
        self, person: Person, *, authority: str | None = None, request_id: str | None = None
    ) -> httpx.Response:
        """The password step."""
        headers = {"X-Request-ID": request_id} if request_id else None
        return await self.post(
            authority or person.authority,
            "/sessions",
            {"email": person.email, "password": person.password},
            headers=headers,
        )

    async def sign_in(self, person: Person, *, authority: str | None = None) -> Json:
        """Sign in all the way, answering whatever the portal asks; return the tokens."""
        authority = authority or person.authority
        request_id = uuid.uuid4().hex
        response = await self.start_sign_in(person, authority=authority, request_id=request_id)
        assert response.status_code == 200, response.text
        result: Json = response.json()
        if result["status"] == "signed_in":
            person.tokens = result["session"]
        elif result["status"] == "enrolment_offered":
            later = await self.post(
                authority,
                "/sessions/challenge/postponement",
                {"challenge_id": result["challenge"]["challenge_id"]},
            )
            assert later.status_code == 200, later.text
            person.tokens = later.json()
        elif result["status"] == "enrolment_required":
            person.tokens = await self.enrol_totp_while_signing_in(
                person, result["challenge"]["challenge_id"], authority=authority
            )
        else:
            person.tokens = await self.answer_second_factor(
                person, result["challenge"], authority=authority, request_id=request_id
            )
        return person.tokens

    async def answer_second_factor(
        self, person: Person, challenge: Json, *, authority: str, request_id: str
    ) -> Json:
        """Answer with the authenticator app if set up, else with the emailed code."""
        if "totp" in challenge["methods"] and person.totp_secret:
            method, code = "totp", await person.next_totp()
        else:
            method, code = "email_code", await self.sign_in_code(person, request_id=request_id)
        response = await self.post(
            authority,
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": method, "code": code},
        )
        assert response.status_code == 200, response.text
        tokens: Json = response.json()
        return tokens

    async def sign_in_code(self, person: Person, *, request_id: str | None = None) -> str:
        """The code in the newest sign-in code event (of one request, if given)."""
        event = await self.store.wait_for_event(
            "identity.signin.code_issued", email=person.email, correlation_id=request_id
        )
        return str(event["data"]["code"])

    async def enrol_totp_while_signing_in(
        self, person: Person, challenge_id: str, *, authority: str
    ) -> Json:
        """Set up an authenticator app in the enrolment step; keep its secret and codes."""
        started = await self.post(
            authority,
            "/sessions/challenge/enrolment",
            {"challenge_id": challenge_id, "method": "totp"},
        )
        assert started.status_code == 200, started.text
        person.totp_secret = str(started.json()["secret"])
        confirmed = await self.post(
            authority,
            "/sessions/challenge/enrolment/confirmation",
            {"challenge_id": challenge_id, "method": "totp", "code": await person.next_totp()},
        )
        assert confirmed.status_code == 200, confirmed.text
        body: Json = confirmed.json()
        person.recovery_codes = list(body["recovery_codes"] or [])
        tokens: Json = body["session"]
        return tokens

    async def applicant(self, authority: str, **options: Any) -> Person:
        """A confirmed applicant, signed in."""
        person = await self.confirmed(authority, **options)
        await self.sign_in(person)
        return person

    async def eventually_allowed(self, person: Person, *, authority: str | None = None) -> None:
        """Wait until the person's calls get through (the gateway drops a lifted block soon)."""

        async def allowed() -> bool:
            response = await self.get(authority or person.authority, "/me", person=person)
            return response.status_code == 200

        await eventually(
            allowed, within=EVENT_WAIT_SECONDS, what=f"{person.email}'s calls getting through"
        )

    async def demo(self, role: str, authority: str) -> Person:
        """A demo account of the authority, signed in (staff with the emailed code)."""
        label = role.replace("_", "-")
        email = (
            f"platform-admin@{DEMO_DOMAIN}"
            if role == "platform_admin"
            else f"{label}.{authority}@{DEMO_DOMAIN}"
        )
        person = Person(email=email, password=DEMO_PASSWORD, authority=authority)
        await self.sign_in(person)
        person.user_id = str((await self.get(authority, "/me", person=person)).json()["id"])
        return person

    # Staff

    async def invite(
        self, admin: Person, *, role: str = "officer", email: str | None = None
    ) -> Json:
        """An administrator invites someone; return the invitation."""
        response = await self.post(
            admin.authority,
            "/staff-invitations",
            {
                "email": email or new_email("staff"),
                "first_name": "Sam",
                "last_name": "Staff",
                "role": role,
            },
            person=admin,
        )
        assert response.status_code == 201, response.text
        invitation: Json = response.json()
        return invitation

    async def accept_invitation(
        self, authority: str, email: str, *, password: str = PASSWORD, count: int = 1
    ) -> Person:
        """Accept the newest invitation to this address with a new password."""
        event = await self.store.wait_for_event("identity.staff.invited", email=email, count=count)
        response = await self.post(
            authority,
            "/staff-invitations/acceptance",
            {"token": token_of(event["data"]["link"]), "password": password},
        )
        assert response.status_code == 200, response.text
        return Person(
            email=email,
            password=password,
            authority=authority,
            user_id=str(event["data"]["user_id"]),
        )

    async def staff(self, admin: Person, *, role: str = "officer") -> Person:
        """A new member of staff, invited, accepted and signed in with an authenticator app."""
        invitation = await self.invite(admin, role=role)
        person = await self.accept_invitation(admin.authority, invitation["email"])
        await self.sign_in(person)
        return person


class Mailbox:
    """The mail catcher's messages to one address."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def wait_for(self, to: str, *, subject: str, count: int = 1) -> dict[str, Any]:
        """The newest message to the address whose subject has these words, once `count` exist."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=35.0) as client:

            async def newest() -> dict[str, Any] | None:
                response = await client.get("/api/messages", params={"to": to, "wait": 2})
                assert response.status_code == 200, response.text
                found = [
                    message
                    for message in response.json()
                    if subject.lower() in str(message["subject"]).lower()
                ]
                return found[0] if len(found) >= count else None

            message: dict[str, Any] = await eventually(
                newest, within=MAIL_WAIT_SECONDS, what=f"an email about {subject!r} to {to}"
            )
            return message
