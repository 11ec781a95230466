"""An authority restricts a person's access for unacceptable behaviour, and lifts it (A8)."""

from datetime import UTC, datetime, timedelta

from tests.support.portal import Person, Portal, error_code, refused_at_once

from contracts.registry import validate_envelope

REASON = "Abusive messages to caseworkers (Unacceptable User Action Policy)"


async def restrict(
    portal: Portal, admin: Person, person: Person, *, until: datetime | None = None
) -> dict[str, object]:
    """The administrator restricts the person."""
    response = await portal.post(
        admin.authority,
        "/restrictions",
        {
            "user_id": person.user_id,
            "reason": REASON,
            "until": until.isoformat() if until else None,
        },
        person=admin,
    )
    assert response.status_code == 201, response.text
    restriction: dict[str, object] = response.json()
    return restriction


class TestRestricting:
    async def test_a_restricted_person_is_signed_out_and_refused_with_the_reason(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "housing-ombudsman")
        person = await portal.applicant("housing-ombudsman")
        until = datetime.now(UTC) + timedelta(days=30)

        restriction = await restrict(portal, admin, person, until=until)

        assert restriction["in_force"] is True
        event = await portal.store.wait_for_event(
            "identity.account.deactivated", user_id=person.user_id
        )
        validate_envelope(event)
        assert event["data"]["reason"] == "restricted"
        assert abs(datetime.fromisoformat(event["data"]["until"]) - until) < timedelta(seconds=1)
        assert refused_at_once(await portal.get("housing-ombudsman", "/me", person=person))
        refresh = await portal.post(
            "housing-ombudsman",
            "/tokens/refresh",
            {"refresh_token": person.tokens["refresh_token"]},
        )
        assert error_code(refresh, 401) == "session_ended"
        refused = await portal.start_sign_in(person)
        assert error_code(refused, 403) == "access_restricted"
        error = refused.json()["error"]
        assert "Housing Ombudsman Service" in error["message"]
        assert "restricted until" in error["message"]
        assert error["details"]["reason"] == REASON

    async def test_a_restriction_is_only_for_its_authority(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")
        person = await portal.applicant("watford")
        joined = await portal.post(
            "watford", "/me/memberships", {"authority": "kingston"}, person=person
        )
        assert joined.status_code == 201, joined.text

        await restrict(portal, admin, person)

        assert error_code(await portal.start_sign_in(person), 403) == "access_restricted"
        elsewhere = await portal.start_sign_in(person, authority="kingston")
        assert elsewhere.status_code == 200, elsewhere.text

    async def test_lifting_lets_the_person_back_in(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        person = await portal.applicant("rugby")
        restriction = await restrict(portal, admin, person)

        lifted = await portal.call(
            "DELETE", "rugby", f"/restrictions/{restriction['id']}", person=admin
        )

        assert lifted.status_code == 200, lifted.text
        assert lifted.json()["in_force"] is False
        assert lifted.json()["lifted_by"] == admin.user_id
        reactivated = await portal.store.wait_for_event(
            "identity.account.reactivated", user_id=person.user_id
        )
        validate_envelope(reactivated)
        assert reactivated["data"] == {"user_id": person.user_id, "reason": "restriction_lifted"}
        await portal.sign_in(person)
        await portal.eventually_allowed(person)
        again = await portal.call(
            "DELETE", "rugby", f"/restrictions/{restriction['id']}", person=admin
        )
        assert error_code(again, 404) == "restriction_not_found"

    async def test_a_restriction_that_has_ended_no_longer_applies(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        person = await portal.applicant("rugby")
        restriction = await restrict(
            portal, admin, person, until=datetime.now(UTC) + timedelta(hours=1)
        )
        await portal.store.db.restrictions.update_one(
            {"_id": restriction["id"]},
            {"$set": {"until": datetime.now(UTC) - timedelta(seconds=1)}},
        )

        assert (await portal.start_sign_in(person)).status_code == 200
        listed = await portal.get("rugby", "/restrictions", person=admin)
        assert restriction["id"] not in [item["id"] for item in listed.json()["items"]]

    async def test_restricting_twice_or_in_the_past_is_refused(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")
        person = await portal.applicant("watford")
        past = await portal.post(
            "watford",
            "/restrictions",
            {
                "user_id": person.user_id,
                "reason": REASON,
                "until": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            },
            person=admin,
        )
        await restrict(portal, admin, person)

        twice = await portal.post(
            "watford", "/restrictions", {"user_id": person.user_id, "reason": REASON}, person=admin
        )

        assert error_code(past, 422) == "until_in_past"
        assert error_code(twice, 409) == "already_restricted"

    async def test_someone_who_is_not_a_member_cannot_be_restricted(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        stranger = await portal.applicant("watford")

        response = await portal.post(
            "kingston",
            "/restrictions",
            {"user_id": stranger.user_id, "reason": REASON},
            person=admin,
        )

        assert error_code(response, 404) == "member_not_found"

    async def test_only_administrators_restrict(self, portal: Portal) -> None:
        officer = await portal.demo("officer", "kingston")
        person = await portal.applicant("kingston")

        response = await portal.post(
            "kingston",
            "/restrictions",
            {"user_id": person.user_id, "reason": REASON},
            person=officer,
        )

        assert error_code(response, 403) == "forbidden"
