"""Registering, confirming the email address and asking for a new link (A1)."""

from datetime import UTC, datetime, timedelta

import pytest
from services.identity.tests.answer_times import (
    SAME_DISTRIBUTION_Z,
    WORK_WAIT_SECONDS,
    time_answers,
)
from tests.support.portal import (
    PASSWORD,
    Mailbox,
    Portal,
    error_code,
    new_email,
    token_of,
)

from contracts.registry import validate_envelope

REGISTRATION = {"first_name": "Alex", "last_name": "Example", "password": PASSWORD}
CONFIRMATION = "identity.account.confirmation_requested"


class TestRegistering:
    async def test_a_new_address_gets_an_applicant_account_and_a_24_hour_link(
        self, portal: Portal
    ) -> None:
        email = new_email()

        response = await portal.post("watford", "/accounts", {"email": email, **REGISTRATION})

        assert response.status_code == 202, response.text
        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=email
        )
        validate_envelope(event)
        assert event["authority"] == "watford"
        assert event["data"]["first_name"] == "Alex"
        assert "/watford/account/confirm-email?token=" in event["data"]["link"]
        expires_at = datetime.fromisoformat(event["data"]["expires_at"])
        assert (
            timedelta(hours=23, minutes=59) < expires_at - datetime.now(UTC) <= timedelta(hours=24)
        )

    async def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told(
        self, portal: Portal
    ) -> None:
        owner = await portal.confirmed("watford")
        first = await portal.post("watford", "/accounts", {"email": new_email(), **REGISTRATION})

        again = await portal.post("kingston", "/accounts", {"email": owner.email, **REGISTRATION})

        assert again.status_code == first.status_code == 202
        assert again.json() == first.json()
        event = await portal.store.wait_for_event(
            "identity.account.registration_attempted", email=owner.email
        )
        validate_envelope(event)
        assert event["authority"] == "kingston"
        assert event["data"]["user_id"] == owner.user_id
        assert event["data"]["reset_link"].endswith("/kingston/account/forgotten-password")
        assert event["data"]["sign_in_link"].endswith("/kingston/account/sign-in")

    async def test_registering_again_before_confirming_sends_a_new_link_for_the_first_place(
        self, portal: Portal
    ) -> None:
        person = await portal.register("watford")
        await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )

        await portal.register("kingston", email=person.email, password="Other-Pass-2468!")

        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email, count=2
        )
        assert event["authority"] == "watford"
        assert "/watford/account/confirm-email" in event["data"]["link"]
        await portal.confirm(person)
        assert (await portal.start_sign_in(person)).status_code == 200

    async def test_the_address_is_kept_in_lower_case(self, portal: Portal) -> None:
        email = new_email()
        await portal.register("rugby", email=email.upper())

        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=email
        )

        assert event["data"]["email"] == email

    async def test_a_retried_registration_with_the_same_key_sends_one_email(
        self, portal: Portal
    ) -> None:
        email = new_email()
        headers = {"Idempotency-Key": f"register-{email}"}
        body = {"email": email, **REGISTRATION}

        first = await portal.post("watford", "/accounts", body, headers=headers)
        second = await portal.post("watford", "/accounts", body, headers=headers)

        assert first.status_code == second.status_code == 202
        assert first.json() == second.json()
        await portal.store.wait_for_event("identity.account.confirmation_requested", email=email)
        attempts = await portal.store.events("identity.account.registration_attempted", email=email)
        assert attempts == []

    async def test_an_unknown_authority_is_not_found(self, portal: Portal) -> None:
        response = await portal.post(
            "no-such-council", "/accounts", {"email": new_email(), **REGISTRATION}
        )

        assert error_code(response, 404) == "authority_not_found"


class TestPasswordPolicy:
    @pytest.mark.parametrize(
        ("password", "rule"),
        [
            ("Sh0rt!pw", "min_length"),
            ("maple-lantern-42!", "uppercase"),
            ("MAPLE-LANTERN-42!", "lowercase"),
            ("Maple-Lantern-xx!", "digit"),
            ("MapleLantern42", "symbol"),
            ("Password123!", "not_common"),
            ("P@ssw0rd2024!!", "not_common"),
            ("Summer2025!", "not_common"),
        ],
    )
    async def test_a_password_breaking_a_rule_is_refused_naming_the_rule(
        self, portal: Portal, password: str, rule: str
    ) -> None:
        response = await portal.post(
            "watford",
            "/accounts",
            {**REGISTRATION, "email": new_email(), "password": password},
        )

        assert error_code(response, 422) == "password_too_weak"
        rules = [broken["code"] for broken in response.json()["error"]["details"]["rules"]]
        assert rule in rules
        assert password not in response.text

    async def test_a_password_containing_the_email_name_is_refused(self, portal: Portal) -> None:
        email = f"harrison{new_email()}"
        local = email.split("@")[0]

        response = await portal.post(
            "watford",
            "/accounts",
            {**REGISTRATION, "email": email, "password": f"X9!{local.title()}"},
        )

        assert error_code(response, 422) == "password_too_weak"
        rules = [broken["code"] for broken in response.json()["error"]["details"]["rules"]]
        assert rules == ["not_email"]

    async def test_the_rules_are_published_for_the_form(self, portal: Portal) -> None:
        response = await portal.get("watford", "/password-rules")

        assert response.status_code == 200
        codes = [rule["code"] for rule in response.json()["rules"]]
        assert codes[:5] == ["min_length", "uppercase", "lowercase", "digit", "symbol"]


class TestConfirming:
    async def test_signing_in_before_confirming_is_refused(self, portal: Portal) -> None:
        person = await portal.register("watford")

        response = await portal.start_sign_in(person)

        assert error_code(response, 403) == "email_not_confirmed"

    async def test_the_link_confirms_once(self, portal: Portal) -> None:
        person = await portal.register("watford")
        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )
        token = token_of(event["data"]["link"])

        first = await portal.post("watford", "/accounts/confirmation", {"token": token})
        second = await portal.post("watford", "/accounts/confirmation", {"token": token})

        assert first.status_code == 200, first.text
        assert error_code(second, 400) == "link_invalid"
        signed_in = await portal.start_sign_in(person)
        assert signed_in.status_code == 200, signed_in.text

    async def test_an_expired_link_says_so(self, portal: Portal) -> None:
        person = await portal.register("watford")
        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )
        await portal.store.expire_links(event["data"]["user_id"], "confirm_email")

        response = await portal.post(
            "watford", "/accounts/confirmation", {"token": token_of(event["data"]["link"])}
        )

        assert error_code(response, 400) == "link_expired"

    async def test_the_link_works_only_at_its_authority(self, portal: Portal) -> None:
        person = await portal.register("watford")
        event = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )

        body = {"token": token_of(event["data"]["link"])}

        elsewhere = await portal.post("kingston", "/accounts/confirmation", body)

        assert error_code(elsewhere, 400) == "link_invalid"
        at_its_authority = await portal.post("watford", "/accounts/confirmation", body)
        assert at_its_authority.status_code == 200, at_its_authority.text
        assert at_its_authority.json() == {"status": "confirmed"}

    async def test_a_made_up_token_is_not_valid(self, portal: Portal) -> None:
        response = await portal.post("watford", "/accounts/confirmation", {"token": "x" * 43})

        assert error_code(response, 400) == "link_invalid"


class TestConfirmingWithAnyLink:
    """Registering twice sends two links that may arrive in either order; each confirms."""

    async def test_the_first_link_confirms_and_the_second_answers_confirmed_too(
        self, portal: Portal
    ) -> None:
        person = await portal.register("watford")
        await portal.register("watford", email=person.email)
        first, second = await portal.store.events(
            "identity.account.confirmation_requested", email=person.email
        )
        assert first["data"]["link"] != second["data"]["link"]

        by_first = await portal.post(
            "watford", "/accounts/confirmation", {"token": token_of(first["data"]["link"])}
        )
        signed_in = await portal.start_sign_in(person)
        by_second = await portal.post(
            "watford", "/accounts/confirmation", {"token": token_of(second["data"]["link"])}
        )

        assert by_first.status_code == 200, by_first.text
        assert by_first.json() == {"status": "confirmed"}
        assert signed_in.status_code == 200, signed_in.text
        assert by_second.status_code == 200, by_second.text
        assert by_second.json() == {"status": "confirmed"}


class TestResendingTheLink:
    async def test_a_new_link_leaves_the_old_one_working(self, portal: Portal) -> None:
        person = await portal.register("watford")
        first = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )
        await portal.store.db.link_tokens.update_many(
            {"user_id": first["data"]["user_id"]},
            {"$set": {"created_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )

        response = await portal.post(
            "watford", "/accounts/confirmation-requests", {"email": person.email}
        )

        assert response.status_code == 202
        second = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email, count=2
        )
        assert second["data"]["link"] != first["data"]["link"]
        old = await portal.post(
            "watford", "/accounts/confirmation", {"token": token_of(first["data"]["link"])}
        )
        assert old.status_code == 200, old.text
        assert old.json() == {"status": "confirmed"}
        new = await portal.post(
            "watford", "/accounts/confirmation", {"token": token_of(second["data"]["link"])}
        )
        assert new.status_code == 200, new.text

    async def test_asking_again_at_once_sends_nothing_more(self, portal: Portal) -> None:
        person = await portal.register("watford")
        await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )

        response = await portal.post(
            "watford", "/accounts/confirmation-requests", {"email": person.email}
        )

        assert response.status_code == 202
        sent = await portal.store.events(
            "identity.account.confirmation_requested", email=person.email
        )
        assert len(sent) == 1

    async def test_the_answer_is_the_same_for_an_unknown_address(self, portal: Portal) -> None:
        person = await portal.register("watford")

        known = await portal.post(
            "watford", "/accounts/confirmation-requests", {"email": person.email}
        )
        unknown = await portal.post(
            "watford", "/accounts/confirmation-requests", {"email": new_email()}
        )

        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()


class TestConfirmationRequestTiming:
    """Asking for a new link takes as long for an address waiting to confirm as for any other."""

    async def test_known_and_unknown_addresses_are_answered_alike_and_the_known_get_links(
        self, portal: Portal
    ) -> None:
        people = [await portal.register("rugby") for _ in range(20)]
        user_ids = [
            (await portal.store.wait_for_event(CONFIRMATION, email=person.email))["data"]["user_id"]
            for person in people
        ]
        # Past the minute in which a new link is held back, so each known address gets one.
        await portal.store.db.link_tokens.update_many(
            {"user_id": {"$in": user_ids}},
            {"$set": {"created_at": datetime.now(UTC) - timedelta(minutes=2)}},
        )

        times = await time_answers(
            portal,
            "rugby",
            "/accounts/confirmation-requests",
            known=[{"email": person.email} for person in people],
            unknown=[{"email": new_email()} for _ in people],
            warm_up={"email": new_email()},
            done=lambda body: portal.store.wait_for_event(
                CONFIRMATION, email=body["email"], count=2, within=WORK_WAIT_SECONDS
            ),
        )

        assert abs(times.rank_sum_z()) < SAME_DISTRIBUTION_Z, str(times)
        for person in people:
            event = await portal.store.wait_for_event(CONFIRMATION, email=person.email, count=2)
            validate_envelope(event)


@pytest.mark.mail
class TestConfirmationEmail:
    async def test_the_emailed_link_confirms_the_account(
        self, portal: Portal, mailbox: Mailbox
    ) -> None:
        person = await portal.register("rugby")

        message = await mailbox.wait_for(person.email, subject="confirm")
        response = await portal.post(
            "rugby", "/accounts/confirmation", {"token": token_of(message["text"])}
        )

        assert response.status_code == 200, response.text
        assert (await portal.start_sign_in(person)).status_code == 200
