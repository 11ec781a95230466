"""Changing a password, and resetting a forgotten one (A2, A3)."""

from datetime import UTC, datetime, timedelta

import pytest
from services.identity.tests.answer_times import (
    SAME_DISTRIBUTION_Z,
    WORK_WAIT_SECONDS,
    time_answers,
)
from tests.support.portal import (
    Mailbox,
    Person,
    Portal,
    error_code,
    new_email,
    token_of,
)

from contracts.registry import validate_envelope

NEW_PASSWORD = "Copper-Kettle-7719?"
RESET_REQUESTED = "identity.password.reset_requested"


async def request_reset(portal: Portal, person: Person) -> str:
    """Ask for a reset link; return its token."""
    response = await portal.post(person.authority, "/password-resets", {"email": person.email})
    assert response.status_code == 202, response.text
    event = await portal.store.wait_for_event(
        "identity.password.reset_requested", email=person.email
    )
    return token_of(event["data"]["link"])


class TestChangingMyPassword:
    async def test_it_needs_the_current_password_and_the_new_one_twice(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("watford")
        other_device = Person(email=person.email, password=person.password, authority="watford")
        await portal.sign_in(other_device)

        wrong = await portal.post(
            "watford",
            "/me/password",
            {
                "current_password": "Not-It-123!",
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
            person=person,
        )
        mismatch = await portal.post(
            "watford",
            "/me/password",
            {
                "current_password": person.password,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD + "x",
            },
            person=person,
        )
        changed = await portal.post(
            "watford",
            "/me/password",
            {
                "current_password": person.password,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
            person=person,
        )

        assert error_code(wrong, 403) == "wrong_password"
        assert error_code(mismatch, 422) == "passwords_do_not_match"
        assert changed.status_code == 204, changed.text
        event = await portal.store.wait_for_event("identity.password.changed", email=person.email)
        validate_envelope(event)
        assert event["data"]["by_reset"] is False
        assert (await portal.get("watford", "/me", person=person)).status_code == 200
        ended = await portal.get("watford", "/me", person=other_device)
        assert error_code(ended, 401) == "session_ended"
        old = await portal.start_sign_in(person)
        assert error_code(old, 401) == "invalid_credentials"
        person.password = NEW_PASSWORD
        assert (await portal.start_sign_in(person)).status_code == 200

    async def test_the_new_password_must_meet_the_policy(self, portal: Portal) -> None:
        person = await portal.applicant("watford")

        response = await portal.post(
            "watford",
            "/me/password",
            {
                "current_password": person.password,
                "new_password": "Welcome2024!",
                "confirm_password": "Welcome2024!",
            },
            person=person,
        )

        assert error_code(response, 422) == "password_too_weak"


class TestForgottenPassword:
    async def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
        self, portal: Portal
    ) -> None:
        person = await portal.confirmed("kingston")

        known = await portal.post("kingston", "/password-resets", {"email": person.email})
        unknown = await portal.post("kingston", "/password-resets", {"email": new_email()})

        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()

    async def test_the_link_resets_once_within_an_hour_and_ends_every_session(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("kingston")
        token = await request_reset(portal, person)
        event = await portal.store.wait_for_event(
            "identity.password.reset_requested", email=person.email
        )
        validate_envelope(event)
        expires_at = datetime.fromisoformat(event["data"]["expires_at"])
        assert timedelta(minutes=59) < expires_at - datetime.now(UTC) <= timedelta(hours=1)

        reset = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )
        again = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )

        assert reset.status_code == 204, reset.text
        assert error_code(again, 400) == "link_invalid"
        changed = await portal.store.wait_for_event("identity.password.changed", email=person.email)
        assert changed["data"]["by_reset"] is True
        ended = await portal.get("kingston", "/me", person=person)
        assert error_code(ended, 401) == "session_ended"
        person.password = NEW_PASSWORD
        assert (await portal.start_sign_in(person)).status_code == 200

    async def test_a_weak_new_password_leaves_the_link_usable(self, portal: Portal) -> None:
        person = await portal.confirmed("kingston")
        token = await request_reset(portal, person)

        weak = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": "password1", "confirm_password": "password1"},
        )
        strong = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )

        assert error_code(weak, 422) == "password_too_weak"
        assert strong.status_code == 204

    async def test_an_expired_link_is_refused(self, portal: Portal) -> None:
        person = await portal.confirmed("kingston")
        token = await request_reset(portal, person)
        await portal.store.expire_links(person.user_id, "reset_password")

        response = await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )

        assert error_code(response, 400) == "link_expired"

    async def test_a_reset_also_confirms_an_unconfirmed_address(self, portal: Portal) -> None:
        person = await portal.register("kingston")
        token = await request_reset(portal, person)

        await portal.post(
            "kingston",
            "/password-resets/completion",
            {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )

        person.password = NEW_PASSWORD
        assert (await portal.start_sign_in(person)).status_code == 200


@pytest.mark.mail
class TestResetEmail:
    async def test_the_emailed_link_resets_the_password(
        self, portal: Portal, mailbox: Mailbox
    ) -> None:
        person = await portal.confirmed("watford")
        await portal.post("watford", "/password-resets", {"email": person.email})

        message = await mailbox.wait_for(person.email, subject="password")
        response = await portal.post(
            "watford",
            "/password-resets/completion",
            {
                "token": token_of(message["text"]),
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )

        assert response.status_code == 204, response.text


class TestForgottenPasswordTiming:
    """The answer takes as long for an address with an account as for one without."""

    async def test_known_and_unknown_addresses_are_answered_alike_and_the_known_get_links(
        self, portal: Portal
    ) -> None:
        people = [await portal.register("rugby") for _ in range(20)]

        times = await time_answers(
            portal,
            "rugby",
            "/password-resets",
            known=[{"email": person.email} for person in people],
            unknown=[{"email": new_email()} for _ in people],
            warm_up={"email": new_email()},
            done=lambda body: portal.store.wait_for_event(
                RESET_REQUESTED, email=body["email"], within=WORK_WAIT_SECONDS
            ),
        )

        assert abs(times.rank_sum_z()) < SAME_DISTRIBUTION_Z, str(times)
        for person in people:
            event = await portal.store.wait_for_event(RESET_REQUESTED, email=person.email)
            validate_envelope(event)
            assert event["authority"] == "rugby"
