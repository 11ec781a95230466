"""The stored reminder, and the indexes its queries use."""

from datetime import timedelta
from typing import Literal

from kit.mongo import Index

REMINDERS = "reminders"
# Events are redelivered or replayed within days; an ended reminder is kept far longer.
FORGET_ENDED_AFTER = timedelta(days=180)

ReminderStatus = Literal["scheduled", "sending", "sent", "dropped"]
SCHEDULED: ReminderStatus = "scheduled"
SENDING: ReminderStatus = "sending"
SENT: ReminderStatus = "sent"
DROPPED: ReminderStatus = "dropped"

# A reminder document, one per thing and kind of reminder:
#   _id           "{authority}:{kind}:{case_id}:{thing_id}": the same thing's events meet here
#   authority     the authority it belongs to
#   kind          the notice it leads to (`appointment_reminder`, `task_overdue`, ...)
#   case_id       the case the thing is on
#   thing_id      the appointment, task, plan action or document request
#   user_id       the person to tell; null: the case's applicant, as known when it is sent
#   audience      "applicant" or "landlord": whom the notice is shown to
#   language      the language of that person, when the event named it
#   reference     the case's reference, when the event named it
#   link          the portal path of the thing
#   about         what the notice shows of when: the appointment's start or the target date
#   remind_at     when the rule says to tell the person
#   send_by       after this it is too late to tell them (an appointment's start), if ever
#   status        scheduled -> sending -> sent; dropped when the thing is cancelled or done,
#                 or when it could not be sent in time
#   due_at        when a sender should take it: `remind_at` while scheduled, the end of the
#                 claim while sending; removed once it ends, so senders walk only pending ones
#   claim         the token of the sender holding it, fencing that sender's outcome
#   attempts      claims taken on this round
#   round         bumped each time it is scheduled anew, so each round tells the person once
#   as_of         when the event that last changed it happened: an older event never undoes
#                 what a newer one did
#   dropped_because  why it was dropped: "cancelled", "done", "too_late", "nobody_to_tell",
#                 "already_due", "failed", "case_closed"
#   ended_at      when it was sent or dropped; removed if it is scheduled again. Ended
#                 reminders are forgotten a while after (they only stop older events, heard
#                 late, from scheduling them again)
#   created_at, updated_at, sent_at

REMINDER_INDEXES = [
    # The senders' claims: the equality on status keeps each claim to the due ones of one
    # status, walked by time.
    Index(REMINDERS, [("status", 1), ("due_at", 1)], name="by_status_due"),
    # Ended reminders are forgotten long after any event about them could still arrive.
    Index(
        REMINDERS,
        [("ended_at", 1)],
        name="ended_expiry",
        options={"expireAfterSeconds": int(FORGET_ENDED_AFTER.total_seconds())},
    ),
    # Ending the pending reminders of a case that was closed.
    Index(REMINDERS, [("authority", 1), ("case_id", 1), ("status", 1)], name="by_case_status"),
]
