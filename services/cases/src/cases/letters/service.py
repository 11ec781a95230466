"""The rules of letters: issuing one from a template (its PDF kept with the case's
documents), the person opening it, and acknowledging it. Each is saved with the case's
history entry (and, for issuing and acknowledging, its event) in one transaction."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory
from cases.cases.views import summary
from cases.errors import NotYoursToDo
from cases.generated_documents import DocumentNotKept, GeneratedDocuments
from cases.letters.models import LetterRecord
from cases.letters.pdf import LetterContent, letter_pdf
from cases.letters.policy import is_recipient, may_issue
from cases.letters.repository import Letters
from cases.letters.schemas import LetterRequest, LetterView
from contracts.events.casework_meetings import LetterAcknowledged, LetterIssued
from kit import logs
from kit.auth import Principal
from kit.errors import ServiceUnavailable
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority

log = logs.get_logger("cases.letters")


def letter_view(letter: LetterRecord) -> LetterView:
    """A letter as the API shows it."""
    return LetterView(**letter.model_dump(exclude={"authority"}), new=letter.viewed_at is None)


@dataclass(kw_only=True)
class LetterService(ForAuthority):
    """Letters of one authority, as one caller works on them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    letters: Letters
    history: CaseHistory
    documents: GeneratedDocuments

    async def issue(self, case: CaseRecord, request: LetterRequest, *, once: Once) -> LetterView:
        """Render the letter in the applicant's language, keep its PDF with the case's
        documents, then record it."""
        if not may_issue(self.principal, case):
            raise NotYoursToDo()
        now = datetime.now(UTC)
        letter_id = uuid.uuid4().hex
        applicant = summary(case)
        content = LetterContent(
            template=request.template,
            title=request.title,
            body=request.body,
            signed_by=request.signed_by,
            reference=case.reference,
            recipient_name=applicant.applicant_name,
            recipient_address=case.answers.get("current_address"),
            issued_at=now,
            language=case.language,
        )
        pdf = await letter_pdf(content, authority=self.authority)
        # A retried request (same Idempotency-Key) keeps the one PDF it kept the first time.
        key = f"letter-{once.key.record_id}" if once.key is not None else f"letter-{letter_id}"
        try:
            document_id = await self.documents.keep(
                pdf,
                authority=self.slug,
                case_id=case.id,
                kind="letter",
                file_name=f"letter-{case.reference}-{request.template}.pdf",
                description=request.title,
                idempotency_key=key,
            )
        except DocumentNotKept as exc:
            log.warning("letter not kept", extra={"case_id": case.id, "reason": str(exc)})
            raise ServiceUnavailable("The letter cannot be sent right now; try again.") from exc
        letter = LetterRecord(
            id=letter_id,
            authority=self.slug,
            case_id=case.id,
            reference=case.reference,
            person_id=case.applicant_id,
            template=request.template,
            title=request.title,
            language=case.language,
            created_by=self.principal.user_id,
            signed_by=request.signed_by,
            issued_at=now,
            document_id=document_id,
        )
        view = letter_view(letter)

        async def work(session: Session) -> None:
            await self.letters.add(letter, session=session)
            await self._record(session, case, letter, "letter_issued", at=now, actor="staff")
            await self.outbox.add(
                session,
                LetterIssued(
                    case_id=case.id,
                    reference=case.reference,
                    person_id=letter.person_id,
                    language=letter.language,
                    letter_id=letter.id,
                    template=letter.template,
                    created_by=letter.created_by,
                    document_id=document_id,
                ),
                authority=self.slug,
                actor=self.principal.user_id,
                subject=case.id,
            )
            await once.remember(session, view)

        await self.mongo.transaction(work)
        return view

    async def opened(self, case: CaseRecord, letter: LetterRecord) -> None:
        """Note the first time the person the letter is to opens it (not when staff do)."""
        if letter.viewed_at is not None or not is_recipient(self.principal, letter):
            return
        now = datetime.now(UTC)

        async def work(session: Session) -> None:
            if await self.letters.mark(letter, "viewed_at", at=now, session=session) is not None:
                await self._record(
                    session, case, letter, "letter_viewed", at=now, actor="applicant"
                )

        await self.mongo.transaction(work)

    async def acknowledge(self, case: CaseRecord, letter: LetterRecord) -> LetterView:
        """Record that the person acknowledged the letter; once only, asking again is fine."""
        if not is_recipient(self.principal, letter):
            raise NotYoursToDo()
        if letter.acknowledged_at is not None:
            return letter_view(letter)
        now = datetime.now(UTC)

        async def work(session: Session) -> LetterRecord:
            marked = await self.letters.mark(letter, "acknowledged_at", at=now, session=session)
            if marked is None:
                # Acknowledged by another request a moment ago.
                found = await self.letters.get(letter.authority, letter.id, session=session)
                assert found is not None
                return found
            await self._record(
                session, case, letter, "letter_acknowledged", at=now, actor="applicant"
            )
            await self.outbox.add(
                session,
                LetterAcknowledged(
                    case_id=case.id,
                    reference=case.reference,
                    person_id=letter.person_id,
                    language=letter.language,
                    letter_id=letter.id,
                    acknowledged_at=now,
                ),
                authority=self.slug,
                actor=self.principal.user_id,
                subject=case.id,
            )
            return marked

        return letter_view(await self.mongo.transaction(work))

    async def _record(
        self,
        session: Session,
        case: CaseRecord,
        letter: LetterRecord,
        action: str,
        *,
        at: datetime,
        actor: str,
    ) -> None:
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor=actor,
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=at,
            details={"letter_id": letter.id, "title": letter.title, "template": letter.template},
            session=session,
        )
