"""Guessing second-factor codes: wrong answers count across sign-ins and lock the account."""

import asyncio
from typing import Any

import httpx
import pyotp
import pytest
from services.identity.tests.factors.test_identity_factors import enrol_totp
from tests.support.portal import (
    Mailbox,
    Person,
    Portal,
    error_code,
    totp_step,
)

from contracts.registry import validate_envelope

ROUNDS = 7
CODES_PER_ROUND = 5
LOCKED_AFTER = 10


def wrong_totp(secret: str) -> str:
    """A six-digit code the authenticator app would not show around now."""
    step = totp_step()
    shown = {pyotp.TOTP(secret).generate_otp(near) for near in range(step - 2, step + 3)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in shown)


async def password_step(portal: Portal, person: Person) -> httpx.Response:
    """The right password, waiting out the growing pause that wrong codes bring on."""
    while True:
        response = await portal.start_sign_in(person)
        if response.status_code != 429 or error_code(response, 429) != "too_many_attempts":
            return response
        await asyncio.sleep(int(response.headers["retry-after"]))


async def guess(portal: Portal, person: Person, challenge: dict[str, Any]) -> list[str]:
    """Answer a challenge with wrong authenticator codes until it is used up; return the codes."""
    codes: list[str] = []
    for _ in range(CODES_PER_ROUND):
        response = await portal.post(
            person.authority,
            "/sessions/challenge",
            {
                "challenge_id": challenge["challenge_id"],
                "method": "totp",
                "code": wrong_totp(str(person.totp_secret)),
            },
        )
        codes.append(error_code(response, response.status_code))
        if codes[-1] != "code_invalid":
            break
    return codes


@pytest.mark.mail
class TestGuessingSecondFactorCodes:
    async def test_ten_wrong_codes_across_sign_ins_lock_the_account_and_tell_its_owner(
        self, portal: Portal, mailbox: Mailbox
    ) -> None:
        person = await portal.applicant("rugby")
        await enrol_totp(portal, person)
        owner_signing_in: dict[str, Any] = {}
        rounds: list[tuple[int, str, list[str]]] = []

        async with portal.elsewhere() as attacker:
            for number in range(1, ROUNDS + 1):
                started = await password_step(attacker, person)
                if started.status_code != 200:
                    rounds.append((number, error_code(started, started.status_code), []))
                    continue
                challenge = started.json()["challenge"]
                if number == 2:
                    # The owner starts signing in too, before the guesses that lock the account.
                    owner = await password_step(portal, person)
                    assert owner.status_code == 200, owner.text
                    owner_signing_in = owner.json()["challenge"]
                rounds.append(
                    (number, started.json()["status"], await guess(attacker, person, challenge))
                )
        owner_answer = await portal.post(
            "rugby",
            "/sessions/challenge",
            {
                "challenge_id": owner_signing_in["challenge_id"],
                "method": "totp",
                "code": await person.next_totp(),
            },
        )
        afterwards = await portal.start_sign_in(person)

        used_up = ["code_invalid"] * (CODES_PER_ROUND - 1) + ["challenge_invalid"]
        assert rounds == [
            (1, "second_factor_required", used_up),
            (2, "second_factor_required", used_up),
            *[(number, "account_locked", []) for number in range(3, ROUNDS + 1)],
        ]
        assert error_code(owner_answer, 429) == "account_locked"
        assert error_code(afterwards, 429) == "account_locked"
        assert 14 * 60 <= int(afterwards.headers["retry-after"]) <= 15 * 60 + 1
        wrong = await portal.store.db.audit_events.count_documents(
            {"subject": person.user_id, "action": "sign_in.second_factor", "outcome": "failure"}
        )
        assert wrong == LOCKED_AFTER
        locks = await portal.store.db.audit_events.find(
            {"subject": person.user_id, "action": "sign_in.locked_out"}
        ).to_list(length=5)
        assert [lock["details"]["cause"] for lock in locks] == ["second_factor"]
        event = await portal.store.wait_for_event("identity.signin.locked", user_id=person.user_id)
        validate_envelope(event)
        assert event["data"]["wrong_answers"] == LOCKED_AFTER
        message = await mailbox.wait_for(person.email, subject="signing in to your account")
        assert "gave 10 wrong codes" in message["text"]
        assert "/rugby/account/forgotten-password" in message["text"]
