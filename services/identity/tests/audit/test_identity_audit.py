"""The security audit log: administrators read their authority's, people their own (A9)."""

from datetime import datetime
from typing import Any

from tests.support.portal import Portal, error_code, new_email

WRONG = "Wrong-Password-000!"


def instant(event: dict[str, Any]) -> datetime:
    """When an event happened: as a moment, since "12:00:00Z" sorts after "12:00:00.084Z" as
    text."""
    return datetime.fromisoformat(event["at"])


class TestMySecurityEvents:
    async def test_they_show_my_sign_ins_failures_and_changes(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        await portal.post("watford", "/sessions", {"email": person.email, "password": WRONG})
        await portal.sign_in(person)

        response = await portal.get("watford", "/me/security-events", person=person)

        assert response.status_code == 200, response.text
        events = response.json()["items"]
        seen = [(event["action"], event["outcome"]) for event in events]
        assert ("sign_in", "failure") in seen
        assert ("sign_in", "success") in seen
        assert ("account.registered", "success") in seen
        assert ("sign_in.enrolment_postponed", "success") in seen
        newest = events[0]
        assert newest["authority"] == "watford"
        assert newest["address"]
        assert newest["device"] == "python-httpx"
        assert events == sorted(events, key=instant, reverse=True)
        assert WRONG not in response.text
        assert person.password not in response.text

    async def test_they_come_a_page_at_a_time_with_nothing_repeated_or_missed(
        self, portal: Portal
    ) -> None:
        person = await portal.applicant("watford")
        for _ in range(3):
            await portal.sign_in(person)
        everything = await portal.get(
            "watford", "/me/security-events", person=person, params={"limit": 100}
        )
        assert everything.json()["next_cursor"] is None
        expected = [event["id"] for event in everything.json()["items"]]
        assert len(expected) >= 5

        seen: list[str] = []
        cursor: str | None = None
        for _ in range(len(expected)):  # a page of two each time at the most
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            response = await portal.get(
                "watford", "/me/security-events", person=person, params=params
            )
            assert response.status_code == 200, response.text
            seen += [event["id"] for event in response.json()["items"]]
            cursor = response.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == expected

    async def test_a_cursor_that_is_not_one_is_refused(self, portal: Portal) -> None:
        person = await portal.applicant("watford")
        response = await portal.get(
            "watford", "/me/security-events", person=person, params={"cursor": "not-a-cursor"}
        )
        assert response.status_code == 400, response.text


class TestTheAuthorityAuditLog:
    async def test_administrators_page_through_it_newest_first(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "rugby")
        person = await portal.applicant("rugby")
        for _ in range(3):
            await portal.call("DELETE", "rugby", "/sessions/current", person=person)
            await portal.sign_in(person)

        pages: list[list[dict[str, Any]]] = []
        cursor: str | None = None
        for _ in range(3):
            params: dict[str, Any] = {"limit": 2, "user_id": person.user_id, "action": "sign_in"}
            if cursor:
                params["cursor"] = cursor
            response = await portal.get("rugby", "/audit-events", person=admin, params=params)
            assert response.status_code == 200, response.text
            pages.append(response.json()["items"])
            cursor = response.json()["next_cursor"]

        events = [event for page in pages for event in page]
        assert [len(page) for page in pages] == [2, 2, 0]
        assert len({event["id"] for event in events}) == 4
        assert all(event["subject"] == person.user_id for event in events)
        assert all(event["action"] == "sign_in" for event in events)
        assert events == sorted(events, key=instant, reverse=True)
        assert cursor is None

    async def test_it_records_administrators_actions(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        invitation = await portal.invite(admin)

        response = await portal.get(
            "kingston",
            "/audit-events",
            person=admin,
            params={"action": "staff.invited", "user_id": invitation["user_id"]},
        )

        assert response.status_code == 200
        (event,) = response.json()["items"]
        assert event["actor"] == admin.user_id
        assert event["details"]["role"] == "officer"

    async def test_it_names_the_members_its_events_are_by_and_about(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        email = new_email("named")
        invitation = await portal.invite(admin, email=email)

        response = await portal.get(
            "kingston",
            "/audit-events",
            person=admin,
            params={"action": "staff.invited", "user_id": invitation["user_id"]},
        )

        people = response.json()["people"]
        assert set(people) == {admin.user_id, invitation["user_id"]}
        assert people[admin.user_id]["email"] == admin.email
        assert people[invitation["user_id"]]["email"] == email

    async def test_it_leaves_unnamed_who_is_not_a_member_here(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")
        stranger = await portal.applicant("watford")
        refused = await portal.post(
            "kingston", "/sessions", {"email": stranger.email, "password": stranger.password}
        )
        assert error_code(refused, 403) == "not_a_member"

        response = await portal.get(
            "kingston", "/audit-events", person=admin, params={"user_id": stranger.user_id}
        )

        assert response.status_code == 200, response.text
        assert [event["subject"] for event in response.json()["items"]] == [stranger.user_id]
        assert response.json()["people"] == {}

    async def test_only_administrators_read_it(self, portal: Portal) -> None:
        person = await portal.applicant("kingston")

        response = await portal.get("kingston", "/audit-events", person=person)

        assert error_code(response, 403) == "forbidden"

    async def test_a_bad_cursor_or_action_is_a_bad_request(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "kingston")

        cursor = await portal.get(
            "kingston", "/audit-events", person=admin, params={"cursor": "not-a-cursor"}
        )
        action = await portal.get(
            "kingston", "/audit-events", person=admin, params={"action": "teleport"}
        )

        assert error_code(cursor, 400) == "invalid_cursor"
        assert error_code(action, 400) == "unknown_action"
