"""Administrators invite staff; staff must set up a second factor where the authority says so."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.support.portal import (
    PASSWORD,
    Mailbox,
    Person,
    Portal,
    error_code,
    new_email,
    token_of,
)

from contracts.registry import validate_envelope


class TestInvitingStaff:
    async def test_an_officer_is_invited_with_a_seven_day_link(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")
        email = new_email("officer")

        invitation = await portal.invite(admin, role="officer", email=email)

        assert invitation["role"] == "officer"
        assert invitation["state"] == "pending"
        event = await portal.store.wait_for_event("identity.staff.invited", email=email)
        validate_envelope(event)
        assert event["data"]["role"] == "officer"
        assert event["data"]["invited_by"] == "Demo Authority Admin"
        assert "/watford/account/accept-invitation?token=" in event["data"]["link"]
        expires_at = datetime.fromisoformat(event["data"]["expires_at"])
        assert timedelta(days=6, hours=23) < expires_at - datetime.now(UTC) <= timedelta(days=7)
        listed = await portal.get("watford", "/staff-invitations", person=admin)
        assert invitation["id"] in [item["id"] for item in listed.json()["items"]]

    async def test_accepting_sets_the_password_then_the_officer_must_set_up_two_factor(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "watford")
        invitation = await portal.invite(admin, role="officer")
        officer = await portal.accept_invitation("watford", invitation["email"])

        started = await portal.start_sign_in(officer)

        assert started.status_code == 200, started.text
        assert started.json()["status"] == "enrolment_required"
        challenge_id = started.json()["challenge"]["challenge_id"]
        later = await portal.post(
            "watford", "/sessions/challenge/postponement", {"challenge_id": challenge_id}
        )
        assert error_code(later, 400) == "method_not_available"
        tokens = await portal.enrol_totp_while_signing_in(
            officer, challenge_id, authority="watford"
        )
        assert tokens["roles"] == ["officer"]
        assert len(officer.recovery_codes) == 10
        added = await portal.store.wait_for_event("identity.factor.added", email=officer.email)
        validate_envelope(added)

    async def test_an_officer_can_set_up_emailed_codes_instead(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        invitation = await portal.invite(admin, role="manager")
        manager = await portal.accept_invitation("kingston", invitation["email"])
        challenge_id = (await portal.start_sign_in(manager)).json()["challenge"]["challenge_id"]

        started = await portal.post(
            "kingston",
            "/sessions/challenge/enrolment",
            {"challenge_id": challenge_id, "method": "email_code"},
        )

        assert started.status_code == 200, started.text
        assert started.json()["code_sent_to"].endswith("@e*****.org")
        event = await portal.store.wait_for_event(
            "identity.signin.code_issued", email=manager.email
        )
        assert event["data"]["purpose"] == "enrol"
        confirmed = await portal.post(
            "kingston",
            "/sessions/challenge/enrolment/confirmation",
            {"challenge_id": challenge_id, "method": "email_code", "code": event["data"]["code"]},
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["session"]["roles"] == ["manager"]

    async def test_staff_cannot_remove_their_last_factor_where_it_is_required(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "watford")
        officer = await portal.staff(admin)

        response = await portal.post(
            "watford", "/me/factors/totp/removal", {"password": officer.password}, person=officer
        )

        assert error_code(response, 409) == "two_factor_required"

    async def test_inviting_someone_who_has_the_role_already_is_refused(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        invitation = await portal.invite(admin, role="officer")

        again = await portal.post(
            "rugby",
            "/staff-invitations",
            {
                "email": invitation["email"],
                "first_name": "Sam",
                "last_name": "Staff",
                "role": "officer",
            },
            person=admin,
        )

        assert error_code(again, 409) == "already_a_member"

    async def test_an_applicant_can_be_invited_and_keeps_their_password(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        applicant = await portal.applicant("rugby")
        await portal.invite(admin, role="officer", email=applicant.email)
        event = await portal.store.wait_for_event("identity.staff.invited", email=applicant.email)

        wrong = await portal.post(
            "rugby",
            "/staff-invitations/acceptance",
            {"token": token_of(event["data"]["link"]), "password": "Another-Pass-99!"},
        )
        right = await portal.post(
            "rugby",
            "/staff-invitations/acceptance",
            {"token": token_of(event["data"]["link"]), "password": applicant.password},
        )

        assert error_code(wrong, 403) == "wrong_password"
        assert right.status_code == 200, right.text
        tokens = await portal.sign_in(applicant)
        assert sorted(tokens["roles"]) == ["applicant", "officer"]

    async def test_a_renewed_invitation_replaces_the_link(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        invitation = await portal.invite(admin)
        first = await portal.store.wait_for_event(
            "identity.staff.invited", email=invitation["email"]
        )

        renewed = await portal.post(
            "rugby", f"/staff-invitations/{invitation['id']}/renewal", person=admin
        )

        assert renewed.status_code == 200, renewed.text
        await portal.store.wait_for_event(
            "identity.staff.invited", email=invitation["email"], count=2
        )
        old = await portal.post(
            "rugby",
            "/staff-invitations/acceptance",
            {"token": token_of(first["data"]["link"]), "password": PASSWORD},
        )
        assert error_code(old, 400) == "link_invalid"
        await portal.accept_invitation("rugby", invitation["email"], count=2)

    async def test_only_administrators_invite(self, portal: Portal) -> None:
        applicant = await portal.applicant("watford")

        response = await portal.post(
            "watford",
            "/staff-invitations",
            {"email": new_email(), "first_name": "A", "last_name": "B", "role": "officer"},
            person=applicant,
        )

        assert error_code(response, 403) == "forbidden"

    async def test_names_and_addresses_are_held_to_their_declared_limits_as_sent(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "watford")
        invitee = {"email": new_email(), "first_name": "Sam", "last_name": "x" * 100}

        def invite(**changed: str) -> dict[str, str]:
            return {**invitee, **changed, "role": "officer"}

        accepted = await portal.post("watford", "/staff-invitations", invite(), person=admin)
        assert accepted.status_code == 201, accepted.text
        # One more character, a space at the start, is over the limit the document declares.
        too_long = await portal.post(
            "watford",
            "/staff-invitations",
            invite(email=new_email(), last_name="\u00a0" + "x" * 100),
            person=admin,
        )
        assert error_code(too_long, 422) == "validation_failed"
        # A separator Python trims but the address pattern's spaces do not name.
        separator = await portal.post(
            "watford",
            "/staff-invitations",
            invite(email="\x1d" + new_email()),
            person=admin,
        )
        assert error_code(separator, 422) == "validation_failed"

    async def test_a_platform_administrator_appoints_an_authority_administrator(
        self, portal: Portal
    ) -> None:
        platform_admin = await portal.demo("platform_admin", "rugby")

        invitation = await portal.invite(platform_admin, role="authority_admin")
        administrator = await portal.accept_invitation("rugby", invitation["email"])
        await portal.sign_in(administrator)

        me = await portal.get("rugby", "/me", person=administrator)
        assert me.json()["roles"] == ["authority_admin"]
        # The new administrator runs the authority from here on.
        officer = await portal.staff(administrator)
        assert (await portal.get("rugby", "/me", person=officer)).json()["roles"] == ["officer"]

    async def test_a_weak_password_is_refused_on_acceptance(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")
        invitation = await portal.invite(admin)
        event = await portal.store.wait_for_event(
            "identity.staff.invited", email=invitation["email"]
        )

        response = await portal.post(
            "watford",
            "/staff-invitations/acceptance",
            {"token": token_of(event["data"]["link"]), "password": "password"},
        )

        assert error_code(response, 422) == "password_too_weak"
        retry = await portal.post(
            "watford",
            "/staff-invitations/acceptance",
            {"token": token_of(event["data"]["link"]), "password": PASSWORD},
        )
        assert retry.status_code == 200, retry.text


@pytest.mark.mail
class TestInvitationEmail:
    async def test_the_emailed_link_sets_the_password(
        self, portal: Portal, mailbox: Mailbox
    ) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        invitation = await portal.invite(admin)

        message = await mailbox.wait_for(invitation["email"], subject="invit")
        response = await portal.post(
            "kingston",
            "/staff-invitations/acceptance",
            {"token": token_of(message["text"]), "password": PASSWORD},
        )

        assert response.status_code == 200, response.text
        person = Person(email=invitation["email"], password=PASSWORD, authority="kingston")
        assert (await portal.start_sign_in(person)).json()["status"] == "enrolment_required"
