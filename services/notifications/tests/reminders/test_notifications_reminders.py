"""Reminders: the day before an appointment, before a document or plan action is due, when a
task is overdue; sent once however many senders run, moved or dropped with what they remind
of."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from contracts.envelope import Envelope
from contracts.events.cases import CaseClosed, CaseSubmitted
from contracts.events.casework_meetings import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentChanged,
)
from contracts.events.casework_plans import (
    PlanActionAssigned,
    PlanActionChanged,
    PlanActionEnded,
)
from contracts.events.casework_tasks import TaskAssigned, TaskCompleted, TaskReopened
from contracts.events.documents import DocumentRejected, RequestCreated, RequestFulfilled
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit.mongo import Document, Mongo
from notifications.emails.consumers import EmailQueue
from notifications.emails.models import DELIVERIES
from notifications.emails.rendering import EmailTemplates
from notifications.inbox.consumers import Telling, notices_subscription
from notifications.inbox.models import NOTIFICATION_INDEXES, NOTIFICATIONS
from notifications.reminders.consumers import reminders_subscription
from notifications.reminders.models import REMINDER_INDEXES, REMINDERS
from notifications.reminders.rules import (
    CaseEnded,
    Change,
    Drop,
    Schedule,
    appointment_reminder_at,
    due_soon_at,
    overdue_at,
    reminder_change,
)
from notifications.reminders.sender import EVENT_TYPE, ReminderSender

AUTHORITY = "test-council"
MAIL_FROM = "no-reply@housing-portal.local"
REFERENCE = "7070"
DAYS_BEFORE_DUE = 3

# An appointment at 10am on Tuesday 5 January 2027 (winter: UK time is UTC).
STARTS = datetime(2027, 1, 5, 10, tzinfo=UTC)
REMIND = datetime(2027, 1, 4, 9, tzinfo=UTC)
MINUTE = timedelta(minutes=1)

Handle = Callable[..., Awaitable[Envelope]]
MakeSender = Callable[..., ReminderSender]


@pytest.fixture
async def store(mongo: Mongo) -> Mongo:
    """The test's own notifications store, with the notices' and reminders' indexes too."""
    await mongo.ensure_indexes([*NOTIFICATION_INDEXES, *REMINDER_INDEXES])
    return mongo


@pytest.fixture
def handle(store: Mongo) -> Handle:
    """Run the real consumers' handlers on an event as the consumers do, in a transaction or,
    for a subscription idempotent by itself, write by write: the reminders' and the notices'
    (which keeps the copy of each case's people)."""
    subscriptions = [
        reminders_subscription(store, days_before_due=DAYS_BEFORE_DUE),
        notices_subscription(store, telling=telling(store)),
    ]

    async def run(
        payload: EventPayload,
        *,
        envelope: Envelope | None = None,
        actor: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        envelope = envelope or Envelope.for_event(
            payload, authority=AUTHORITY, actor=actor, occurred_at=occurred_at
        )
        validated, parsed = validate_envelope(envelope.model_dump(mode="json"))
        for subscription in subscriptions:
            if envelope.type not in subscription.bindings:
                continue

            async def work(session: Any, handler: Any = subscription.handler) -> None:
                await handler(validated, parsed, session)

            if subscription.idempotent:
                async with store.client.start_session() as session:
                    await work(session)
            else:
                await store.transaction(work)
        return envelope

    return run


def telling(store: Mongo) -> Telling:
    """The service's way of telling people, on the test's store."""
    emails = EmailQueue(store, templates=EmailTemplates(), mail_from=MAIL_FROM)
    return Telling(store, emails=emails, portal_url="https://portal.example")


@pytest.fixture
def make_sender(store: Mongo, service_tag: str) -> MakeSender:
    """The real reminder sender on the test's store, as each instance of the service runs."""

    def make(*, claim: float = 60.0) -> ReminderSender:
        return ReminderSender(
            store,
            telling=telling(store),
            service=service_tag,
            claim_seconds=claim,
            poll_seconds=1,
        )

    return make


async def send_all(sender: ReminderSender, *, now: datetime) -> int:
    """Let a sender send every reminder due as of `now`; how many it took."""
    taken = 0
    while await sender.send_next(now):
        taken += 1
        # Let another sender running alongside take its turn.
        await asyncio.sleep(0)
    return taken


async def notices_of(store: Mongo, user_id: str) -> list[Document]:
    """The reminders a person was told of in the test's store, oldest first (not the notices
    of the events themselves)."""
    query = {"user_id": user_id, "event_type": EVENT_TYPE}
    return await store.db[NOTIFICATIONS].find(query).sort("created_at", 1).to_list()


async def reminded(handle: Handle, sender: ReminderSender) -> str:
    """Someone with the appointment at STARTS, reminded of it the morning before."""
    who = person()
    await handle(booked(who, STARTS))
    assert await sender.send_next(REMIND + MINUTE) is True
    return who


async def nobody_told(store: Mongo, sender: ReminderSender, who: str, *, at: datetime) -> None:
    """Nothing is due for the sender at `at`, and the person was never reminded."""
    assert await sender.send_next(at) is False
    assert await notices_of(store, who) == []


def counted(service: str, kind: str, outcome: str) -> float:
    """The senders' count of reminders of a kind ended so, in this process."""
    value = REGISTRY.get_sample_value(
        "portal_reminders_total", {"service": service, "kind": kind, "outcome": outcome}
    )
    return value or 0.0


def person() -> str:
    return uuid.uuid4().hex


def uk_morning(day: date, hour: int = 10) -> datetime:
    """A time on a day, UK time (winter: the same as UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def appointment(
    person_id: str, starts_at: datetime, *, appointment_id: str = "appointment-1", **extra: Any
) -> dict[str, Any]:
    return {
        "case_id": "case-1",
        "reference": REFERENCE,
        "person_id": person_id,
        "language": "cy",
        "appointment_id": appointment_id,
        "officer_id": "officer-1",
        "appointment_type": "interview",
        "how": "phone",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "sequence": 0,
        **extra,
    }


def booked(person_id: str, starts_at: datetime, **extra: Any) -> AppointmentBooked:
    return AppointmentBooked.model_validate(appointment(person_id, starts_at, **extra))


def moved(
    person_id: str,
    starts_at: datetime,
    *,
    sequence: int = 1,
    previous: datetime = STARTS,
    **extra: Any,
) -> AppointmentChanged:
    return AppointmentChanged.model_validate(
        appointment(person_id, starts_at, sequence=sequence, previous_starts_at=previous, **extra)
    )


def task(person_id: str, target: date, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": "case-1",
        "reference": REFERENCE,
        "applicant_id": person_id,
        "owner_id": "officer-1",
        "language": "cy",
        "task_id": "task-1",
        "title": "Send your tenancy agreement",
        "assignee_id": person_id,
        "assignee": "applicant",
        "target_date": target,
        **extra,
    }


def task_set(person_id: str, target: date) -> TaskAssigned:
    return TaskAssigned.model_validate({**task(person_id, target), "set_by": "officer-1"})


def case_submitted(applicant_id: str, *, email: str | None = None) -> CaseSubmitted:
    return CaseSubmitted.model_validate(
        {
            "case_id": "case-1",
            "reference": REFERENCE,
            "kind": "homelessness",
            "status": "pending",
            "applicant_id": applicant_id,
            "owner_id": "officer-1",
            "language": "cy",
            "email": email,
            "submitted_at": datetime.now(UTC),
        }
    )


async def reminder(store: Mongo, kind: str, thing_id: str) -> Document:
    found = await store.db[REMINDERS].find_one({"_id": f"{AUTHORITY}:{kind}:case-1:{thing_id}"})
    assert found is not None
    return found


class TestWhenPeopleAreReminded:
    """The timing rules, as plain functions of the event."""

    def test_the_morning_before_an_appointment(self) -> None:
        assert appointment_reminder_at(STARTS) == REMIND
        # Summer: 9am British Summer Time is 8am UTC.
        summer = datetime(2027, 7, 15, 13, tzinfo=UTC)
        assert appointment_reminder_at(summer) == datetime(2027, 7, 14, 8, tzinfo=UTC)
        # Half past midnight UK time on 1 July is still 30 June in UTC: the UK day counts.
        after_midnight = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)
        assert appointment_reminder_at(after_midnight) == datetime(2027, 6, 30, 8, tzinfo=UTC)

    def test_days_before_due_and_the_morning_after_a_target(self) -> None:
        assert due_soon_at(date(2027, 1, 10), days_before=3) == datetime(2027, 1, 7, 9, tzinfo=UTC)
        assert overdue_at(date(2027, 1, 31)) == datetime(2027, 2, 1, 9, tzinfo=UTC)

    def test_each_event_schedules_or_drops_its_reminder(self) -> None:
        who = person()

        def change(payload: Any) -> Change | CaseEnded | None:
            envelope = Envelope.for_event(payload, authority=AUTHORITY)
            return reminder_change(envelope, payload, days_before=3)

        scheduled = change(booked(who, STARTS))
        assert isinstance(scheduled, Schedule)
        assert (scheduled.remind_at, scheduled.send_by, scheduled.user_id) == (REMIND, STARTS, who)
        assert scheduled.link == f"/{AUTHORITY}/appointments"
        cancelled = change(AppointmentCancelled.model_validate(appointment(who, STARTS)))
        assert isinstance(cancelled, Drop)
        assert cancelled.thing == scheduled.thing
        overdue = change(task_set(who, date(2027, 1, 31)))
        assert isinstance(overdue, Schedule)
        assert overdue.remind_at == datetime(2027, 2, 1, 9, tzinfo=UTC)
        done = TaskCompleted.model_validate({**task(who, date(2027, 1, 31)), "completed_by": who})
        assert change(done) == Drop(overdue.thing, because="done")
        action = change(plan_action(who, date(2027, 1, 10)))
        assert isinstance(action, Schedule)
        assert action.remind_at == datetime(2027, 1, 7, 9, tzinfo=UTC)
        asked = change(document_request(date(2027, 1, 10)))
        assert isinstance(asked, Schedule)
        assert (asked.remind_at, asked.user_id) == (datetime(2027, 1, 7, 9, tzinfo=UTC), None)
        assert change(RequestCreated(**{**request_facts(), "requested_by": "officer-1"})) is None
        fulfilled = RequestFulfilled(**request_facts(), document_id="document-1")
        assert change(fulfilled) == Drop(asked.thing, because="done")


def plan_action(person_id: str, target: date) -> PlanActionAssigned:
    return PlanActionAssigned(
        case_id="case-1",
        reference=REFERENCE,
        person_id=person_id,
        language="cy",
        plan_id="plan-1",
        issue_number=1,
        action_id="action-1",
        category="financial",
        required=True,
        target_date=target,
        review_date=target,
    )


def plan_action_changed(
    person_id: str, target: date, *, reopened: bool = False, issue_number: int = 2
) -> PlanActionChanged:
    return PlanActionChanged(
        **plan_action(person_id, target).model_dump(exclude={"issue_number"}),
        issue_number=issue_number,
        reopened=reopened,
    )


def plan_action_ended(person_id: str) -> PlanActionEnded:
    facts = plan_action(person_id, date(2027, 1, 10)).model_dump(
        include={"case_id", "reference", "person_id", "language", "plan_id", "action_id"}
    )
    return PlanActionEnded(**facts, issue_number=1, how="complete")


def request_facts() -> dict[str, Any]:
    return {"request_id": "request-1", "case_id": "case-1", "classification": "proof_of_income"}


def document_request(due_on: date) -> RequestCreated:
    return RequestCreated(**request_facts(), due_on=due_on, requested_by="officer-1")


async def asked_and_sent(handle: Handle) -> str:
    """A case's applicant asked for a document due on 10 January 2027, and one sent for it."""
    who = person()
    await handle(case_submitted(who))
    await handle(document_request(date(2027, 1, 10)))
    await handle(RequestFulfilled(**request_facts(), document_id="document-1"))
    return who


class TestAppointmentReminders:
    """The real consumer's handler and senders on the real store, at chosen moments."""

    async def test_two_senders_remind_of_each_appointment_once(
        self, store: Mongo, handle: Handle, make_sender: MakeSender, service_tag: str
    ) -> None:
        people = [person() for _ in range(12)]
        for index, who in enumerate(people):
            await handle(booked(who, STARTS, appointment_id=f"appointment-{index}"))
        first, second = make_sender(), make_sender()
        # Not before the morning before.
        assert await first.send_next(REMIND - MINUTE) is False
        taken = await asyncio.gather(
            send_all(first, now=REMIND + MINUTE), send_all(second, now=REMIND + MINUTE)
        )
        assert sum(taken) == len(people)
        assert counted(service_tag, "appointment_reminder", "sent") == len(people)
        for who in people:
            [notice] = await notices_of(store, who)
            assert notice["kind"] == "appointment_reminder"
            assert notice["activity"] == (
                "Nodyn atgoffa: mae gennych apwyntiad am 10yb ar 5 Ionawr 2027 "
                f"ar achos {REFERENCE}"
            )
            assert notice["link"] == f"/{AUTHORITY}/appointments"
            assert notice["audience"] == "applicant"
        # Nothing is left to send, however often they look.
        assert await first.send_next(REMIND + timedelta(days=1)) is False

    async def test_a_cancelled_appointment_is_not_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(booked(who, STARTS))
        await handle(AppointmentCancelled.model_validate(appointment(who, STARTS)))
        await nobody_told(store, make_sender(), who, at=REMIND + MINUTE)
        dropped = await reminder(store, "appointment_reminder", "appointment-1")
        assert (dropped["status"], dropped["dropped_because"]) == ("dropped", "cancelled")
        # Ended: forgotten in time.
        assert dropped["ended_at"] is not None

    async def test_a_cancellation_heard_first_is_not_undone_by_the_booking(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        booked_at = datetime.now(UTC)
        cancelled = AppointmentCancelled.model_validate(appointment(who, STARTS))
        await handle(cancelled, occurred_at=booked_at + timedelta(seconds=5))
        await handle(booked(who, STARTS), occurred_at=booked_at)
        await nobody_told(store, make_sender(), who, at=REMIND + MINUTE)

    async def test_a_moved_appointment_is_reminded_of_at_its_new_time(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        sender = make_sender()
        await handle(booked(who, STARTS))
        await handle(moved(who, STARTS + timedelta(days=7)))
        assert await sender.send_next(REMIND + MINUTE) is False
        assert await sender.send_next(REMIND + timedelta(days=7) + MINUTE) is True
        [notice] = await notices_of(store, who)
        assert "12 Ionawr 2027" in notice["activity"]

    async def test_moved_after_the_reminder_reminds_again_once(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        sender = make_sender()
        who = await reminded(handle, sender)
        two_days_later = moved(who, STARTS + timedelta(days=2))
        envelope = await handle(two_days_later)
        # The same event again, as a broker may deliver it: nothing new.
        await handle(two_days_later, envelope=envelope)
        again = await reminder(store, "appointment_reminder", "appointment-1")
        assert (again["status"], "ended_at" in again) == ("scheduled", False)
        assert await send_all(sender, now=REMIND + timedelta(days=2) + MINUTE) == 1
        assert [n["kind"] for n in await notices_of(store, who)] == ["appointment_reminder"] * 2
        assert (await reminder(store, "appointment_reminder", "appointment-1"))["round"] == 2

    async def test_a_time_changed_after_the_reminder_is_reminded_of_at_once(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        sender = make_sender()
        who = await reminded(handle, sender)
        afternoon = STARTS + timedelta(hours=4)
        await handle(moved(who, afternoon))
        assert await send_all(sender, now=REMIND + 2 * MINUTE) == 1
        told = [n["activity"] for n in await notices_of(store, who)]
        assert "am 2yh ar 5 Ionawr 2027" in told[-1]
        # Only its kind of appointment changed: nobody is told again.
        await handle(moved(who, afternoon, sequence=2, previous=afternoon, how="video"))
        assert await send_all(sender, now=REMIND + 3 * MINUTE) == 0
        assert len(await notices_of(store, who)) == 2

    async def test_the_same_booking_twice_reminds_once(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        sender = make_sender()
        envelope = await handle(booked(who, STARTS))
        await handle(booked(who, STARTS), envelope=envelope)
        assert await send_all(sender, now=REMIND + MINUTE) == 1
        # Heard again after it was sent: still nothing new.
        await handle(booked(who, STARTS), envelope=envelope)
        assert await send_all(sender, now=REMIND + timedelta(hours=2)) == 0
        assert len(await notices_of(store, who)) == 1

    async def test_not_once_the_appointment_has_started(
        self, store: Mongo, handle: Handle, make_sender: MakeSender, service_tag: str
    ) -> None:
        who = person()
        await handle(booked(who, STARTS))
        assert await make_sender().send_next(STARTS + MINUTE) is True
        assert await notices_of(store, who) == []
        late = await reminder(store, "appointment_reminder", "appointment-1")
        assert (late["status"], late["dropped_because"]) == ("dropped", "too_late")
        assert counted(service_tag, "appointment_reminder", "dropped") == 1

    async def test_a_claim_left_by_a_dead_sender_is_sent_once_after_it_lapses(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(booked(who, STARTS))
        dead, alive = make_sender(claim=3600), make_sender(claim=3600)
        # A sender claims it and dies before telling anyone.
        held = await dead.reminders.claim(
            token="dead", now=REMIND + MINUTE, hold_for=dead.claim_for
        )
        assert held is not None
        assert await alive.send_next(REMIND + 2 * MINUTE) is False
        assert await notices_of(store, who) == []
        assert await alive.send_next(REMIND + 62 * MINUTE) is True
        assert len(await notices_of(store, who)) == 1

        # The dead sender's late outcome is refused: its claim is gone.
        async def late(session: Any) -> bool:
            return await dead.reminders.mark_sent(
                held, token="dead", now=REMIND + 63 * MINUTE, session=session
            )

        assert await store.transaction(late) is False
        assert await alive.send_next(REMIND + timedelta(days=1)) is False
        assert len(await notices_of(store, who)) == 1


class TestTheStoreReadsOnlyDueReminders:
    async def test_the_claim_reads_the_due_ones_by_index(
        self, store: Mongo, handle: Handle
    ) -> None:
        for index in range(6):
            # One due the morning before 5 January, five on later days.
            starts = STARTS + timedelta(days=index)
            await handle(booked(person(), starts, appointment_id=f"appointment-{index}"))
        explained = await store.db.command(
            "explain",
            {
                "find": REMINDERS,
                "filter": {"status": "scheduled", "due_at": {"$lte": REMIND + MINUTE}},
                "sort": {"due_at": 1},
                "limit": 1,
            },
            verbosity="executionStats",
        )
        stage = explained["queryPlanner"]["winningPlan"]
        while "indexName" not in stage and "inputStage" in stage:
            stage = stage["inputStage"]
        assert stage["indexName"] == "by_status_due"
        assert explained["executionStats"]["totalDocsExamined"] == 1


class TestClosedCases:
    async def test_nothing_on_a_closed_case_is_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(booked(who, STARTS))
        await handle(task_set(who, date(2027, 1, 31)))
        closed = CaseClosed(
            **case_submitted(who).model_dump(exclude={"submitted_at", "status"}),
            status="closed",
            closed_at=datetime.now(UTC),
        )
        await handle(closed, actor="officer-1")
        await nobody_told(store, make_sender(), who, at=datetime(2027, 2, 2, tzinfo=UTC))
        for kind, thing in (("appointment_reminder", "appointment-1"), ("task_overdue", "task-1")):
            ended = await reminder(store, kind, thing)
            assert (ended["status"], ended["dropped_because"]) == ("dropped", "case_closed")


class TestDueDates:
    """Tasks, plan actions and document requests."""

    async def test_an_open_task_is_overdue_the_morning_after_its_target(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        sender = make_sender()
        await handle(task_set(who, date(2027, 1, 31)))
        assert await sender.send_next(datetime(2027, 2, 1, 8, 59, tzinfo=UTC)) is False
        assert await sender.send_next(datetime(2027, 2, 1, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        assert notice["kind"] == "task_overdue"
        assert notice["activity"] == (
            f"Roedd tasg ar achos {REFERENCE} i fod i gael ei gwneud erbyn 31 Ionawr 2027 "
            "ac mae bellach yn hwyr"
        )
        assert notice["link"] == f"/{AUTHORITY}/tasks"

    async def test_the_cases_owner_is_told_of_an_applicants_task_gone_overdue(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who, owner = person(), person()
        await handle(case_submitted(who).model_copy(update={"owner_id": owner}))
        await handle(task_set(who, date(2027, 1, 31)))
        assert await make_sender().send_next(datetime(2027, 2, 1, 9, 1, tzinfo=UTC)) is True
        [told] = await notices_of(store, owner)
        assert (told["kind"], told["audience"], told["language"]) == (
            "task_overdue",
            "staff",
            "en",
        )
        assert told["activity"] == (
            f"A task set for the applicant on case {REFERENCE} was due by 31 January 2027 "
            "and is now overdue"
        )
        # Kept in Welsh too, for an officer who reads the portal in Welsh.
        assert told["activities"] == {
            "en": told["activity"],
            "cy": f"Roedd tasg a osodwyd i'r ymgeisydd ar achos {REFERENCE} i fod i gael ei "
            "gwneud erbyn 31 Ionawr 2027 ac mae bellach yn hwyr",
        }
        assert told["link"] == f"/{AUTHORITY}/caseload/case-1/tasks"
        assert "Send your tenancy agreement" not in told["activity"]
        [applicants] = await notices_of(store, who)
        assert applicants["audience"] == "applicant"
        # Officers are told in the portal only.
        assert await store.db[DELIVERIES].count_documents({"user_id": owner}) == 0

    async def test_the_owner_is_not_told_of_a_landlords_task_or_one_done(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who, owner, landlord = person(), person(), person()
        await handle(case_submitted(who).model_copy(update={"owner_id": owner}))
        await handle(
            TaskAssigned.model_validate(
                {
                    **task(who, date(2027, 1, 31), task_id="task-2"),
                    "assignee_id": landlord,
                    "assignee": "landlord",
                    "set_by": "officer-1",
                }
            )
        )
        await handle(task_set(who, date(2027, 1, 31)))
        await handle(
            TaskCompleted.model_validate({**task(who, date(2027, 1, 31)), "completed_by": who})
        )
        sender = make_sender()
        assert await send_all(sender, now=datetime(2027, 2, 1, 9, 1, tzinfo=UTC)) == 1
        assert len(await notices_of(store, landlord)) == 1
        assert await notices_of(store, owner) == []

    async def test_a_completed_task_is_never_overdue(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        target = date(2027, 1, 31)
        await handle(task_set(who, target))
        await handle(TaskCompleted.model_validate({**task(who, target), "completed_by": who}))
        await nobody_told(store, make_sender(), who, at=datetime(2027, 2, 2, tzinfo=UTC))

    async def test_a_landlords_task_set_again_is_overdue_at_its_new_target(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        sender = make_sender()
        facts = {"assignee": "landlord"}
        await handle(
            TaskAssigned.model_validate({**task(who, date(2027, 1, 31), **facts), "set_by": "o"})
        )
        reopened = TaskReopened.model_validate(
            {**task(who, date(2027, 3, 1), **facts), "reopened_by": "officer-1"}
        )
        await handle(reopened)
        assert await sender.send_next(datetime(2027, 2, 2, tzinfo=UTC)) is False
        assert await sender.send_next(datetime(2027, 3, 2, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        # Landlords' users read English.
        assert notice["activity"] == (
            f"A task on case {REFERENCE} was due by 1 March 2027 and is now overdue"
        )
        assert notice["audience"] == "landlord"

    async def test_a_task_set_already_late_is_not_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(task_set(who, date.today() - timedelta(days=3)))
        assert await make_sender().send_next(datetime.now(UTC) + MINUTE) is False
        assert (await reminder(store, "task_overdue", "task-1"))["status"] == "dropped"

    async def test_a_plan_action_due_soon(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 10)))
        assert await make_sender().send_next(datetime(2027, 1, 7, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        assert notice["kind"] == "plan_action_due_soon"
        assert notice["link"] == f"/{AUTHORITY}/plans/case-1/actions/action-1"
        assert "10 Ionawr 2027" in notice["activity"]

    async def test_a_plan_action_completed_or_removed_is_not_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 10)))
        facts = plan_action(who, date(2027, 1, 10)).model_dump(
            include={"case_id", "reference", "person_id", "language", "plan_id", "action_id"}
        )
        await handle(PlanActionEnded(**facts, issue_number=1, how="complete"))
        await nobody_told(store, make_sender(), who, at=datetime(2027, 1, 7, 9, 1, tzinfo=UTC))
        assert (await reminder(store, "plan_action_due_soon", "action-1"))["dropped_because"] == (
            "done"
        )

    async def test_a_plan_action_due_later_is_reminded_of_at_its_new_date(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 10)))
        await handle(plan_action_changed(who, date(2027, 1, 20)))
        # Not at the old date's time, but at the new one's, once.
        await nobody_told(store, make_sender(), who, at=datetime(2027, 1, 7, 9, 1, tzinfo=UTC))
        sender = make_sender()
        assert await send_all(sender, now=datetime(2027, 1, 17, 9, 1, tzinfo=UTC)) == 1
        [notice] = await notices_of(store, who)
        assert notice["kind"] == "plan_action_due_soon"
        assert "20 Ionawr 2027" in notice["activity"]

    async def test_a_plan_action_due_sooner_is_reminded_of_at_its_new_date(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 20)))
        await handle(plan_action_changed(who, date(2027, 1, 10)))
        assert await make_sender().send_next(datetime(2027, 1, 7, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        assert "10 Ionawr 2027" in notice["activity"]

    async def test_a_plan_action_open_again_is_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 10)))
        await handle(plan_action_ended(who))
        await handle(plan_action_changed(who, date(2027, 1, 20), reopened=True))
        assert (await reminder(store, "plan_action_due_soon", "action-1"))["status"] == (
            "scheduled"
        )
        assert await make_sender().send_next(datetime(2027, 1, 17, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        assert "20 Ionawr 2027" in notice["activity"]

    async def test_a_change_heard_after_a_newer_end_does_not_open_it_again(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        at = datetime.now(UTC)
        await handle(plan_action(who, date(2027, 1, 10)), occurred_at=at)
        await handle(plan_action_ended(who), occurred_at=at + 2 * MINUTE)
        await handle(plan_action_changed(who, date(2027, 1, 20)), occurred_at=at + MINUTE)
        await nobody_told(store, make_sender(), who, at=datetime(2027, 1, 17, 9, 1, tzinfo=UTC))
        assert (await reminder(store, "plan_action_due_soon", "action-1"))["dropped_because"] == (
            "done"
        )

    async def test_a_plan_action_told_of_is_reminded_again_at_its_new_date(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        await handle(plan_action(who, date(2027, 1, 10)))
        assert await make_sender().send_next(datetime(2027, 1, 7, 9, 1, tzinfo=UTC)) is True
        await handle(plan_action_changed(who, date(2027, 2, 10)))
        assert await make_sender().send_next(datetime(2027, 2, 7, 9, 1, tzinfo=UTC)) is True
        assert ["10 Ionawr 2027" in n["activity"] for n in await notices_of(store, who)] == [
            True,
            False,
        ]

    async def test_a_document_due_soon_tells_the_applicant_and_emails_them(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = person()
        address = f"applicant-{who[:8]}@example.org"
        await handle(case_submitted(who, email=address))
        await handle(document_request(date(2027, 1, 10)))
        assert await make_sender().send_next(datetime(2027, 1, 7, 9, 1, tzinfo=UTC)) is True
        [notice] = await notices_of(store, who)
        assert notice["kind"] == "document_due_soon"
        assert notice["activity"] == (
            "Nodyn atgoffa: mae angen y ddogfen y gofynnon ni amdani ar achos "
            f"{REFERENCE} erbyn 10 Ionawr 2027"
        )
        [email] = (
            await store.db[DELIVERIES].find({"to": address, "event_type": EVENT_TYPE}).to_list()
        )
        assert email["template"] == "case_news"
        assert email["language"] == "cy"
        assert email["subject"].endswith(": Nodyn atgoffa: mae angen dogfen cyn bo hir")

    async def test_a_document_sent_is_not_reminded_of(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = await asked_and_sent(handle)
        await nobody_told(store, make_sender(), who, at=datetime(2027, 1, 7, 9, 1, tzinfo=UTC))

    async def test_a_document_rejected_is_reminded_of_again_at_its_time(
        self, store: Mongo, handle: Handle, make_sender: MakeSender
    ) -> None:
        who = await asked_and_sent(handle)
        rejected = DocumentRejected(
            document_id="document-1",
            case_id="case-1",
            classification="proof_of_income",
            sensitive=False,
            request_id="request-1",
            reason="The statement is cut off",
        )
        # A fulfilment older than the rejection, heard after it, does not end it again.
        at = datetime.now(UTC)
        await handle(rejected, occurred_at=at, actor="officer-1")
        await handle(
            RequestFulfilled(**request_facts(), document_id="document-2"),
            occurred_at=at - timedelta(seconds=1),
        )
        sender = make_sender()
        assert await sender.send_next(datetime(2027, 1, 7, 8, 59, tzinfo=UTC)) is False
        assert await send_all(sender, now=datetime(2027, 1, 7, 9, 1, tzinfo=UTC)) == 1
        [notice] = await notices_of(store, who)
        assert notice["kind"] == "document_due_soon"
