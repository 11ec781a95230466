"""Lock-out: a growing wait after failed sign-ins, a lock after ten, a limit per address."""

import asyncio
import uuid

import httpx
from tests.support.portal import Person, Portal, error_code, new_email

from portalstack.endpoints import Stack

WRONG = "Wrong-Password-000!"


async def fail_until_locked(portal: Portal, email: str, *, authority: str) -> list[str]:
    """Sign in with a wrong password until locked, waiting whenever asked to; return the codes."""
    codes: list[str] = []
    for _ in range(40):
        response = await portal.post(authority, "/sessions", {"email": email, "password": WRONG})
        code = error_code(response, response.status_code)
        codes.append(code)
        if code == "account_locked":
            return codes
        if code in ("too_many_attempts", "too_many_requests"):
            await asyncio.sleep(int(response.headers["retry-after"]))
    raise AssertionError(f"never locked: {codes}")


class TestProgressiveWait:
    async def test_after_four_failures_the_next_attempt_must_wait(self, portal: Portal) -> None:
        person = await portal.confirmed("rugby")
        wrong = {"email": person.email, "password": WRONG}
        for _ in range(4):
            assert error_code(await portal.post("rugby", "/sessions", wrong), 401) == (
                "invalid_credentials"
            )

        hurried = await portal.start_sign_in(person)

        assert error_code(hurried, 429) == "too_many_attempts"
        assert int(hurried.headers["retry-after"]) >= 1
        await asyncio.sleep(int(hurried.headers["retry-after"]))
        assert (await portal.start_sign_in(person)).status_code == 200


class TestLockOut:
    async def test_ten_failures_lock_a_known_and_an_unknown_address_alike(
        self, portal: Portal
    ) -> None:
        person = await portal.confirmed("rugby")
        stranger = new_email()

        async with portal.elsewhere() as other_client:
            known, unknown = await asyncio.gather(
                fail_until_locked(portal, person.email, authority="rugby"),
                fail_until_locked(other_client, stranger, authority="rugby"),
            )

        assert [code for code in known if code == "invalid_credentials"] == [
            "invalid_credentials"
        ] * 10
        assert known == unknown
        locked = await portal.start_sign_in(person)
        assert error_code(locked, 429) == "account_locked"
        assert 14 * 60 <= int(locked.headers["retry-after"]) <= 15 * 60 + 1
        audit = await portal.store.db.audit_events.find(
            {"subject": person.user_id, "action": "sign_in.locked_out"}
        ).to_list(length=5)
        assert len(audit) == 1

    async def test_a_password_reset_lifts_the_lock(self, portal: Portal) -> None:
        person = await portal.confirmed("kingston")
        await fail_until_locked(portal, person.email, authority="kingston")
        await portal.post("kingston", "/password-resets", {"email": person.email})
        event = await portal.store.wait_for_event(
            "identity.password.reset_requested", email=person.email
        )
        token = event["data"]["link"].split("token=")[1]
        new_password = "Quiet-Orchard-5150!"

        reset = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": new_password, "confirm_password": new_password},
        )

        assert reset.status_code == 204, reset.text
        person.password = new_password
        assert (await portal.start_sign_in(person)).status_code == 200


class TestLimitPerAddress:
    async def test_too_many_failures_from_one_address_are_refused_for_a_while(
        self, stack: Stack, portal: Portal
    ) -> None:
        """Straight to identity: the gateway's own per-address rate limit would stop us first."""
        person = await portal.confirmed("watford")
        address = f"2001:db8:ffff::{uuid.uuid4().hex[:4]}"
        headers = {"X-Authority": "watford", "X-Forwarded-For": address}
        async with httpx.AsyncClient(
            base_url=stack.service_urls["identity"], headers=headers, timeout=15.0
        ) as identity:
            for _ in range(100):
                failed = await identity.post(
                    "/sessions", json={"email": new_email(), "password": WRONG}
                )
                assert error_code(failed, 401) == "invalid_credentials"

            refused = await identity.post(
                "/sessions", json={"email": person.email, "password": person.password}
            )

        assert error_code(refused, 429) == "too_many_attempts_from_address"
        elsewhere = Person(email=person.email, password=person.password, authority="watford")
        assert (await portal.start_sign_in(elsewhere)).status_code == 200
