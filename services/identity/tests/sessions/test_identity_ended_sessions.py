"""An ended session's access token is refused by every service at once, not when it expires."""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from services.identity.tests.organisations.test_identity_organisations import (
    OMBUDSMAN,
    add_user,
    organisation_with_admin,
)
from services.identity.tests.restrictions.test_identity_restrictions import restrict
from tests.support.polling import eventually
from tests.support.portal import Person, Portal, error_code, token_of

from contracts.registry import validate_envelope
from portalstack.endpoints import Stack

# An access token lives ten minutes; the refusal must come long before that. It usually comes
# within a second; the bound leaves room for a machine loaded by the rest of the suite.
REFUSED_WITHIN_SECONDS = 30.0


class Reads:
    """Authenticated reads of one person's token: through the gateway and at a service itself."""

    def __init__(self, portal: Portal, notifications_url: str, person: Person) -> None:
        self.portal = portal
        self.notifications_url = notifications_url
        self.person = person

    async def all(self) -> dict[str, httpx.Response]:
        """Each read, by where it went."""
        authority = self.person.authority
        auth = self.person.auth
        async with httpx.AsyncClient(base_url=self.notifications_url, timeout=15.0) as direct:
            return {
                "identity through the gateway": await self.portal.get(
                    authority, "/me", person=self.person
                ),
                "notifications through the gateway": await self.portal.http.get(
                    f"/{authority}/api/notifications/deliveries", headers=auth
                ),
                "notifications itself": await direct.get(
                    "/deliveries", headers={**auth, "X-Authority": authority}
                ),
            }

    async def accepted(self) -> None:
        """The token is taken everywhere: identity answers, notifications refuses only the role."""
        answers = await self.all()
        assert answers["identity through the gateway"].status_code == 200
        for where in ("notifications through the gateway", "notifications itself"):
            assert error_code(answers[where], 403) == "forbidden", where

    async def refused(self, *, blocked: bool = False) -> dict[str, str]:
        """Wait until every read is refused; return what each said.

        The gateway may say the member is blocked instead, when they were also deactivated.
        """
        at_gateway = {"session_ended", "access_restricted"} if blocked else {"session_ended"}
        expected = {
            "identity through the gateway": at_gateway,
            "notifications through the gateway": at_gateway,
            "notifications itself": {"session_ended"},
        }
        seen: list[dict[str, str]] = []

        async def all_refused() -> dict[str, httpx.Response] | None:
            answers = await self.all()
            codes = {
                where: str(response.json()["error"]["code"])
                if response.status_code in (401, 403)
                else str(response.status_code)
                for where, response in answers.items()
            }
            seen.append(codes)
            return answers if all(codes[where] in expected[where] for where in expected) else None

        async def last_seen() -> str:
            return f"last answers: {seen[-1]}"

        answers = await eventually(
            all_refused,
            within=REFUSED_WITHIN_SECONDS,
            what="every read refused",
            every=0.1,
            details=last_seen,
        )
        codes = seen[-1]
        for where, response in answers.items():
            status = 403 if codes[where] == "access_restricted" else 401
            assert error_code(response, status) == codes[where]
        return codes


async def session_ended_event(portal: Portal, person: Person, session_id: str) -> dict[str, Any]:
    """The announcement that this session of the person ended, once identity has written it."""

    async def announced() -> list[dict[str, Any]]:
        events = await portal.store.events("identity.session.ended", user_id=person.user_id)
        return [event for event in events if event["data"]["session_id"] == session_id]

    found = await eventually(
        announced, within=REFUSED_WITHIN_SECONDS, what=f"session {session_id} announced as ended"
    )
    assert len(found) == 1, found
    validate_envelope(found[0])
    ended: dict[str, Any] = found[0]
    return ended


@pytest.fixture
def reads_of(portal: Portal, stack: Stack) -> Callable[[Person], Reads]:
    """Reads as one person."""
    return lambda person: Reads(portal, stack.service_urls["notifications"], person)


Ending = Callable[[Portal, Person], Awaitable[None]]


async def sign_out(portal: Portal, person: Person) -> None:
    """Revoke the refresh token, as signing out does."""
    response = await portal.post(
        person.authority, "/tokens/revocation", {"refresh_token": person.tokens["refresh_token"]}
    )
    assert response.status_code == 204


async def end_this_session(portal: Portal, person: Person) -> None:
    """End the current session from its own list."""
    response = await portal.call("DELETE", person.authority, "/sessions/current", person=person)
    assert response.status_code == 204


async def end_from_another_device(portal: Portal, person: Person) -> None:
    """Sign in again elsewhere and end the first session from there."""
    other = Person(email=person.email, password=person.password, authority=person.authority)
    await portal.sign_in(other)
    path = f"/sessions/{person.tokens['session_id']}"
    response = await portal.call("DELETE", person.authority, path, person=other)
    assert response.status_code == 204


async def reset_password(portal: Portal, person: Person) -> None:
    """Reset the password from the emailed link: every session ends."""
    asked = await portal.post(person.authority, "/password-resets", {"email": person.email})
    assert asked.status_code == 202, asked.text
    event = await portal.store.wait_for_event(
        "identity.password.reset_requested", email=person.email
    )
    response = await portal.post(
        person.authority,
        "/password-resets/completion",
        {
            "token": token_of(event["data"]["link"]),
            "new_password": "Quartz-Harbour-77?",
            "confirm_password": "Quartz-Harbour-77?",
        },
    )
    assert response.status_code == 204, response.text


async def reuse_a_refresh_token(portal: Portal, person: Person) -> None:
    """Use a refresh token twice: the whole family ends (the current access token too)."""
    used = person.tokens["refresh_token"]
    first = await portal.post(person.authority, "/tokens/refresh", {"refresh_token": used})
    assert first.status_code == 200, first.text
    person.tokens = {**first.json(), "refresh_token": first.json()["refresh_token"]}
    again = await portal.post(person.authority, "/tokens/refresh", {"refresh_token": used})
    assert error_code(again, 401) == "refresh_token_reused"


ENDINGS: dict[str, Ending] = {
    "sign-out": sign_out,
    "ending-this-session": end_this_session,
    "ending-it-from-another-device": end_from_another_device,
    "password-reset": reset_password,
    "refresh-token-reuse": reuse_a_refresh_token,
}


class TestEndedSessionIsRefusedEverywhere:
    @pytest.mark.parametrize("ending", list(ENDINGS.values()), ids=list(ENDINGS))
    async def test_after(
        self, portal: Portal, reads_of: Callable[[Person], Reads], ending: Ending
    ) -> None:
        person = await portal.applicant("watford")
        reads = reads_of(person)
        await reads.accepted()
        session_id = person.tokens["session_id"]

        await ending(portal, person)

        event = await session_ended_event(portal, person, session_id)
        assert event["authority"] == "watford"
        assert event["data"]["user_id"] == person.user_id
        expires_by = datetime.fromisoformat(event["data"]["tokens_expire_by"])
        assert expires_by > datetime.now(UTC) + timedelta(minutes=9)
        await reads.refused()

    async def test_after_a_restriction(
        self, portal: Portal, reads_of: Callable[[Person], Reads]
    ) -> None:
        admin = await portal.demo("authority_admin", OMBUDSMAN)
        person = await portal.applicant(OMBUDSMAN)
        reads = reads_of(person)
        await reads.accepted()

        await restrict(portal, admin, person)

        event = await session_ended_event(portal, person, person.tokens["session_id"])
        assert event["data"]["reason"] == "restricted"
        await reads.refused(blocked=True)

    async def test_after_a_deactivation(
        self, portal: Portal, reads_of: Callable[[Person], Reads]
    ) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        user = await add_user(portal, organisation["id"], landlord_admin)
        colleague = await portal.accept_invitation(OMBUDSMAN, user["email"])
        await portal.sign_in(colleague)
        reads = reads_of(colleague)
        await reads.accepted()

        response = await portal.call(
            "PATCH",
            OMBUDSMAN,
            f"/organisations/{organisation['id']}/users/{user['user_id']}",
            json={"active": False},
            person=landlord_admin,
        )

        assert response.status_code == 200, response.text
        event = await session_ended_event(portal, colleague, colleague.tokens["session_id"])
        assert event["data"]["reason"] == "deactivated"
        await reads.refused(blocked=True)

    async def test_other_sessions_of_the_person_go_on(
        self, portal: Portal, reads_of: Callable[[Person], Reads]
    ) -> None:
        person = await portal.applicant("rugby")
        other = Person(email=person.email, password=person.password, authority="rugby")
        await portal.sign_in(other)

        await sign_out(portal, person)

        await reads_of(person).refused()
        await reads_of(other).accepted()


@pytest.mark.serial
@pytest.mark.slow
class TestAServiceThatStartsLater:
    async def test_still_refuses_a_session_that_ended_before_it_started(
        self, portal: Portal, reads_of: Callable[[Person], Reads]
    ) -> None:
        person = await portal.applicant("kingston")
        reads = reads_of(person)
        await sign_out(portal, person)
        await reads.refused()

        restarted = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "portalstack", "restart-service", "notifications"
        )

        assert await restarted.wait() == 0
        codes = await reads.refused()
        assert codes["notifications itself"] == "session_ended"
