"""The consumer that tells people of events: a notice in the portal, and an email where the
person allows one."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from contracts.envelope import Envelope
from contracts.events.cases import DraftRemoved
from contracts.payload import EventPayload
from kit import logs
from kit.events.consumer import Event, Subscription
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
from notifications.inbox.repository import NotificationRepository, PreferenceRepository, Told

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
            "kind": notice.kind,
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
        """Record each notice of one event once, with its email, in the caller's transaction."""
        await self.tell_all(
            session, [Told(authority, n, event_id, event_type, at) for n in notices]
        )

    async def tell_all(self, session: Session, told: Sequence[Told]) -> None:
        """Record each notice once, with its email, in the caller's transaction: for any
        number of events, one read of what was recorded already and one write."""
        new: list[Told] = []
        for authority in dict.fromkeys(entry.authority for entry in told):
            mine = [entry for entry in told if entry.authority == authority]
            recorded = await self.notifications.told_already(authority, mine, session=session)
            for entry in mine:
                if entry.id not in recorded:
                    recorded.add(entry.id)
                    new.append(entry)
        await self.notifications.add_all(session, new)
        self._log_recorded(new)
        await self.queue_emails(session, new)

    async def record(self, session: Session, told: Sequence[Told]) -> None:
        """Record each notice once, outside any transaction, in one write: a notice's id,
        made from its event, person and kind, refuses those recorded already."""
        self._log_recorded(await self.notifications.add_new(session, told))

    async def queue_emails(self, session: Session, told: Sequence[Told]) -> None:
        """Queue the email of each notice whose person may be emailed about it; the queue
        keeps one email per event. Given every notice of an event, not only those recorded
        just now: a consumer stopped between recording the notices and queueing their emails
        finishes the job when the event comes again."""
        for entry in told:
            email = notice_email(entry.notice, portal_url=self.portal_url)
            if email is not None and await self.wants_email(entry.authority, entry.notice, session):
                await self.emails.add_for(
                    email,
                    session,
                    authority_slug=entry.authority,
                    event_id=entry.event_id,
                    event_type=entry.event_type,
                )

    @staticmethod
    def _log_recorded(told: Sequence[Told]) -> None:
        for entry in told:
            log.info(
                "notice recorded", extra={"kind": entry.notice.kind, "event_id": entry.event_id}
            )


class KnownCases:
    """The copies of the cases a batch of events is about, read together and kept up to date
    as the batch's own case events change them."""

    def __init__(self, copies: CaseCopies, session: Session) -> None:
        self.copies = copies
        self.session = session
        self.known: dict[tuple[str, str], KnownCase | None] = {}
        self.removed: set[tuple[str, str]] = set()

    async def read(self, events: Sequence[Event]) -> None:
        """Read the copies of every case the events name, an authority at a time."""
        named: dict[str, list[str]] = {}
        for envelope, payload in events:
            case_id = getattr(payload, "case_id", None)
            if isinstance(case_id, str):
                named.setdefault(envelope.authority, []).append(case_id)
        for authority, case_ids in named.items():
            found = await self.copies.get_all(authority, case_ids, session=self.session)
            for case_id in case_ids:
                self.known[(authority, case_id)] = found.get(case_id)
                if case_id in found and found[case_id] is None:
                    self.removed.add((authority, case_id))

    async def get(self, authority: str, case_id: str) -> KnownCase | None:
        """A case's copy as it stands now in this batch."""
        if (authority, case_id) not in self.known:
            self.known[(authority, case_id)] = await self.copies.get(
                authority, case_id, session=self.session
            )
        return self.known[(authority, case_id)]

    def remove(self, authority: str, case_id: str) -> None:
        """The case was removed in this batch."""
        self.known[(authority, case_id)] = None
        self.removed.add((authority, case_id))

    def is_removed(self, authority: str, case_id: object) -> bool:
        """Whether the event's case was removed, in this batch or before."""
        return (authority, case_id) in self.removed


def notices_subscription(mongo: Mongo, *, telling: Telling) -> Subscription:
    """Record each event's notices and queue their emails, write by write."""
    copies = CaseCopies(mongo)

    async def notices_of(
        envelope: Envelope, payload: EventPayload, cases: KnownCases
    ) -> list[Notice]:
        if not isinstance(payload, DocumentEvent):
            return notices_for(envelope, payload)
        case = await cases.get(envelope.authority, payload.case_id)
        if case is None:
            log.info("document event of a case not heard of", extra={"event_id": str(envelope.id)})
            return []
        return document_notices(envelope, payload, case)

    async def tell_many(events: Sequence[Event], session: Session) -> None:
        # Whom a document event tells depends on its case's people: read those cases first.
        # Every other event names its people itself.
        cases = KnownCases(copies, session)
        await cases.read([event for event in events if isinstance(event[1], DocumentEvent)])
        told: list[Told] = []
        changed: list[tuple[Envelope, CaseEvent]] = []
        removed: list[tuple[Envelope, DraftRemoved]] = []
        for envelope, payload in events:
            if isinstance(payload, DraftRemoved):
                removed.append((envelope, payload))
                cases.remove(envelope.authority, payload.case_id)
                continue
            if cases.is_removed(envelope.authority, getattr(payload, "case_id", None)):
                log.info("event of a removed case", extra={"event_id": str(envelope.id)})
                continue
            if isinstance(payload, CaseEvent):
                changed.append((envelope, payload))
            told += [
                # When it happened, not when it was heard of: events of one case may be
                # handled out of order, and the list must still show them as they happened.
                Told(
                    envelope.authority,
                    notice,
                    str(envelope.id),
                    envelope.type,
                    envelope.occurred_at,
                )
                for notice in await notices_of(envelope, payload, cases)
            ]
        # The notices first: they are what the person reads, and what is slow to reach them.
        await telling.record(session, told)
        for envelope, payload in changed:
            await copies.remember(
                envelope.authority, known_case(payload), at=envelope.occurred_at, session=session
            )
        for envelope, payload in removed:
            # Nobody can see the case any more: its notices would lead nowhere, those of
            # this batch included, and its tombstone silences its events to come.
            await copies.forget(
                envelope.authority, payload.case_id, at=envelope.occurred_at, session=session
            )
            await telling.notifications.forget_case(
                envelope.authority, payload.case_id, session=session
            )
        # Then the cases as they stand now, for the emails' addresses and for removals. Read
        # after the notices were written, a removal this misses came later, and its own
        # handler removes them; one this finds, removed before, removes them here.
        if not told:
            return
        cases = KnownCases(copies, session)
        await cases.read(events)
        gone = {
            (entry.authority, entry.notice.case_id)
            for entry in told
            if entry.notice.case_id is not None
            and cases.is_removed(entry.authority, entry.notice.case_id)
        }
        forgotten = {(envelope.authority, payload.case_id) for envelope, payload in removed}
        for authority, case_id in gone - forgotten:
            log.info("notices of a removed case dropped", extra={"case_id": case_id})
            await telling.notifications.forget_case(authority, case_id, session=session)
        emailed: list[Told] = []
        for entry in told:
            if (entry.authority, entry.notice.case_id) in gone:
                continue
            named = entry.notice.case_id
            case = await cases.get(entry.authority, named) if named else None
            emailed.append(replace(entry, notice=emailed_at_the_cases_address(entry.notice, case)))
        await telling.queue_emails(session, emailed)

    async def tell(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        await tell_many([(envelope, payload)], session)

    return Subscription(
        purpose=CASE_NOTICES,
        bindings=[
            *(model.event_type for model in (*RULES, *DOCUMENT_EVENTS)),
            DraftRemoved.event_type,
        ],
        handler=tell,
        batch_handler=tell_many,
        # Every write above is idempotent by itself: the notices' and emails' unique keys,
        # the copies' guarded upsert and the tombstone.
        idempotent=True,
    )
