"""When people are reminded of what, and which events schedule, move or drop a reminder.

The day before an appointment, in the morning; a few days before a document asked for or a
plan action is due; the morning after a task's target date, if it is still open. Each rule is
a plain function of the event, so the timing is tested without waiting for it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

from contracts.envelope import Envelope
from contracts.events.cases import CaseClosed
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
from contracts.events.casework_tasks import (
    TaskAssigned,
    TaskCompleted,
    TaskReopened,
    TaskUnableToComplete,
)
from contracts.events.documents import (
    DocumentRejected,
    DocumentWithdrawn,
    RequestCreated,
    RequestFulfilled,
)
from contracts.fields import Language
from contracts.payload import EventPayload
from notifications.emails.rendering import UK_TIME
from notifications.inbox.notice import Audience, NoticeKind

# People are reminded in the morning, UK time.
MORNING = time(9)

# Every event that schedules, moves or drops a reminder.
REMINDER_EVENTS: tuple[type[EventPayload], ...] = (
    CaseClosed,
    AppointmentBooked,
    AppointmentChanged,
    AppointmentCancelled,
    TaskAssigned,
    TaskReopened,
    TaskCompleted,
    TaskUnableToComplete,
    PlanActionAssigned,
    PlanActionChanged,
    PlanActionEnded,
    RequestCreated,
    RequestFulfilled,
    DocumentRejected,
    DocumentWithdrawn,
)


def morning_of(day: date) -> datetime:
    """9am UK time on a day, in UTC."""
    return datetime.combine(day, MORNING, tzinfo=UK_TIME).astimezone(UTC)


def appointment_reminder_at(starts_at: datetime) -> datetime:
    """The morning of the day before an appointment (UK days). An appointment booked after
    that moment is reminded of at once, while it has not started."""
    day = starts_at.astimezone(UK_TIME).date()
    return morning_of(day - timedelta(days=1))


def due_soon_at(target: date, *, days_before: int) -> datetime:
    """The morning a few days before something is due."""
    return morning_of(target - timedelta(days=days_before))


def overdue_at(target: date) -> datetime:
    """The morning after a task's target date: it is overdue from then."""
    return morning_of(target + timedelta(days=1))


@dataclass(frozen=True)
class Thing:
    """What a reminder is about: one appointment, task, plan action or document request."""

    kind: NoticeKind
    case_id: str
    thing_id: str


@dataclass(frozen=True)
class Schedule:
    """Remind a person of a thing at a time, replacing any earlier reminder of it."""

    thing: Thing
    remind_at: datetime
    # Too late to tell them after this (an appointment's start); None: never too late.
    send_by: datetime | None
    # None: the case's applicant, as the case's events name them when it is sent.
    user_id: str | None
    audience: Audience
    language: Language | None
    reference: str | None
    link: str
    # When the thing is: an appointment's start, or a target date (ISO).
    about: str
    # Whether a time already past when the event happened still tells the person at once.
    late_is_useful: bool


@dataclass(frozen=True)
class Drop:
    """The thing was cancelled or done: nobody needs reminding of it."""

    thing: Thing
    because: str


@dataclass(frozen=True)
class Reopen:
    """What was done is open again (a document sent for a request was rejected or withdrawn):
    the reminder it ended is due again at its time, if that is still to come."""

    thing: Thing


@dataclass(frozen=True)
class CaseEnded:
    """The case was closed or cancelled: nobody is reminded of anything on it any more."""

    case_id: str


Change = Schedule | Drop | Reopen


def _page(envelope: Envelope, *parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in (envelope.authority, *parts))


def _appointment(envelope: Envelope, payload: EventPayload) -> Change | None:
    if isinstance(payload, AppointmentCancelled):
        thing = Thing("appointment_reminder", payload.case_id, payload.appointment_id)
        return Drop(thing, because="cancelled")
    if not isinstance(payload, AppointmentBooked | AppointmentChanged):
        return None
    return Schedule(
        Thing("appointment_reminder", payload.case_id, payload.appointment_id),
        remind_at=appointment_reminder_at(payload.starts_at),
        send_by=payload.starts_at,
        user_id=payload.person_id,
        audience="applicant",
        language=payload.language,
        reference=payload.reference,
        link=_page(envelope, "appointments"),
        about=payload.starts_at.astimezone(UTC).isoformat(),
        late_is_useful=True,
    )


def _task(envelope: Envelope, payload: EventPayload) -> Change | None:
    if not isinstance(payload, TaskAssigned | TaskReopened | TaskCompleted | TaskUnableToComplete):
        return None
    thing = Thing("task_overdue", payload.case_id, payload.task_id)
    if isinstance(payload, TaskCompleted):
        return Drop(thing, because="done")
    if isinstance(payload, TaskUnableToComplete):
        # The caseworker reviews it now; setting it again schedules a new reminder.
        return Drop(thing, because="cancelled")
    return Schedule(
        thing,
        remind_at=overdue_at(payload.target_date),
        send_by=None,
        user_id=payload.assignee_id,
        audience="applicant" if payload.assignee == "applicant" else "landlord",
        language=payload.language,
        reference=payload.reference,
        link=_page(envelope, "tasks"),
        about=payload.target_date.isoformat(),
        # A task set when it is already late: its own notice says so.
        late_is_useful=False,
    )


def _plan_action(envelope: Envelope, payload: EventPayload, days_before: int) -> Change | None:
    if isinstance(payload, PlanActionEnded):
        thing = Thing("plan_action_due_soon", payload.case_id, payload.action_id)
        return Drop(thing, because="done" if payload.how == "complete" else "cancelled")
    if not isinstance(payload, PlanActionAssigned | PlanActionChanged):
        # A changed action is reminded of at its new date, and one open again once more.
        return None
    return Schedule(
        Thing("plan_action_due_soon", payload.case_id, payload.action_id),
        remind_at=due_soon_at(payload.target_date, days_before=days_before),
        send_by=morning_of(payload.target_date + timedelta(days=1)),
        user_id=payload.person_id,
        audience="applicant",
        language=payload.language,
        reference=payload.reference,
        link=_page(envelope, "plans", payload.case_id, "actions", payload.action_id),
        about=payload.target_date.isoformat(),
        late_is_useful=False,
    )


def _document_request(envelope: Envelope, payload: EventPayload, days_before: int) -> Change | None:
    if isinstance(payload, DocumentRejected | DocumentWithdrawn) and payload.request_id:
        return Reopen(Thing("document_due_soon", payload.case_id, payload.request_id))
    if isinstance(payload, RequestFulfilled):
        return Drop(Thing("document_due_soon", payload.case_id, payload.request_id), because="done")
    if not isinstance(payload, RequestCreated) or payload.due_on is None:
        return None
    # Document events name only the case: its applicant, language and reference are the
    # case's, as known when the reminder is sent.
    return Schedule(
        Thing("document_due_soon", payload.case_id, payload.request_id),
        remind_at=due_soon_at(payload.due_on, days_before=days_before),
        send_by=morning_of(payload.due_on + timedelta(days=1)),
        user_id=None,
        audience="applicant",
        language=None,
        reference=None,
        link=_page(envelope, "applications", payload.case_id, "documents"),
        about=payload.due_on.isoformat(),
        late_is_useful=False,
    )


def reminder_change(
    envelope: Envelope, payload: EventPayload, *, days_before: int
) -> Change | CaseEnded | None:
    """What an event does to reminders: schedule or move one, drop or reopen one, end every
    one of a case, or nothing."""
    if isinstance(payload, CaseClosed):
        return CaseEnded(payload.case_id)
    return (
        _appointment(envelope, payload)
        or _task(envelope, payload)
        or _plan_action(envelope, payload, days_before)
        or _document_request(envelope, payload, days_before)
    )
