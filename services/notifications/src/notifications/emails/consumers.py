"""The consumer that turns account and case events into queued email deliveries."""

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import make_msgid

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from kit import logs
from kit.authorities import AuthorityCopy
from kit.events.consumer import Subscription
from kit.mongo import Mongo, Session, after_commit
from notifications.emails.account import ACCOUNT_EVENTS, AccountEmail, account_email
from notifications.emails.cases import CASE_EVENTS, case_email
from notifications.emails.errors import AuthorityNotKnownYet
from notifications.emails.rendering import EmailTemplates, authority_facts
from notifications.emails.repository import DeliveryRepository

log = logs.get_logger("notifications.emails.consumers")

ACCOUNT_EMAILS = "account-emails"


def email_for(envelope: Envelope, payload: EventPayload) -> AccountEmail | None:
    """The email an event leads to, if any (a case event's applicant may give no address)."""
    if isinstance(payload, CASE_EVENTS):
        return case_email(envelope, payload)
    return account_email(envelope, payload)


class EmailQueue:
    """Queues an event's email in the consumer's transaction; never sends.

    The email is rendered now and its bodies kept on the delivery until it ends (sent or
    failed), then removed. Rendering again at send time would need the event's link or code
    stored just as long, so it would keep no less; rendering once means every attempt sends
    exactly the message that was queued, with the authority's name as it was then, and the
    sender needs to know nothing about templates or events.
    """

    def __init__(
        self,
        mongo: Mongo,
        *,
        templates: EmailTemplates,
        mail_from: str,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.authorities = AuthorityCopy(mongo)
        self.deliveries = DeliveryRepository(mongo)
        self.templates = templates
        self.domain = mail_from.partition("@")[2]
        self.on_queued = on_queued

    async def add(self, envelope: Envelope, email: AccountEmail, session: Session) -> None:
        """Queue the event's email, unless it was queued already."""
        await self.add_for(
            email,
            session,
            authority_slug=envelope.authority,
            event_id=str(envelope.id),
            event_type=envelope.type,
        )

    async def add_for(
        self,
        email: AccountEmail,
        session: Session,
        *,
        authority_slug: str,
        event_id: str,
        event_type: str,
    ) -> None:
        """Queue an email for what `event_id` names (an event, or a reminder's round),
        unless it was queued already."""
        if await self.deliveries.queued_for(
            authority_slug, event_id=event_id, template=email.template, session=session
        ):
            return
        authority = await self.authorities.get(authority_slug)
        if authority is None:
            # The registry copy arrives on another queue and may be behind: the consumer's
            # retries give it time, and a message still stuck is parked, not lost.
            raise AuthorityNotKnownYet(f"no local record of authority {authority_slug!r}")
        facts = authority_facts(authority)
        rendered = self.templates.render(
            email.template, {**email.facts, "authority": facts}, language=email.language
        )
        delivery = await self.deliveries.queue(
            session,
            authority=authority_slug,
            event_id=event_id,
            event_type=event_type,
            template=email.template,
            user_id=email.user_id,
            to=email.to,
            sender_name=facts["name"],
            email=rendered,
            message_id=make_msgid(domain=self.domain or None),
            send_by=email.send_by,
            now=datetime.now(UTC),
            case_id=email.case_id,
        )
        log.info(
            "email queued",
            extra={
                "delivery_id": delivery["_id"],
                "template": email.template,
                "event_id": event_id,
            },
        )
        # The sender looks once this transaction has committed, not before.
        after_commit(self.on_queued)


def account_emails_subscription(
    mongo: Mongo,
    *,
    templates: EmailTemplates,
    mail_from: str,
    on_queued: Callable[[], None] = lambda: None,
) -> Subscription:
    """Queue one email per account event, in the consumer's transaction."""
    emails = EmailQueue(mongo, templates=templates, mail_from=mail_from, on_queued=on_queued)

    async def queue_email(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        email = email_for(envelope, payload)
        if email is not None:
            await emails.add(envelope, email, session)

    return Subscription(
        purpose=ACCOUNT_EMAILS,
        bindings=[model.event_type for model in (*ACCOUNT_EVENTS, *CASE_EVENTS)],
        handler=queue_email,
    )
