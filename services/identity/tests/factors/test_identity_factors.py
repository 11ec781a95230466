"""Second factors: emailed codes, authenticator apps and recovery codes (A4)."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.support.portal import (
    Mailbox,
    Person,
    Portal,
    code_in,
    error_code,
    totp_code,
    totp_step,
)

from contracts.registry import validate_envelope
from identity.credentials import digest


async def enrol_email_code(portal: Portal, person: Person) -> list[str]:
    """Turn on emailed codes from the profile; return the recovery codes shown."""
    started = await portal.post(
        person.authority, "/me/factors/email-code", {"password": person.password}, person=person
    )
    assert started.status_code == 202, started.text
    event = await portal.store.wait_for_event("identity.signin.code_issued", email=person.email)
    assert event["data"]["purpose"] == "enrol"
    confirmed = await portal.post(
        person.authority,
        "/me/factors/email-code/confirmation",
        {"code": event["data"]["code"]},
        person=person,
    )
    assert confirmed.status_code == 200, confirmed.text
    codes: list[str] = confirmed.json()["recovery_codes"]
    return codes


async def enrol_totp(portal: Portal, person: Person) -> dict[str, Any]:
    """Turn on an authenticator app from the profile; return the confirmation."""
    started = await portal.post(
        person.authority, "/me/factors/totp", {"password": person.password}, person=person
    )
    assert started.status_code == 201, started.text
    person.totp_secret = started.json()["secret"]
    confirmed = await portal.post(
        person.authority,
        "/me/factors/totp/confirmation",
        {"code": await person.next_totp()},
        person=person,
    )
    assert confirmed.status_code == 200, confirmed.text
    body: dict[str, Any] = confirmed.json()
    return body


async def second_step(portal: Portal, person: Person) -> tuple[dict[str, Any], str]:
    """Sign in with the password; return the challenge and the request id."""
    request_id = uuid.uuid4().hex
    response = await portal.start_sign_in(person, request_id=request_id)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "second_factor_required"
    challenge: dict[str, Any] = response.json()["challenge"]
    return challenge, request_id


class TestEmailCodes:
    async def test_turning_them_on_shows_ten_recovery_codes_and_publishes_the_change(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("housing-ombudsman")

        codes = await enrol_email_code(portal, person)

        assert len(codes) == len(set(codes)) == 10
        added = await portal.store.wait_for_event("identity.factor.added", email=person.email)
        validate_envelope(added)
        kinds = {
            event["data"]["factor"]
            for event in await portal.store.events("identity.factor.added", email=person.email)
        }
        assert kinds == {"email_code", "recovery_codes"}
        profile = (await portal.get("housing-ombudsman", "/me", person=person)).json()
        assert profile["two_factor"] == {
            "enabled": True,
            "methods": ["email_code"],
            "recovery_codes_left": 10,
        }

    async def test_signing_in_then_sends_a_code_that_finishes_it(self, portal: Portal) -> None:
        person = await portal.applicant("housing-ombudsman")
        await enrol_email_code(portal, person)

        challenge, request_id = await second_step(portal, person)

        assert challenge["methods"] == ["email_code", "recovery_code"]
        assert challenge["code_sent_to"] == f"{person.email[0]}*****@e*****.org"
        event = await portal.store.wait_for_event(
            "identity.signin.code_issued", email=person.email, correlation_id=request_id
        )
        validate_envelope(event)
        assert event["data"]["purpose"] == "sign_in"
        response = await portal.post(
            "housing-ombudsman",
            "/sessions/challenge",
            {
                "challenge_id": challenge["challenge_id"],
                "method": "email_code",
                "code": event["data"]["code"],
            },
        )
        assert response.status_code == 200, response.text
        person.tokens = response.json()
        me = await portal.get("housing-ombudsman", "/me", person=person)
        assert me.status_code == 200

    async def test_a_code_works_once(self, portal: Portal) -> None:
        person = await portal.applicant("housing-ombudsman")
        await enrol_email_code(portal, person)
        challenge, request_id = await second_step(portal, person)
        code = await portal.sign_in_code(person, request_id=request_id)
        answer = {"challenge_id": challenge["challenge_id"], "method": "email_code", "code": code}

        answers = await asyncio.gather(
            *(portal.post("housing-ombudsman", "/sessions/challenge", answer) for _ in range(4))
        )

        [signed_in] = [response for response in answers if response.status_code == 200]
        person.tokens = signed_in.json()
        assert (await portal.get("housing-ombudsman", "/me", person=person)).status_code == 200
        # A copy racing the right one finds the code spent or the challenge finished; a right
        # code sent twice (a double click) is never counted as a wrong one.
        refused = {error_code(response, 401) for response in answers if response is not signed_in}
        assert refused == {"challenge_invalid"}, refused
        record = await portal.store.db.sign_in_challenges.find_one(
            {"_id": digest(challenge["challenge_id"])}
        )
        assert record is not None
        assert record["attempts"] == 0
        again = await portal.post("housing-ombudsman", "/sessions/challenge", answer)
        assert error_code(again, 401) == "challenge_invalid"

    async def test_five_wrong_codes_end_the_challenge(self, portal: Portal) -> None:
        person = await portal.applicant("housing-ombudsman")
        await enrol_email_code(portal, person)
        challenge, request_id = await second_step(portal, person)
        code = await portal.sign_in_code(person, request_id=request_id)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        answer = {"challenge_id": challenge["challenge_id"], "method": "email_code", "code": wrong}

        answers = [
            await portal.post("housing-ombudsman", "/sessions/challenge", answer) for _ in range(5)
        ]

        assert [error_code(item, 401) for item in answers[:4]] == ["code_invalid"] * 4
        assert [item.json()["error"]["details"]["attempts_left"] for item in answers[:4]] == [
            4,
            3,
            2,
            1,
        ]
        assert error_code(answers[4], 401) == "challenge_invalid"
        right = await portal.post(
            "housing-ombudsman", "/sessions/challenge", {**answer, "code": code}
        )
        assert error_code(right, 401) == "challenge_invalid"

    async def test_resending_waits_a_minute_then_replaces_the_code(self, portal: Portal) -> None:
        person = await portal.applicant("housing-ombudsman")
        await enrol_email_code(portal, person)
        challenge, request_id = await second_step(portal, person)
        first = await portal.sign_in_code(person, request_id=request_id)
        ref = {"challenge_id": challenge["challenge_id"]}

        too_soon = await portal.post("housing-ombudsman", "/sessions/challenge/email-code", ref)

        assert error_code(too_soon, 429) == "code_recently_sent"
        assert 0 < int(too_soon.headers["retry-after"]) <= 60
        await portal.store.db.sign_in_challenges.update_many(
            {"user_id": person.user_id},
            {"$set": {"code_sent_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )
        resend_id = f"resend-{request_id}"
        resent = await portal.post(
            "housing-ombudsman",
            "/sessions/challenge/email-code",
            ref,
            headers={"X-Request-ID": resend_id},
        )
        assert resent.status_code == 202, resent.text
        second = await portal.sign_in_code(person, request_id=resend_id)
        old = await portal.post(
            "housing-ombudsman",
            "/sessions/challenge",
            {**ref, "method": "email_code", "code": first},
        )
        if first != second:
            assert error_code(old, 401) == "code_invalid"
        new = await portal.post(
            "housing-ombudsman",
            "/sessions/challenge",
            {**ref, "method": "email_code", "code": second},
        )
        assert new.status_code == 200, new.text

    async def test_turning_on_needs_the_password(self, portal: Portal) -> None:
        person = await portal.applicant("housing-ombudsman")

        response = await portal.post(
            "housing-ombudsman",
            "/me/factors/email-code",
            {"password": "Wrong-Pass-123"},
            person=person,
        )

        assert error_code(response, 403) == "wrong_password"


class TestAuthenticatorApps:
    async def test_setting_up_gives_a_secret_uri_and_qr_code(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")

        response = await portal.post(
            "kingston", "/me/factors/totp", {"password": person.password}, person=person
        )

        assert response.status_code == 201, response.text
        setup = response.json()
        assert setup["otpauth_uri"].startswith("otpauth://totp/Housing%20Portal:")
        assert f"secret={setup['secret']}" in setup["otpauth_uri"]
        assert setup["qr_svg"].startswith("<svg")
        factors = (await portal.get("kingston", "/me/factors", person=person)).json()
        assert [(item["kind"], item["status"]) for item in factors["items"]] == [
            ("totp", "pending")
        ]

    async def test_a_wrong_first_code_does_not_turn_it_on(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")
        started = await portal.post(
            "kingston", "/me/factors/totp", {"password": person.password}, person=person
        )
        secret = started.json()["secret"]
        wrong = totp_code(secret, totp_step() + 5)

        response = await portal.post(
            "kingston", "/me/factors/totp/confirmation", {"code": wrong}, person=person
        )

        assert error_code(response, 401) == "code_invalid"
        profile = (await portal.get("kingston", "/me", person=person)).json()
        assert profile["two_factor"]["enabled"] is False

    async def test_sign_in_with_the_app_and_a_replayed_code_is_refused(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("kingston")
        confirmed = await enrol_totp(portal, person)
        assert len(confirmed["recovery_codes"]) == 10

        challenge, _ = await second_step(portal, person)

        assert challenge["methods"] == ["totp", "recovery_code"]
        assert challenge["code_sent_to"] is None
        code = await person.next_totp()
        answer = {"challenge_id": challenge["challenge_id"], "method": "totp", "code": code}
        signed_in = await portal.post("kingston", "/sessions/challenge", answer)
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["roles"] == ["applicant"]

        replay, _ = await second_step(portal, person)
        refused = await portal.post(
            "kingston",
            "/sessions/challenge",
            {"challenge_id": replay["challenge_id"], "method": "totp", "code": code},
        )
        assert error_code(refused, 401) == "code_invalid"

    async def test_an_emailed_code_is_not_an_answer_when_only_the_app_is_set_up(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("kingston")
        await enrol_totp(portal, person)
        challenge, _ = await second_step(portal, person)

        response = await portal.post(
            "kingston",
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": "email_code", "code": "123456"},
        )

        assert error_code(response, 400) == "method_not_available"
        resend = await portal.post(
            "kingston",
            "/sessions/challenge/email-code",
            {"challenge_id": challenge["challenge_id"]},
        )
        assert error_code(resend, 400) == "method_not_available"

    async def test_setting_up_twice_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")
        await enrol_totp(portal, person)

        response = await portal.post(
            "kingston", "/me/factors/totp", {"password": person.password}, person=person
        )

        assert error_code(response, 409) == "factor_exists"


class TestRecoveryCodes:
    async def test_a_recovery_code_signs_in_once(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        confirmed = await enrol_totp(portal, person)
        code = confirmed["recovery_codes"][3]

        challenge, _ = await second_step(portal, person)
        used = await portal.post(
            "watford",
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": "recovery_code", "code": code},
        )

        assert used.status_code == 200, used.text
        person.tokens = used.json()
        again, _ = await second_step(portal, person)
        refused = await portal.post(
            "watford",
            "/sessions/challenge",
            {"challenge_id": again["challenge_id"], "method": "recovery_code", "code": code},
        )
        assert error_code(refused, 401) == "code_invalid"
        factors = (await portal.get("watford", "/me/factors", person=person)).json()
        assert factors["recovery_codes_left"] == 9

    async def test_recovery_codes_are_read_without_dashes_or_case(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        confirmed = await enrol_totp(portal, person)
        code = confirmed["recovery_codes"][0].replace("-", "").upper()

        challenge, _ = await second_step(portal, person)
        used = await portal.post(
            "watford",
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": "recovery_code", "code": code},
        )

        assert used.status_code == 200, used.text

    async def test_a_new_set_replaces_the_old_one(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        old = (await enrol_totp(portal, person))["recovery_codes"]

        response = await portal.post(
            "watford", "/me/factors/recovery-codes", {"password": person.password}, person=person
        )

        assert response.status_code == 201, response.text
        new = response.json()["recovery_codes"]
        assert len(new) == 10
        assert not set(new) & set(old)
        challenge, _ = await second_step(portal, person)
        refused = await portal.post(
            "watford",
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": "recovery_code", "code": old[0]},
        )
        assert error_code(refused, 401) == "code_invalid"


class TestRemovingFactors:
    async def test_removing_the_last_factor_turns_two_factor_off(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        await enrol_totp(portal, person)

        wrong = await portal.post(
            "rugby", "/me/factors/totp/removal", {"password": "Wrong-Pass-123"}, person=person
        )
        removed = await portal.post(
            "rugby", "/me/factors/totp/removal", {"password": person.password}, person=person
        )

        assert error_code(wrong, 403) == "wrong_password"
        assert removed.status_code == 204, removed.text
        factors = (await portal.get("rugby", "/me/factors", person=person)).json()
        assert factors == {"items": [], "recovery_codes_left": 0}
        again = await portal.start_sign_in(person)
        assert again.json()["status"] == "signed_in"

    async def test_removing_a_factor_that_is_not_there_is_not_found(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        response = await portal.post(
            "rugby", "/me/factors/email_code/removal", {"password": person.password}, person=person
        )

        assert error_code(response, 404) == "factor_not_found"


@pytest.mark.mail
class TestSignInCodeEmail:
    async def test_the_emailed_code_finishes_signing_in(
        self, portal: Portal, mailbox: Mailbox
    ) -> None:
        person = await portal.applicant("housing-ombudsman")
        await enrol_email_code(portal, person)

        challenge, _ = await second_step(portal, person)
        message = await mailbox.wait_for(person.email, subject="sign-in code")
        code = code_in(message["text"])

        response = await portal.post(
            "housing-ombudsman",
            "/sessions/challenge",
            {"challenge_id": challenge["challenge_id"], "method": "email_code", "code": code},
        )
        assert response.status_code == 200, response.text
