"""The stored delivery record of one email, and the indexes its queries use."""

from typing import Literal

from kit.mongo import Index

DELIVERIES = "deliveries"

DeliveryStatus = Literal["queued", "sending", "sent", "failed"]
QUEUED: DeliveryStatus = "queued"
SENDING: DeliveryStatus = "sending"
SENT: DeliveryStatus = "sent"
FAILED: DeliveryStatus = "failed"
PENDING: tuple[DeliveryStatus, ...] = (QUEUED, SENDING)

# A delivery document:
#   _id           the delivery id (uuid hex)
#   authority     the authority the email is sent for
#   event_id      the envelope id of the event that asked for it (with template: unique)
#   event_type    that event's type
#   template      which email it is (`confirm_email`, `sign_in_code`, ...)
#   user_id, to   the account (if any) and the address
#   case_id       the case it is about, if any
#   to_key        the address in lower case, for finding a person's emails
#   sender_name   the display name of the From header (the authority's name)
#   subject       the subject line (never holds a link or code)
#   message_id    the Message-ID header, the same on every attempt
#   status        queued -> sending -> sent | failed (sending -> queued after a failed attempt)
#   attempts      sending attempts started
#   due_at        when a sender should take it next: the next attempt while queued, the end of
#                 the claim while sending; removed once the delivery ends, so the sender's query
#                 only ever walks pending deliveries
#   claim         the token of the sender holding it, fencing every update a sender makes
#   send_by       the moment its link or code stops working, if it has one
#   content       {"text", "html"} the rendered bodies, removed once the delivery ends
#   last_error    why the last attempt failed, without any part of the message
#   created_at, updated_at, sent_at, failed_at

DELIVERY_INDEXES = [
    # Idempotency: one email per event and template, even if the event arrives twice.
    Index(DELIVERIES, [("event_id", 1), ("template", 1)], name="one_per_event", unique=True),
    # The senders' claim: the pending delivery due first.
    Index(DELIVERIES, [("due_at", 1)], name="pending_by_due"),
    # One delivery of the authority.
    Index(DELIVERIES, [("authority", 1), ("_id", 1)], name="by_authority_id"),
    # The delivery list, newest first, with and without a status filter.
    Index(
        DELIVERIES, [("authority", 1), ("created_at", -1), ("_id", -1)], name="by_authority_newest"
    ),
    Index(
        DELIVERIES,
        [("authority", 1), ("status", 1), ("created_at", -1), ("_id", -1)],
        name="by_authority_status_newest",
    ),
    Index(
        DELIVERIES,
        [("authority", 1), ("to_key", 1), ("created_at", -1), ("_id", -1)],
        name="by_authority_recipient_newest",
    ),
    # Whether an event's email was queued already, within the authority.
    Index(
        DELIVERIES, [("authority", 1), ("event_id", 1), ("template", 1)], name="by_authority_event"
    ),
    # What was sent about a case, newest first: to anyone, or to one person.
    Index(
        DELIVERIES,
        [("authority", 1), ("case_id", 1), ("created_at", -1), ("_id", -1)],
        name="by_authority_case_newest",
    ),
    Index(
        DELIVERIES,
        [("authority", 1), ("case_id", 1), ("user_id", 1), ("created_at", -1), ("_id", -1)],
        name="by_authority_case_person_newest",
    ),
    # The backlog gauge.
    Index(DELIVERIES, [("status", 1)], name="by_status"),
]
