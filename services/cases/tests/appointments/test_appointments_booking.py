"""Booking, moving and cancelling an appointment, each in the case's history and on the
broker, and each as an iCalendar file that places it at the right local time."""

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from tests.support.bus import heard
from tests.support.cases import Caller, CasesApi, Json
from tests.support.meetings import INTERVIEW, book, change_appointment, referral

from contracts.events.casework_meetings import AppointmentChanged
from portalstack.endpoints import Stack

LONDON = ZoneInfo("Europe/London")


async def calendar_of(api: CasesApi, caller: Caller, appointment: Json) -> Any:
    """The appointment's iCalendar file, parsed back (its properties read as they come)."""
    response = await api.call("GET", caller, f"/appointments/{appointment['id']}.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    return icalendar.Calendar.from_ical(response.content)


def only_event(calendar: Any) -> Any:
    """The one event of a calendar."""
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert isinstance(events[0], icalendar.Event)
    return events[0]


class TestBooking:
    async def test_a_booked_appointment_is_stored_in_utc_and_shown_to_the_applicant(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)

        booked = await book(api, officer, case)
        assert booked["starts_at"] == "2027-03-29T09:00:00Z"
        assert booked["ends_at"] == "2027-03-29T10:00:00Z"
        assert booked["person_id"] == applicant.user_id
        assert booked["officer_id"] == officer.user_id
        assert booked["status"] == "booked"
        assert booked["sequence"] == 0
        assert booked["reference"] == case["reference"]

        read = await api.call("GET", applicant, f"/cases/{case['id']}/appointments/{booked['id']}")
        assert read.status_code == 200, read.text
        assert read.headers["etag"] == f'"{booked["version"]}"'
        listed = await api.call("GET", applicant, f"/cases/{case['id']}/appointments")
        assert [item["id"] for item in listed.json()["items"]] == [booked["id"]]

    async def test_the_calendar_file_gives_london_time_after_the_clocks_change(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        booked = await book(api, officer, await referral(api, applicant))

        calendar = await calendar_of(api, applicant, booked)
        assert str(calendar["METHOD"]) == "PUBLISH"
        zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
        assert zones == ["Europe/London"]
        event = only_event(calendar)
        start = event["DTSTART"]
        assert start.params["TZID"] == "Europe/London"
        assert event["DTEND"].params["TZID"] == "Europe/London"
        local = start.dt
        assert (local.hour, local.minute, local.date().isoformat()) == (10, 0, "2027-03-29")
        assert local.astimezone(UTC) == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
        assert local.utcoffset().total_seconds() == 3600
        assert event["DTEND"].dt.astimezone(UTC) == datetime(2027, 3, 29, 10, 0, tzinfo=UTC)
        assert str(event["UID"]).startswith(booked["id"])
        assert int(event["SEQUENCE"]) == 0
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["LOCATION"]) == INTERVIEW["detail"]
        assert "Interview" in str(event["SUMMARY"])

    async def test_a_welsh_applicant_s_calendar_file_is_in_welsh(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        booked = await book(api, officer, await referral(api, applicant, language="cy"))
        event = only_event(await calendar_of(api, applicant, booked))
        assert "Cyfweliad" in str(event["SUMMARY"])
        assert "Wyneb yn wyneb" in str(event["DESCRIPTION"])

    async def test_a_repeated_booking_with_one_idempotency_key_books_once(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        key = {"Idempotency-Key": uuid.uuid4().hex}
        path = f"/cases/{case['id']}/appointments"
        first = await api.call("POST", officer, path, json=INTERVIEW, headers=key)
        again = await api.call("POST", officer, path, json=INTERVIEW, headers=key)
        assert first.status_code == again.status_code == 201, again.text
        assert first.json()["id"] == again.json()["id"]
        listed = await api.call("GET", officer, path)
        assert len(listed.json()["items"]) == 1


class TestMovingAndCancelling:
    async def test_a_move_needs_the_version_read_and_grows_the_sequence(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        booked = await book(api, officer, await referral(api, applicant))
        path = f"/cases/{booked['case_id']}/appointments/{booked['id']}"
        later = {"starts_at": "2027-04-01T14:00:00+01:00", "ends_at": "2027-04-01T15:00:00+01:00"}

        missing = await api.call("PATCH", officer, path, json=later)
        assert missing.status_code == 428, missing.text
        stale = await api.call("PATCH", officer, path, json=later, headers={"If-Match": '"99"'})
        assert stale.status_code == 412, stale.text

        moved = await change_appointment(api, officer, booked, body={**later, "how": "phone"})
        assert moved["starts_at"] == "2027-04-01T13:00:00Z"
        assert moved["how"] == "phone"
        assert moved["sequence"] == 1
        assert moved["version"] == booked["version"] + 1
        again = await api.call(
            "PATCH", officer, path, json=later, headers={"If-Match": f'"{booked["version"]}"'}
        )
        assert again.status_code == 412, again.text

        event = only_event(await calendar_of(api, applicant, moved))
        assert int(event["SEQUENCE"]) == 1
        assert str(event["UID"]).startswith(booked["id"])
        assert event["DTSTART"].dt.hour == 14

    async def test_a_cancelled_appointment_stays_listed_and_its_file_cancels_it(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        booked = await book(api, officer, await referral(api, applicant))
        cancelled = await change_appointment(
            api, officer, booked, "/cancellation", {"reason": "Officer unwell"}, method="POST"
        )
        assert cancelled["status"] == "cancelled"
        assert cancelled["cancel_reason"] == "Officer unwell"
        assert cancelled["sequence"] == 1

        calendar = await calendar_of(api, applicant, cancelled)
        assert str(calendar["METHOD"]) == "CANCEL"
        event = only_event(calendar)
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1

        refused = await change_appointment(
            api,
            officer,
            cancelled,
            body={"starts_at": INTERVIEW["starts_at"], "ends_at": INTERVIEW["ends_at"]},
            status=409,
        )
        assert refused["error"]["code"] == "appointment_cancelled"
        listed = await api.call("GET", applicant, f"/cases/{booked['case_id']}/appointments")
        assert [item["status"] for item in listed.json()["items"]] == ["cancelled"]


class TestClosedCases:
    async def test_a_closed_case_takes_no_new_or_moved_appointment_but_cancels_one(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        booked = await book(api, officer, case)
        case = await api.read(officer, case["id"])
        await api.change(
            "POST", officer, case, "/actions", {"action": "close", "reason": "Rehoused"}
        )
        refused = await book(api, officer, case, status=409)
        assert refused["error"]["code"] == "transition_not_allowed"
        moved = await change_appointment(
            api,
            officer,
            booked,
            body={"starts_at": "2027-04-01T14:00:00+01:00", "ends_at": "2027-04-01T15:00:00Z"},
            status=409,
        )
        assert moved["error"]["code"] == "transition_not_allowed"
        cancelled = await change_appointment(
            api, officer, booked, "/cancellation", {}, method="POST"
        )
        assert cancelled["status"] == "cancelled"


class TestHistoryAndEvents:
    async def test_each_action_is_in_the_history_and_on_the_broker(
        self, api: CasesApi, stack: Stack
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        async with heard(stack, "cases.appointment.*") as hear:
            booked = await book(api, officer, case)
            moved = await change_appointment(
                api,
                officer,
                booked,
                body={"starts_at": "2027-04-01T14:00:00+01:00", "ends_at": "2027-04-01T15:00:00Z"},
            )
            await change_appointment(api, officer, moved, "/cancellation", {}, method="POST")
            events = await hear(case["id"], 3)
        assert [envelope.type for envelope, _ in events] == [
            "cases.appointment.booked",
            "cases.appointment.changed",
            "cases.appointment.cancelled",
        ]
        for envelope, payload in events:
            assert envelope.subject == case["id"]
            assert envelope.actor == officer.user_id
            assert payload.model_dump()["person_id"] == applicant.user_id
            assert payload.model_dump()["appointment_id"] == booked["id"]
        changed = events[1][1]
        assert isinstance(changed, AppointmentChanged)
        assert changed.starts_at == datetime(2027, 4, 1, 13, 0, tzinfo=UTC)
        assert changed.previous_starts_at == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)

        for reader in (applicant, officer):
            history = await api.call("GET", reader, f"/cases/{case['id']}/history")
            actions = [entry["action"] for entry in history.json()["items"]]
            assert actions[-3:] == [
                "appointment_booked",
                "appointment_moved",
                "appointment_cancelled",
            ]


class TestBadInput:
    async def test_impossible_appointments_are_refused_with_the_error_body(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await referral(api, applicant)
        for changes in (
            {"ends_at": "2027-03-29T09:30:00+01:00"},
            {"starts_at": "2027-03-29T10:00:00", "ends_at": "2027-03-29T11:00:00"},
            {"ends_at": "2027-03-30T11:00:00+01:00"},
            {"starts_at": "0001-01-01T00:00:00+01:00", "ends_at": "0001-01-01T01:00:00+01:00"},
            {"appointment_type": "party"},
            {"how": "carrier pigeon"},
            {"detail": ""},
            {"officer_name": "x" * 500},
            {"person_id": uuid.uuid4().hex},
        ):
            refused = await book(api, officer, case, status=422, **changes)
            assert set(refused["error"]) >= {"code", "message"}, changes
        listed = await api.call("GET", officer, f"/cases/{case['id']}/appointments")
        assert listed.json()["items"] == []

    async def test_unknown_appointments_are_not_found(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        case = await referral(api, applicant)
        for path in (
            f"/cases/{case['id']}/appointments/{uuid.uuid4().hex}",
            f"/cases/{case['id']}/appointments/not-an-id",
            f"/appointments/{uuid.uuid4().hex}.ics",
            "/appointments/..ics",
        ):
            response = await api.call("GET", applicant, path)
            assert response.status_code == 404, (path, response.text)
            assert response.json()["error"]["code"] in ("appointment_not_found", "not_found")
