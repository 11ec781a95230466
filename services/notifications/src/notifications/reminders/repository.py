"""All access to reminders: scheduling and dropping them from events, and the senders'
claims and outcomes."""

from datetime import datetime, timedelta

from kit.claims import claim_due, while_held
from kit.mongo import Document, Session
from kit.repository import AuthorityRepository, scoped
from notifications.reminders.models import DROPPED, REMINDERS, SCHEDULED, SENDING, SENT
from notifications.reminders.rules import Change, Drop, Reopen, Schedule, Thing

# What ends a reminder's time in the senders' queue.
NOT_PENDING = {"due_at": "", "claim": ""}


def _to_store(at: datetime) -> datetime:
    """A moment as the store keeps it, to the millisecond: compared at that, the same event
    heard again is not newer than itself."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def reminder_id(authority: str, thing: Thing) -> str:
    """The id every event about one thing and kind of reminder finds it by."""
    return f"{authority}:{thing.kind}:{thing.case_id}:{thing.thing_id}"


class ReminderRepository(AuthorityRepository):
    """Reminders of every authority; each event changes only its own thing's reminder."""

    collection_name = REMINDERS

    async def apply(
        self, authority: str, change: Change, *, at: datetime, session: Session
    ) -> Document | None:
        """Apply an event's change as of when the event happened, inside the consumer's
        transaction; the reminder as it is after, or None when it changed nothing: the change
        was older than what the reminder already knows (or the same event again), or there is
        nothing to reopen."""
        at = _to_store(at)
        key = reminder_id(authority, change.thing)
        found = await self.find_one(authority, {"_id": key}, session=session)
        if found is not None and found["as_of"] >= at:
            return None
        if isinstance(change, Reopen):
            return await self._reopen(authority, key, found=found, at=at, session=session)
        if isinstance(change, Drop):
            return await self._drop(authority, key, change, found=found, at=at, session=session)
        return await self._schedule(authority, key, change, found=found, at=at, session=session)

    async def _drop(
        self,
        authority: str,
        key: str,
        change: Drop,
        *,
        found: Document | None,
        at: datetime,
        session: Session,
    ) -> Document | None:
        if found is None:
            # Kept, so that the older event that scheduled it, arriving late, cannot.
            record: Document = {
                "_id": key,
                "kind": change.thing.kind,
                "case_id": change.thing.case_id,
                "thing_id": change.thing.thing_id,
                "status": DROPPED,
                "dropped_because": change.because,
                "round": 0,
                "as_of": at,
                "ended_at": at,
                "created_at": at,
                "updated_at": at,
            }
            return await self.insert(authority, record, session=session)
        update: Document = {"$set": {"as_of": at, "updated_at": at}}
        if found["status"] in (SCHEDULED, SENDING):
            update["$set"].update(
                {"status": DROPPED, "dropped_because": change.because, "ended_at": at}
            )
            # A sender holding it loses its claim: its outcome is refused.
            update["$unset"] = NOT_PENDING
        return await self.update_one(authority, {"_id": key}, update, session=session)

    async def _reopen(
        self, authority: str, key: str, *, found: Document | None, at: datetime, session: Session
    ) -> Document | None:
        if found is None:
            return None  # no reminder was ever asked for
        reopens = found["status"] == DROPPED and found.get("dropped_because") == "done"
        if not reopens or "remind_at" not in found or found["remind_at"] <= at:
            # Still pending (the request's fulfilment, older, may yet arrive: it must not end
            # it now), ended for another reason, or its time has passed, when the notice of
            # the rejection tells the person already.
            return await self.update_one(
                authority, {"_id": key}, {"$set": {"as_of": at, "updated_at": at}}, session=session
            )
        return await self.update_one(
            authority,
            {"_id": key},
            {
                "$set": {
                    "status": SCHEDULED,
                    "due_at": found["remind_at"],
                    "attempts": 0,
                    "as_of": at,
                    "updated_at": at,
                },
                "$unset": {"dropped_because": "", "ended_at": ""},
                "$inc": {"round": 1},
            },
            session=session,
        )

    async def _schedule(
        self,
        authority: str,
        key: str,
        change: Schedule,
        *,
        found: Document | None,
        at: datetime,
        session: Session,
    ) -> Document | None:
        facts: Document = {
            "kind": change.thing.kind,
            "case_id": change.thing.case_id,
            "thing_id": change.thing.thing_id,
            "user_id": change.user_id,
            "audience": change.audience,
            "language": change.language,
            "reference": change.reference,
            "link": change.link,
            "about": change.about,
            "remind_at": change.remind_at,
            "send_by": change.send_by,
            "as_of": at,
            "updated_at": at,
        }
        if (
            found is not None
            and found["status"] == SENT
            and (found.get("about"), found.get("remind_at")) == (change.about, change.remind_at)
        ):
            # Told already of this very time: a change of other details tells nobody again.
            return await self.update_one(authority, {"_id": key}, {"$set": facts}, session=session)
        if not change.late_is_useful and change.remind_at <= at:
            pending: Document = {
                "status": DROPPED,
                "dropped_because": "already_due",
                "ended_at": at,
            }
            unset = NOT_PENDING
        else:
            pending = {"status": SCHEDULED, "due_at": change.remind_at, "attempts": 0}
            unset = {"claim": "", "dropped_because": "", "ended_at": ""}
        if found is None:
            record = {**facts, **pending, "_id": key, "round": 1, "created_at": at}
            return await self.insert(authority, record, session=session)
        return await self.update_one(
            authority,
            {"_id": key},
            {"$set": {**facts, **pending}, "$unset": unset, "$inc": {"round": 1}},
            session=session,
        )

    async def end_case(
        self, authority: str, case_id: str, *, at: datetime, session: Session
    ) -> int:
        """Drop every pending reminder of a case that was closed; how many were."""
        result = await self.collection.update_many(
            scoped(authority, {"case_id": case_id, "status": {"$in": [SCHEDULED, SENDING]}}),
            {
                "$set": {
                    "status": DROPPED,
                    "dropped_because": "case_closed",
                    "as_of": _to_store(at),
                    "ended_at": at,
                    "updated_at": at,
                },
                "$unset": NOT_PENDING,
            },
            session=session,
        )
        return result.modified_count

    async def claim(self, *, token: str, now: datetime, hold_for: timedelta) -> Document | None:
        """Take a due reminder, of any authority, to send it.

        Scheduled reminders are due at their time, claimed ones when their claim lapses, so a
        sender that died holding one gives it back. Each claim is one atomic update, so two
        senders never hold one reminder; each status is asked for on its own, so that the
        equality on it keeps the store to the due ones of that status.
        """
        for status in (SCHEDULED, SENDING):
            claimed = await claim_due(
                self.collection,
                {"status": status},
                holding=SENDING,
                token=token,
                now=now,
                hold_for=hold_for,
            )
            if claimed is not None:
                return claimed
        return None

    async def mark_sent(
        self, reminder: Document, *, token: str, now: datetime, session: Session
    ) -> bool:
        """The person is being told, in this transaction: end the reminder, while the
        sender's claim still holds."""
        return await self._end(
            reminder, token=token, ended={"status": SENT, "sent_at": now}, now=now, session=session
        )

    async def mark_dropped(
        self,
        reminder: Document,
        *,
        token: str,
        because: str,
        now: datetime,
        session: Session | None = None,
    ) -> bool:
        """Nobody will be told: end the reminder with the reason, while the claim holds."""
        ended = {"status": DROPPED, "dropped_because": because}
        return await self._end(reminder, token=token, ended=ended, now=now, session=session)

    async def _end(
        self,
        reminder: Document,
        *,
        token: str,
        ended: Document,
        now: datetime,
        session: Session | None,
    ) -> bool:
        updated = await self.update_one(
            str(reminder["authority"]),
            while_held(reminder, holding=SENDING, token=token),
            {"$set": {**ended, "ended_at": now, "updated_at": now}, "$unset": NOT_PENDING},
            session=session,
        )
        return updated is not None
