"""One account, many authorities: joining another and switching to it (A5)."""

import uuid

from tests.support.portal import Portal, error_code


class TestMyMemberships:
    async def test_they_list_each_authority_with_my_roles(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        response = await portal.get("rugby", "/me/memberships", person=person)

        assert response.status_code == 200, response.text
        assert response.json()["items"] == [
            {
                "authority": "rugby",
                "authority_name": "Rugby Borough Council",
                "roles": ["applicant"],
                "organisation_id": None,
                "status": "active",
                "restriction": None,
                "current": True,
            }
        ]


class TestJoiningAnotherAuthority:
    async def test_joining_makes_me_an_applicant_there(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        joined = await portal.post(
            "rugby", "/me/memberships", {"authority": "watford"}, person=person
        )

        assert joined.status_code == 201, joined.text
        assert joined.json()["authority_name"] == "Watford Borough Council"
        listed = await portal.get("rugby", "/me/memberships", person=person)
        assert [item["authority"] for item in listed.json()["items"]] == ["rugby", "watford"]
        signed_in = await portal.start_sign_in(person, authority="watford")
        assert signed_in.json()["status"] == "signed_in"

    async def test_joining_twice_is_refused_unless_it_is_a_retry(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        key = {"Idempotency-Key": uuid.uuid4().hex}
        first = await portal.post(
            "rugby", "/me/memberships", {"authority": "kingston"}, person=person, headers=key
        )

        retry = await portal.post(
            "rugby", "/me/memberships", {"authority": "kingston"}, person=person, headers=key
        )
        again = await portal.post(
            "rugby", "/me/memberships", {"authority": "kingston"}, person=person
        )

        assert first.status_code == retry.status_code == 201
        assert first.json() == retry.json()
        assert error_code(again, 409) == "already_a_member"

    async def test_an_unknown_authority_cannot_be_joined(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        response = await portal.post(
            "rugby", "/me/memberships", {"authority": "atlantis"}, person=person
        )

        assert error_code(response, 404) == "authority_not_found"


class TestSwitching:
    async def test_switching_gives_tokens_for_the_other_authority(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        await portal.post("rugby", "/me/memberships", {"authority": "kingston"}, person=person)

        response = await portal.post(
            "rugby", "/sessions/switch", {"authority": "kingston"}, person=person
        )

        assert response.status_code == 200, response.text
        tokens = response.json()
        assert tokens["authority"] == "kingston"
        assert tokens["roles"] == ["applicant"]
        person.tokens = tokens
        me = await portal.get("kingston", "/me", person=person)
        assert me.status_code == 200
        assert me.json()["authority"] == "kingston"

    async def test_switching_where_i_am_not_a_member_is_forbidden(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        response = await portal.post(
            "rugby", "/sessions/switch", {"authority": "watford"}, person=person
        )

        assert error_code(response, 403) == "not_a_member"

    async def test_switching_where_i_am_restricted_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        await portal.post("rugby", "/me/memberships", {"authority": "kingston"}, person=person)
        admin = await portal.demo("authority_admin", "kingston")
        restricted = await portal.post(
            "kingston",
            "/restrictions",
            {"user_id": person.user_id, "reason": "Threats made to staff"},
            person=admin,
        )
        assert restricted.status_code == 201, restricted.text

        response = await portal.post(
            "rugby", "/sessions/switch", {"authority": "kingston"}, person=person
        )

        assert error_code(response, 403) == "access_restricted"
        listed = await portal.get("rugby", "/me/memberships", person=person)
        kingston = next(item for item in listed.json()["items"] if item["authority"] == "kingston")
        assert kingston["restriction"]["reason"] == "Threats made to staff"


class TestOneMember:
    async def test_an_administrator_reads_a_member_of_their_authority_only(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        person = await portal.applicant("rugby")
        outsider = await portal.applicant("watford")

        found = await portal.get("rugby", f"/members/{person.user_id}", person=admin)

        assert found.status_code == 200, found.text
        member = found.json()
        assert (member["user_id"], member["email"]) == (person.user_id, person.email)
        assert member["roles"] == ["applicant"]
        assert member["status"] == "active"
        not_here = await portal.get("rugby", f"/members/{outsider.user_id}", person=admin)
        assert error_code(not_here, 404) == "not_found"
        nobody = await portal.get("rugby", "/members/no-such-person", person=admin)
        assert error_code(nobody, 404) == "not_found"

    async def test_only_administrators_read_members(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        other = await portal.applicant("rugby")
        refused = await portal.get("rugby", f"/members/{other.user_id}", person=person)
        assert refused.status_code == 403, refused.text


class TestColleagues:
    async def test_staff_see_the_officers_and_managers_who_work_cases_here(
        self, portal: Portal
    ) -> None:
        officer = await portal.demo("officer", "kingston")
        manager = await portal.demo("manager", "kingston")
        elsewhere = await portal.demo("officer", "watford")

        found = await portal.get("kingston", "/colleagues", person=officer)

        assert found.status_code == 200, found.text
        items = {item["user_id"]: item for item in found.json()["items"]}
        assert items[officer.user_id]["roles"] == ["officer"]
        assert items[manager.user_id]["roles"] == ["manager"]
        assert elsewhere.user_id not in items
        # Names and roles only: colleagues need no one's email address to assign a case.
        assert "email" not in items[officer.user_id]
        assert all(item["first_name"] and item["last_name"] for item in items.values())

    async def test_applicants_may_not_list_staff(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")
        refused = await portal.get("kingston", "/colleagues", person=person)
        assert refused.status_code == 403, refused.text
