"""The notifications service's ASGI app."""

import asyncio
from collections.abc import Sequence

from kit.app import Runtime, ServiceParts, create_app
from kit.events.consumer import Subscription
from notifications.config import settings
from notifications.emails import api as email_api
from notifications.emails.consumers import EmailQueue, account_emails_subscription
from notifications.emails.models import DELIVERY_INDEXES
from notifications.emails.rendering import EmailTemplates
from notifications.emails.sender import EmailSender
from notifications.inbox import api as inbox_api
from notifications.inbox.consumers import Telling, notices_subscription
from notifications.inbox.models import NOTIFICATION_INDEXES
from notifications.reminders.consumers import reminders_subscription
from notifications.reminders.models import REMINDER_INDEXES
from notifications.reminders.sender import ReminderSender
from notifications.surveys import api as survey_api
from notifications.surveys.consumers import surveys_subscription
from notifications.surveys.models import SURVEY_INDEXES

SENDER = "email_sender"
REMINDER_SENDER = "reminder_sender"

templates = EmailTemplates()


def email_sender(runtime: Runtime) -> EmailSender:
    """This worker's email sender, made on first use."""
    sender = runtime.extras.get(SENDER)
    if not isinstance(sender, EmailSender):
        sender = runtime.extras[SENDER] = EmailSender.from_settings(runtime.mongo, settings)
    return sender


def telling(runtime: Runtime) -> Telling:
    """How this worker records notices and queues their emails."""
    return Telling(
        runtime.mongo,
        emails=EmailQueue(
            runtime.mongo,
            templates=templates,
            mail_from=settings.mail_from,
            on_queued=email_sender(runtime).wake,
        ),
        portal_url=settings.portal_url,
    )


def reminder_sender(runtime: Runtime) -> ReminderSender:
    """This worker's reminder sender, made on first use."""
    sender = runtime.extras.get(REMINDER_SENDER)
    if not isinstance(sender, ReminderSender):
        sender = runtime.extras[REMINDER_SENDER] = ReminderSender(
            runtime.mongo,
            telling=telling(runtime),
            service=settings.service_name,
            claim_seconds=settings.reminder_claim_seconds,
            poll_seconds=settings.reminder_poll_seconds,
        )
    return sender


def subscriptions(runtime: Runtime) -> Sequence[Subscription]:
    """The queues this service consumes besides the authority registry."""
    return [
        account_emails_subscription(
            runtime.mongo,
            templates=templates,
            mail_from=settings.mail_from,
            on_queued=email_sender(runtime).wake,
        ),
        notices_subscription(runtime.mongo, telling=telling(runtime)),
        reminders_subscription(
            runtime.mongo,
            days_before_due=settings.reminder_days_before_due,
            on_scheduled=reminder_sender(runtime).wake,
        ),
        surveys_subscription(runtime.mongo, outbox=runtime.outbox),
    ]


async def start_sending(runtime: Runtime) -> None:
    """Run this worker's email and reminder senders until shutdown."""
    runtime.tasks.append(asyncio.create_task(email_sender(runtime).run(), name="email-sender"))
    runtime.tasks.append(
        asyncio.create_task(reminder_sender(runtime).run(), name="reminder-sender")
    )


app = create_app(
    settings,
    title="Housing Portal: notifications",
    description="In-app notifications, reminders and emails, with their delivery status.",
    parts=ServiceParts(
        routers=[email_api.router, email_api.case_router, inbox_api.router, survey_api.router],
        indexes=[*DELIVERY_INDEXES, *NOTIFICATION_INDEXES, *REMINDER_INDEXES, *SURVEY_INDEXES],
        subscriptions=subscriptions,
        on_start=start_sending,
    ),
)
