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
from notifications.inbox.consumers import notices_subscription
from notifications.inbox.models import NOTIFICATION_INDEXES
from notifications.surveys import api as survey_api
from notifications.surveys.consumers import surveys_subscription
from notifications.surveys.models import SURVEY_INDEXES

SENDER = "email_sender"

templates = EmailTemplates()


def email_sender(runtime: Runtime) -> EmailSender:
    """This worker's email sender, made on first use."""
    sender = runtime.extras.get(SENDER)
    if not isinstance(sender, EmailSender):
        sender = runtime.extras[SENDER] = EmailSender.from_settings(runtime.mongo, settings)
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
        notices_subscription(
            runtime.mongo,
            emails=EmailQueue(
                runtime.mongo,
                templates=templates,
                mail_from=settings.mail_from,
                on_queued=email_sender(runtime).wake,
            ),
            portal_url=settings.portal_url,
        ),
        surveys_subscription(runtime.mongo, outbox=runtime.outbox),
    ]


async def start_sending(runtime: Runtime) -> None:
    """Run this worker's email sender until shutdown."""
    runtime.tasks.append(asyncio.create_task(email_sender(runtime).run(), name="email-sender"))


app = create_app(
    settings,
    title="Housing Portal: notifications",
    description="In-app notifications and emails, with their delivery status.",
    parts=ServiceParts(
        routers=[email_api.router, email_api.case_router, inbox_api.router, survey_api.router],
        indexes=[*DELIVERY_INDEXES, *NOTIFICATION_INDEXES, *SURVEY_INDEXES],
        subscriptions=subscriptions,
        on_start=start_sending,
    ),
)
