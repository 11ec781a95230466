"""The rules of messages: officers write on a case to its applicant or a landlord's user,
the person reads and replies (once per message or freely, as the authority decides), and
officers reply too. Every send is saved with its history entry and its event in one
transaction."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cases.cases.kinds import KINDS
from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory
from cases.errors import NotYoursToDo
from cases.messages.attachments import CaseDocuments
from cases.messages.errors import AlreadyReplied
from cases.messages.models import MessageRecord, Reply
from cases.messages.repository import Messages
from cases.messages.schemas import (
    MessageRequest,
    MessageSummary,
    MessageView,
    ReplyRequest,
    ReplyView,
)
from cases.parties import Party, party_of, person_on_side, sees_part, start_work
from contracts.events.authority import ReplyRule
from contracts.events.casework_tasks import MessageReplied, MessageSent
from contracts.payload import EventPayload
from kit.auth import Principal
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority


def summary_of(message: MessageRecord, *, caller_id: str) -> MessageSummary:
    """A message in a list, unread only to its person."""
    return MessageSummary(
        id=message.id,
        case_id=message.case_id,
        reference=message.reference,
        case_kind=message.case_kind,
        application_type=KINDS[message.case_kind].title,
        recipient=message.recipient,
        recipient_id=message.recipient_id,
        subject=message.subject,
        sender_id=message.sender_id,
        sent_at=message.created_at,
        last_at=message.last_at,
        unread=message.unread and message.recipient_id == caller_id,
        replies=len(message.replies),
    )


@dataclass(kw_only=True)
class MessageService(ForAuthority):
    """Messages on one authority's cases, as one caller works on them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    messages: Messages
    history: CaseHistory
    documents: CaseDocuments
    # The sender's own credentials: the documents service tells them which documents they see.
    authorization: str

    @property
    def reply_rule(self) -> ReplyRule:
        """Whether the authority takes one reply per message from its person, or any."""
        return self.authority.messaging.reply_rule

    def party(self, case: CaseRecord) -> Party | None:
        """The caller's part on the case."""
        return party_of(self.principal, case)

    def sees(self, case: CaseRecord, message: MessageRecord) -> bool:
        """Staff see every message; each person their side's."""
        return sees_part(self.party(case), message.recipient)

    def may_reply(self, case: CaseRecord, message: MessageRecord) -> bool:
        """Officers may always reply; the person once, or freely, as the authority decides."""
        party = self.party(case)
        if party == "staff":
            return True
        if party != message.recipient:
            return False
        return self.reply_rule == "free" or message.person_replies == 0

    def view(self, case: CaseRecord, message: MessageRecord) -> MessageView:
        """The message in full, with its replies."""
        return MessageView(
            **summary_of(message, caller_id=self.principal.user_id).model_dump(),
            body=message.body,
            attachments=message.attachments,
            thread=[ReplyView(**reply.model_dump()) for reply in message.replies],
            reply_rule=self.reply_rule,
            may_reply=self.may_reply(case, message),
        )

    async def open(self, case: CaseRecord, message: MessageRecord) -> MessageView:
        """The message as its caller opens it: read, once its person opens it."""
        if message.unread and message.recipient_id == self.principal.user_id:
            now = datetime.now(UTC)

            async def read(session: Session) -> MessageRecord | None:
                marked = await self.messages.mark_read(message, at=now, session=session)
                if marked is not None:
                    await self._record(session, case, marked, action="message_read", at=now)
                return marked

            marked = await self.mongo.transaction(read)
            message = marked if marked is not None else message
        return self.view(case, message)

    async def send(self, case: CaseRecord, body: MessageRequest, *, once: Once) -> MessageView:
        """An officer writes on an open case to its applicant or a user of its landlord."""
        start_work(self.party(case), case, what="start messages")
        recipient_id = person_on_side(
            case, body.recipient, body.landlord_user_id, thing="message", to="to write to"
        )
        await self._attachable(case, body.attachments)
        now = datetime.now(UTC)
        message = MessageRecord(
            id=uuid.uuid4().hex,
            authority=self.slug,
            case_id=case.id,
            reference=case.reference,
            case_kind=case.kind,
            recipient=body.recipient,
            recipient_id=recipient_id,
            subject=body.subject,
            body=body.body,
            attachments=body.attachments,
            sender_id=self.principal.user_id,
            created_at=now,
            unread=True,
            last_at=now,
        )

        async def create(session: Session) -> MessageView:
            await self.messages.add(message, session=session)
            await self._record(session, case, message, action="message_sent", at=now)
            await self._event(
                session,
                MessageSent,
                case,
                message,
                recipient_ids=[recipient_id],
                recipient=message.recipient,
            )
            view = self.view(case, message)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(create)

    async def reply(
        self, case: CaseRecord, message: MessageRecord, body: ReplyRequest, *, once: Once
    ) -> MessageView:
        """Reply to a message: the person once or freely, as the authority decides."""
        party = self.party(case)
        if party is None or (party != "staff" and party != message.recipient):
            raise NotYoursToDo("Only the officers and the person a message is for reply to it.")
        by_person = party != "staff"
        if by_person and not self.may_reply(case, message):
            raise AlreadyReplied()
        await self._attachable(case, body.attachments)
        now = datetime.now(UTC)
        reply = Reply(
            id=uuid.uuid4().hex,
            sender_id=self.principal.user_id,
            sender=party,
            body=body.body,
            attachments=body.attachments,
            at=now,
        )

        async def create(session: Session) -> MessageView:
            changed = await self.messages.add_reply(
                message,
                reply,
                by_person=by_person,
                only_one=self.reply_rule == "once",
                session=session,
            )
            if changed is None:
                raise AlreadyReplied()
            await self._record(session, case, changed, action="message_replied", at=now)
            told = [message.sender_id, case.owner_id] if by_person else [message.recipient_id]
            await self._event(
                session,
                MessageReplied,
                case,
                changed,
                recipient_ids=list(dict.fromkeys(person for person in told if person)),
                reply_id=reply.id,
                sender_id=self.principal.user_id,
            )
            view = self.view(case, changed)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(create)

    async def _attachable(self, case: CaseRecord, document_ids: list[str]) -> None:
        await self.documents.check(
            authority=self.slug,
            case_id=case.id,
            document_ids=document_ids,
            authorization=self.authorization,
        )

    async def _record(
        self,
        session: Session,
        case: CaseRecord,
        message: MessageRecord,
        *,
        action: str,
        at: datetime,
    ) -> None:
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor=self.party(case) or "staff",
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=at,
            details={
                "message_id": message.id,
                "subject": message.subject,
                "for": message.recipient,
            },
            session=session,
        )

    async def _event(
        self,
        session: Session,
        event: type[EventPayload],
        case: CaseRecord,
        message: MessageRecord,
        **extra: Any,
    ) -> None:
        payload = event.model_validate(
            {
                "case_id": case.id,
                "reference": case.reference,
                "applicant_id": case.applicant_id,
                "owner_id": case.owner_id,
                "language": case.language,
                "message_id": message.id,
                "subject": message.subject,
                "sender_id": message.sender_id,
                **extra,
            }
        )
        await self.outbox.add(
            session, payload, authority=self.slug, actor=self.principal.user_id, subject=case.id
        )
