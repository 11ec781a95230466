"""The reminder sender: claims due reminders and tells their people, once.

Every worker of every instance runs one. A reminder is claimed with one atomic update, and
its notice and email are written in one transaction with the update that ends it, fenced by
the claim: two senders never tell one reminder, a sender whose claim lapsed or whose reminder
was dropped meanwhile writes nothing, and a claim left by a sender that died is taken again
once it lapses.
"""

import asyncio
import functools
import uuid
from datetime import UTC, datetime, timedelta

from kit import logs
from kit.loops import keep_working
from kit.mongo import Document, Mongo, Session
from notifications.inbox.consumers import Telling, emailed_at_the_cases_address
from notifications.inbox.documents import CaseCopies
from notifications.reminders.metrics import REMINDERS_ENDED
from notifications.reminders.notices import reminder_notices
from notifications.reminders.repository import ReminderRepository

log = logs.get_logger("notifications.reminders.sender")

EVENT_TYPE = "notifications.reminder.due"
# Claims of one round before it is given up: a reminder that fails this often is broken.
MAX_ATTEMPTS = 5


def round_id(reminder: Document) -> str:
    """What a reminder's notice and email are recorded against: one per round, so a moved
    appointment is reminded of again and one round never twice."""
    return f"reminder:{reminder['_id']}:{reminder['round']}"


class ReminderSender:
    """Sends due reminders until cancelled."""

    def __init__(
        self,
        mongo: Mongo,
        *,
        telling: Telling,
        service: str,
        claim_seconds: float,
        poll_seconds: float,
    ) -> None:
        self.mongo = mongo
        self.service = service
        self.reminders = ReminderRepository(mongo)
        self.copies = CaseCopies(mongo)
        self.telling = telling
        self.claim_for = timedelta(seconds=claim_seconds)
        self.poll_seconds = poll_seconds
        self._due = asyncio.Event()

    def wake(self) -> None:
        """Say a reminder may be due now, so an idle sender looks before its next poll."""
        self._due.set()

    async def run(self) -> None:
        """Send until cancelled; survive store outages."""

        async def step() -> bool:
            return await self.send_next(datetime.now(UTC))

        await keep_working(
            step, name="reminder sender", wake=self._due, poll_seconds=self.poll_seconds
        )

    async def send_next(self, now: datetime) -> bool:
        """Claim the reminder due first as of `now` and tell its person; False if none was."""
        token = uuid.uuid4().hex
        reminder = await self.reminders.claim(token=token, now=now, hold_for=self.claim_for)
        if reminder is None:
            return False
        if int(reminder["attempts"]) > MAX_ATTEMPTS:
            if await self.reminders.mark_dropped(reminder, token=token, because="failed", now=now):
                self._count(reminder, "dropped")
                log.error("reminder given up", extra=self._facts(reminder))
            return True
        outcome = await self.mongo.transaction(
            functools.partial(self._tell, reminder=reminder, token=token, now=now)
        )
        if outcome is not None:
            self._count(reminder, outcome)
        log.info(f"reminder {outcome or 'no longer ours'}", extra=self._facts(reminder))
        return True

    def _count(self, reminder: Document, outcome: str) -> None:
        REMINDERS_ENDED.labels(self.service, str(reminder["kind"]), outcome).inc()

    async def _tell(
        self, session: Session, *, reminder: Document, token: str, now: datetime
    ) -> str | None:
        """Tell the reminder's person, or drop it; the outcome, or None when another sender
        or an event took the reminder meanwhile."""
        authority = str(reminder["authority"])
        case = await self.copies.get(authority, str(reminder["case_id"]), session=session)
        send_by = reminder.get("send_by")
        if send_by is not None and now >= send_by:
            return await self._drop(session, reminder, token=token, because="too_late", now=now)
        notices = reminder_notices(reminder, case)
        if not notices:
            return await self._drop(
                session, reminder, token=token, because="nobody_to_tell", now=now
            )
        if not await self.reminders.mark_sent(reminder, token=token, now=now, session=session):
            return None
        await self.telling.tell(
            session,
            authority=authority,
            notices=[emailed_at_the_cases_address(notice, case) for notice in notices],
            event_id=round_id(reminder),
            event_type=EVENT_TYPE,
            at=now,
        )
        return "sent"

    async def _drop(
        self, session: Session, reminder: Document, *, token: str, because: str, now: datetime
    ) -> str | None:
        if not await self.reminders.mark_dropped(
            reminder, token=token, because=because, now=now, session=session
        ):
            return None
        log.info("reminder dropped", extra={**self._facts(reminder), "because": because})
        return "dropped"

    @staticmethod
    def _facts(reminder: Document) -> dict[str, object]:
        return {
            "reminder_id": reminder["_id"],
            "reminder_authority": reminder["authority"],
            "kind": reminder["kind"],
            "attempts": reminder["attempts"],
        }
