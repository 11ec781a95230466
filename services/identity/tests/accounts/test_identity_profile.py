"""Reading and changing my profile (A6)."""

from tests.support.portal import Portal, error_code


class TestReadingMyProfile:
    async def test_it_shows_name_email_status_roles_and_an_etag(self, portal: Portal) -> None:
        person = await portal.applicant("rugby", first_name="Lisa")

        response = await portal.get("rugby", "/me", person=person)

        assert response.status_code == 200, response.text
        profile = response.json()
        assert profile["email"] == person.email
        assert profile["first_name"] == "Lisa"
        assert profile["status"] == "active"
        assert profile["roles"] == ["applicant"]
        assert profile["authority"] == "rugby"
        assert profile["email_confirmed"] is True
        assert profile["two_factor"] == {"enabled": False, "methods": [], "recovery_codes_left": 0}
        assert response.headers["etag"].startswith('"')

    async def test_without_a_token_it_is_refused(self, portal: Portal) -> None:
        response = await portal.get("rugby", "/me")

        assert error_code(response, 401) == "unauthorized"


class TestChangingMyProfile:
    async def test_name_and_phone_change_with_the_current_etag(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        etag = (await portal.get("rugby", "/me", person=person)).headers["etag"]

        response = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"first_name": "Lisa", "phone": "01234 567890"},
            person=person,
            headers={"If-Match": etag},
        )

        assert response.status_code == 200, response.text
        assert response.json()["first_name"] == "Lisa"
        assert response.json()["last_name"] == "Example"
        assert response.json()["phone"] == "01234 567890"
        assert response.headers["etag"] != etag

    async def test_a_stale_etag_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        etag = (await portal.get("rugby", "/me", person=person)).headers["etag"]
        await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"phone": "01788 533433"},
            person=person,
            headers={"If-Match": etag},
        )

        response = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"first_name": "Late"},
            person=person,
            headers={"If-Match": etag},
        )

        assert error_code(response, 412) == "precondition_failed"

    async def test_without_if_match_it_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")

        response = await portal.call(
            "PATCH", "rugby", "/me", json={"first_name": "X"}, person=person
        )

        assert error_code(response, 428) == "precondition_required"

    async def test_a_malformed_phone_number_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        etag = (await portal.get("rugby", "/me", person=person)).headers["etag"]

        response = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"phone": "call me maybe"},
            person=person,
            headers={"If-Match": etag},
        )

        assert error_code(response, 422) == "validation_failed"

    async def test_phone_can_be_removed(self, portal: Portal) -> None:
        person = await portal.applicant("rugby")
        etag = (await portal.get("rugby", "/me", person=person)).headers["etag"]
        changed = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"phone": "07700 900123"},
            person=person,
            headers={"If-Match": etag},
        )

        response = await portal.call(
            "PATCH",
            "rugby",
            "/me",
            json={"phone": None},
            person=person,
            headers={"If-Match": changed.headers["etag"]},
        )

        assert response.status_code == 200
        assert response.json()["phone"] is None
