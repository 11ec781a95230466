"""The consumer that tells people of events: a notice in the portal, and an email where the
person allows one."""

from dataclasses import replace
from datetime import datetime

from contracts.envelope import Envelope
from contracts.events.cases import DraftRemoved
from contracts.payload import EventPayload
from kit import logs
from kit.events.consumer import Subscription
from kit.mongo import Mongo, Session
from notifications.emails.account import AccountEmail
from notifications.emails.consumers import EmailQueue
from notifications.inbox.activity import RULES, CaseEvent, Notice, notices_for
from notifications.inbox.documents import (
    DOCUMENT_EVENTS,
    CaseCopies,
    DocumentEvent,
    KnownCase,
    document_notices,
)
from notifications.inbox.notice import CASEWORK_KINDS
from notifications.inbox.repository import NotificationRepository, PreferenceRepository

log = logs.get_logger("notifications.inbox.consumers")

CASE_NOTICES = "notices"


def email_template(notice: Notice) -> str:
    """The email template of a notice's kind."""
    return "case_news" if notice.kind in CASEWORK_KINDS else f"case_{notice.kind}"


def emailed_at_the_cases_address(notice: Notice, case: KnownCase | None) -> Notice:
    """A casework notice to the case's applicant, emailed at the address the case's events
    last gave, when they said it is OK; anyone else's notice as it is."""
    if (
        notice.kind not in CASEWORK_KINDS
        or notice.audience != "applicant"
        or case is None
        or case.applicant_id != notice.user_id
        or case.email is None
    ):
        return notice
    return replace(notice, email_to=case.email, email_facts={"news": notice.activity})


def notice_email(notice: Notice, *, portal_url: str) -> AccountEmail | None:
    """The email telling a person of a notice; None when the event gave no address they
    said it is OK to email."""
    if notice.email_to is None:
        return None
    return AccountEmail(
        email_template(notice),
        to=notice.email_to,
        user_id=notice.user_id,
        language=notice.language,
        facts={
            **notice.email_facts,
            "first_name": None,
            "link": f"{portal_url.rstrip('/')}{notice.link}",
        },
        case_id=notice.case_id,
    )


def known_case(payload: CaseEvent) -> KnownCase:
    """The case's people as a case event names them."""
    return KnownCase(
        case_id=payload.case_id,
        reference=payload.reference,
        kind=payload.kind,
        applicant_id=payload.applicant_id,
        owner_id=payload.owner_id,
        language=payload.language,
        email=payload.email,
    )


class Telling:
    """Records notices and queues the emails of those a person may be emailed about: the one
    way every event and every reminder tells people."""

    def __init__(self, mongo: Mongo, *, emails: EmailQueue, portal_url: str) -> None:
        self.notifications = NotificationRepository(mongo)
        self.preferences = PreferenceRepository(mongo)
        self.emails = emails
        self.portal_url = portal_url

    async def wants_email(self, authority: str, notice: Notice, session: Session) -> bool:
        """Whether the person left emails of this kind on."""
        chosen = await self.preferences.get(authority, notice.user_id, session=session)
        return chosen is None or notice.kind not in chosen.get("email_off", [])

    async def tell(
        self,
        session: Session,
        *,
        authority: str,
        notices: list[Notice],
        event_id: str,
        event_type: str,
        at: datetime,
    ) -> None:
        """Record each notice once, with its email, in the caller's transaction."""
        for notice in notices:
            if await self.notifications.told(
                authority, event_id=event_id, notice=notice, session=session
            ):
                continue
            await self.notifications.add(
                session,
                authority=authority,
                notice=notice,
                event_id=event_id,
                event_type=event_type,
                at=at,
            )
            log.info("notice recorded", extra={"kind": notice.kind, "event_id": event_id})
            email = notice_email(notice, portal_url=self.portal_url)
            if email is not None and await self.wants_email(authority, notice, session):
                await self.emails.add_for(
                    email,
                    session,
                    authority_slug=authority,
                    event_id=event_id,
                    event_type=event_type,
                )


def notices_subscription(mongo: Mongo, *, telling: Telling) -> Subscription:
    """Record each event's notices and queue their emails, in the consumer's transaction."""
    copies = CaseCopies(mongo)

    async def notices_of(
        envelope: Envelope, payload: EventPayload, session: Session
    ) -> list[Notice]:
        if not isinstance(payload, DocumentEvent):
            notices = notices_for(envelope, payload)
            cases = [n.case_id for n in notices if n.kind in CASEWORK_KINDS and n.case_id]
            if not cases:
                return notices
            case = await copies.get(envelope.authority, cases[0], session=session)
            return [emailed_at_the_cases_address(notice, case) for notice in notices]
        case = await copies.get(envelope.authority, payload.case_id, session=session)
        if case is None:
            log.info("document event of a case not heard of", extra={"event_id": str(envelope.id)})
            return []
        return [
            emailed_at_the_cases_address(notice, case)
            for notice in document_notices(envelope, payload, case)
        ]

    async def tell(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        if isinstance(payload, DraftRemoved):
            # Nobody can see the case any more: its notices would lead nowhere.
            await telling.notifications.forget_case(
                envelope.authority, payload.case_id, session=session
            )
            await copies.forget(envelope.authority, payload.case_id, session=session)
            return
        if isinstance(payload, CaseEvent):
            await copies.remember(
                envelope.authority, known_case(payload), at=envelope.occurred_at, session=session
            )
        await telling.tell(
            session,
            authority=envelope.authority,
            notices=await notices_of(envelope, payload, session),
            event_id=str(envelope.id),
            event_type=envelope.type,
            # When it happened, not when it was heard of: events of one case may be
            # handled out of order, and the list must still show them as they happened.
            at=envelope.occurred_at,
        )

    return Subscription(
        purpose=CASE_NOTICES,
        bindings=[
            *(model.event_type for model in (*RULES, *DOCUMENT_EVENTS)),
            DraftRemoved.event_type,
        ],
        handler=tell,
    )
