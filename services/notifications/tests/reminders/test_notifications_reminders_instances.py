"""Over the running stack, with a second instance of the notifications service beside the
first: an appointment booked for tomorrow is reminded of once, and a cancelled one never."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tests.support.cases import Caller, CasesApi
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.casework_meetings import AppointmentBooked, AppointmentCancelled
from kit.mongo import Document, Mongo
from notifications.inbox.models import NOTIFICATIONS
from notifications.reminders.models import REMINDERS
from portalstack.processes import free_port
from portalstack.services import service_env
from portalstack.settings import StackSettings

Publish = Callable[..., Awaitable[Envelope]]

API = "/watford/api/notifications"
REFERENCE = "8080"


@pytest.fixture
async def second_instance(tmp_path: Path) -> AsyncIterator[str]:
    """Another instance of the notifications service, as the stack starts its own: the same
    store and broker, its own port; stopped after the test."""
    settings = StackSettings.from_env()
    port = free_port()
    # Its metrics go where the first instance's do, as another worker's would: other tests
    # that count what the service consumed count what either instance did.
    env = service_env(settings, "notifications")
    # Whatever it holds when it is stopped (an email, a reminder) lapses soon after, so the
    # first instance sends it while other tests still wait for it.
    env |= {
        "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "2",
        "NOTIFICATIONS_EMAIL_CLAIM_SECONDS": "4",
        "NOTIFICATIONS_REMINDER_CLAIM_SECONDS": "4",
    }
    with (tmp_path / "notifications.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            settings.tool("gunicorn"),
            "notifications.main:app",
            "-k",
            "kit.server.Worker",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            env=env,
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:

        async def ready() -> bool:
            try:
                async with httpx.AsyncClient(base_url=url) as client:
                    return (await client.get("/readyz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, within=30, what="a second notifications instance ready")
        yield url
    finally:
        process.terminate()
        await process.wait()


def appointment(person: Caller, starts_at: datetime) -> dict[str, object]:
    return {
        "case_id": uuid.uuid4().hex,
        "reference": REFERENCE,
        "person_id": person.user_id,
        "language": "en",
        "appointment_id": uuid.uuid4().hex,
        "officer_id": "officer-1",
        "appointment_type": "interview",
        "how": "in_person",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "sequence": 0,
    }


async def ended(service_mongo: Mongo, booking: dict[str, object]) -> Document:
    """The running service's reminder of an appointment, once it was sent or dropped."""

    async def done() -> Document | None:
        return await service_mongo.db[REMINDERS].find_one(
            {
                "_id": f"watford:appointment_reminder:{booking['case_id']}:"
                f"{booking['appointment_id']}",
                "status": {"$in": ["sent", "dropped"]},
            }
        )

    found: Document = await eventually(done, within=20, what="the reminder sent or dropped")
    return found


class TestOverTheBroker:
    """Events published as the cases service publishes them reach the running service; with
    a second instance, both consume them and both run a reminder sender."""

    async def test_an_appointment_tomorrow_is_reminded_of_once(
        self,
        second_instance: str,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
    ) -> None:
        people = [await cases_api.person("applicant") for _ in range(6)]
        # Fourteen hours on: tomorrow (UK time) whenever it is past 10am, so the morning
        # before has passed at any hour, and each reminder is due as it is booked.
        tomorrow = datetime.now(UTC) + timedelta(hours=14)
        bookings = [appointment(person, tomorrow) for person in people]
        for booking in bookings:
            await publish(AppointmentBooked.model_validate(booking), actor="officer-1")
        for person, booking in zip(people, bookings, strict=True):
            assert (await ended(service_mongo, booking))["status"] == "sent"
            told = await service_mongo.db[NOTIFICATIONS].count_documents(
                {"user_id": person.user_id, "kind": "appointment_reminder"}
            )
            assert told == 1
        response = await gateway.get(f"{API}/notifications", headers=people[0].headers)
        assert response.status_code == 200, response.text
        [reminder] = [n for n in response.json()["items"] if n["kind"] == "appointment_reminder"]
        assert reminder["activity"].startswith("Reminder: you have an appointment at ")
        assert reminder["activity"].endswith(f"on case {REFERENCE}")
        assert reminder["link"] == "/watford/appointments"

    async def test_a_cancelled_appointment_is_not_reminded_of(
        self,
        cases_api: CasesApi,
        publish: Publish,
        service_mongo: Mongo,
    ) -> None:
        person = await cases_api.person("applicant")
        # Far enough ahead that the reminder waits, so the cancellation comes first.
        booking = appointment(person, datetime.now(UTC) + timedelta(days=5))
        await publish(AppointmentBooked.model_validate(booking), actor="officer-1")
        await publish(AppointmentCancelled.model_validate(booking), actor="officer-1")
        reminder = await ended(service_mongo, booking)
        assert (reminder["status"], reminder["dropped_because"]) == ("dropped", "cancelled")
        told = await service_mongo.db[NOTIFICATIONS].count_documents(
            {"user_id": person.user_id, "kind": "appointment_reminder"}
        )
        assert told == 0
