"""The consumer that schedules, moves and drops reminders as the things they remind of are
booked, moved, done or cancelled."""

from collections.abc import Callable

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from kit import logs
from kit.events.consumer import Subscription
from kit.mongo import Mongo, Session, after_commit
from notifications.reminders.models import SCHEDULED
from notifications.reminders.repository import ReminderRepository
from notifications.reminders.rules import REMINDER_EVENTS, CaseEnded, reminder_change

log = logs.get_logger("notifications.reminders.consumers")

REMINDERS_PURPOSE = "reminders"


def reminders_subscription(
    mongo: Mongo, *, days_before_due: int, on_scheduled: Callable[[], None] = lambda: None
) -> Subscription:
    """Apply each event's change to its thing's reminder, in the consumer's transaction."""
    reminders = ReminderRepository(mongo)

    async def keep(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        change = reminder_change(envelope, payload, days_before=days_before_due)
        if change is None:
            return
        if isinstance(change, CaseEnded):
            ended = await reminders.end_case(
                envelope.authority, change.case_id, at=envelope.occurred_at, session=session
            )
            log.info("reminders of a closed case dropped", extra={"dropped": ended})
            return
        reminder = await reminders.apply(
            envelope.authority, change, at=envelope.occurred_at, session=session
        )
        if reminder is None:
            log.info("reminder unchanged", extra={"event_id": str(envelope.id)})
            return
        log.info(
            "reminder changed",
            extra={
                "reminder_id": reminder["_id"],
                "status": reminder["status"],
                "event_id": str(envelope.id),
            },
        )
        if reminder["status"] == SCHEDULED:
            # One due already (an appointment booked for tomorrow) goes out now, not at the
            # next poll; the sender looks once this transaction has committed.
            after_commit(on_scheduled)

    return Subscription(
        purpose=REMINDERS_PURPOSE,
        bindings=[model.event_type for model in REMINDER_EVENTS],
        handler=keep,
    )
