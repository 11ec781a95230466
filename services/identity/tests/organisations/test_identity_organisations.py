"""Landlord organisations: their administrators create, list, reset and deactivate users (A7)."""

import uuid
from typing import Any

from tests.support.portal import (
    Person,
    Portal,
    error_code,
    new_email,
    refused_at_once,
)

from contracts.registry import validate_envelope

OMBUDSMAN = "housing-ombudsman"


async def organisation_with_admin(portal: Portal) -> tuple[dict[str, Any], Person]:
    """A new landlord organisation and its administrator, signed in."""
    authority_admin = await portal.demo("authority_admin", OMBUDSMAN)
    response = await portal.post(
        OMBUDSMAN,
        "/organisations",
        {
            "name": f"Harbour Homes {uuid.uuid4().hex[:8]} Limited",
            "administrator": {
                "email": new_email("landlord"),
                "first_name": "Chris",
                "last_name": "Harrison",
            },
        },
        person=authority_admin,
    )
    assert response.status_code == 201, response.text
    organisation: dict[str, Any] = response.json()
    landlord_admin = await portal.accept_invitation(
        OMBUDSMAN, organisation["administrator"]["email"]
    )
    await portal.sign_in(landlord_admin)
    return organisation, landlord_admin


async def add_user(portal: Portal, organisation_id: str, admin: Person) -> dict[str, Any]:
    """The administrator creates a user of the organisation."""
    response = await portal.post(
        OMBUDSMAN,
        f"/organisations/{organisation_id}/users",
        {"email": new_email("colleague"), "first_name": "Pat", "last_name": "Jones"},
        person=admin,
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


class TestOrganisations:
    async def test_an_authority_admin_creates_one_with_its_administrator(
        self, portal: Portal
    ) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)

        assert organisation["kind"] == "landlord"
        assert organisation["administrator"]["role"] == "landlord_admin"
        invited = await portal.store.wait_for_event(
            "identity.staff.invited", email=landlord_admin.email
        )
        validate_envelope(invited)
        assert invited["data"]["organisation_name"] == organisation["name"]
        assert landlord_admin.tokens["roles"] == ["landlord_admin"]
        profile = (await portal.get(OMBUDSMAN, "/me", person=landlord_admin)).json()
        assert profile["organisation_id"] == organisation["id"]

    async def test_a_second_organisation_with_the_same_name_is_refused(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", OMBUDSMAN)
        name = f"Same Name {uuid.uuid4().hex[:6]}"
        body = {
            "name": name,
            "administrator": {"email": new_email(), "first_name": "A", "last_name": "B"},
        }
        first = await portal.post(OMBUDSMAN, "/organisations", body, person=admin)

        again = await portal.post(
            OMBUDSMAN,
            "/organisations",
            {**body, "name": f"  {name.upper()} "},
            person=admin,
        )

        assert first.status_code == 201
        assert error_code(again, 409) == "organisation_exists"

    async def test_a_landlord_sees_only_their_own_organisation(self, portal: Portal) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        other, _ = await organisation_with_admin(portal)

        listed = await portal.get(OMBUDSMAN, "/organisations", person=landlord_admin)
        hidden = await portal.get(OMBUDSMAN, f"/organisations/{other['id']}", person=landlord_admin)

        assert [item["id"] for item in listed.json()["items"]] == [organisation["id"]]
        assert error_code(hidden, 404) == "organisation_not_found"

    async def test_a_retried_create_with_the_same_key_makes_one(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", OMBUDSMAN)
        body = {
            "name": f"Once Only {uuid.uuid4().hex[:6]}",
            "administrator": {"email": new_email(), "first_name": "A", "last_name": "B"},
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}

        first = await portal.post(OMBUDSMAN, "/organisations", body, person=admin, headers=headers)
        second = await portal.post(OMBUDSMAN, "/organisations", body, person=admin, headers=headers)

        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()


class TestOrganisationUsers:
    async def test_the_administrator_creates_and_lists_users(self, portal: Portal) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)

        user = await add_user(portal, organisation["id"], landlord_admin)

        assert user["state"] == "invited"
        assert user["roles"] == ["landlord_user"]
        listed = await portal.get(
            OMBUDSMAN, f"/organisations/{organisation['id']}/users", person=landlord_admin
        )
        states = {item["email"]: item["state"] for item in listed.json()["items"]}
        assert states == {landlord_admin.email: "active", user["email"]: "invited"}
        colleague = await portal.accept_invitation(OMBUDSMAN, user["email"])
        tokens = await portal.sign_in(colleague)
        assert tokens["roles"] == ["landlord_user"]

    async def test_an_administrator_cannot_manage_another_organisation(
        self, portal: Portal
    ) -> None:
        _, landlord_admin = await organisation_with_admin(portal)
        other, _ = await organisation_with_admin(portal)

        response = await portal.post(
            OMBUDSMAN,
            f"/organisations/{other['id']}/users",
            {"email": new_email(), "first_name": "X", "last_name": "Y"},
            person=landlord_admin,
        )

        assert error_code(response, 404) == "organisation_not_found"

    async def test_a_landlord_user_cannot_create_users(self, portal: Portal) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        user = await add_user(portal, organisation["id"], landlord_admin)
        colleague = await portal.accept_invitation(OMBUDSMAN, user["email"])
        await portal.sign_in(colleague)

        response = await portal.get(
            OMBUDSMAN, f"/organisations/{organisation['id']}/users", person=colleague
        )

        assert error_code(response, 404) == "organisation_not_found"

    async def test_a_password_reset_is_sent_to_a_user(self, portal: Portal) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        user = await add_user(portal, organisation["id"], landlord_admin)
        await portal.accept_invitation(OMBUDSMAN, user["email"])

        response = await portal.post(
            OMBUDSMAN,
            f"/organisations/{organisation['id']}/users/{user['user_id']}/password-reset",
            person=landlord_admin,
        )

        assert response.status_code == 202, response.text
        event = await portal.store.wait_for_event(
            "identity.password.reset_requested", email=user["email"]
        )
        assert event["actor"] == landlord_admin.user_id
        assert event["subject"] == user["user_id"]

    async def test_an_inactive_user_is_signed_out_at_once_and_cannot_sign_in(
        self, portal: Portal
    ) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        user = await add_user(portal, organisation["id"], landlord_admin)
        colleague = await portal.accept_invitation(OMBUDSMAN, user["email"])
        await portal.sign_in(colleague)
        path = f"/organisations/{organisation['id']}/users/{user['user_id']}"

        response = await portal.call(
            "PATCH", OMBUDSMAN, path, json={"active": False}, person=landlord_admin
        )

        assert response.status_code == 200, response.text
        assert response.json()["state"] == "inactive"
        deactivated = await portal.store.wait_for_event(
            "identity.account.deactivated", user_id=user["user_id"]
        )
        validate_envelope(deactivated)
        assert deactivated["data"] == {
            "user_id": user["user_id"],
            "reason": "deactivated",
            "until": None,
        }
        assert refused_at_once(await portal.get(OMBUDSMAN, "/me", person=colleague))
        refresh = await portal.post(
            OMBUDSMAN, "/tokens/refresh", {"refresh_token": colleague.tokens["refresh_token"]}
        )
        assert error_code(refresh, 401) == "session_ended"
        refused = await portal.start_sign_in(colleague)
        assert error_code(refused, 403) == "account_inactive"

        again = await portal.call(
            "PATCH", OMBUDSMAN, path, json={"active": True}, person=landlord_admin
        )
        assert again.json()["state"] == "active"
        reactivated = await portal.store.wait_for_event(
            "identity.account.reactivated", user_id=user["user_id"]
        )
        assert reactivated["data"]["reason"] == "reactivated"
        await portal.sign_in(colleague)
        await portal.eventually_allowed(colleague)

    async def test_the_administrator_cannot_deactivate_themselves(self, portal: Portal) -> None:
        organisation, landlord_admin = await organisation_with_admin(portal)
        me = (await portal.get(OMBUDSMAN, "/me", person=landlord_admin)).json()

        response = await portal.call(
            "PATCH",
            OMBUDSMAN,
            f"/organisations/{organisation['id']}/users/{me['id']}",
            json={"active": False},
            person=landlord_admin,
        )

        assert error_code(response, 409) == "cannot_change_own_status"
