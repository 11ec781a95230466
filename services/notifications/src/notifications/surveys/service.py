"""The rules of surveys: who is asked, answering once, and the managers' pages of answers."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contracts.envelope import Envelope
from contracts.events.cases import CaseClosed, CaseKind
from contracts.events.notifications import SurveyRequested
from kit import logs
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Document, Mongo, Session
from kit.pagination import Position
from notifications.surveys.errors import SurveyAlreadyAnswered, SurveyNotFound
from notifications.surveys.models import Survey, Tally
from notifications.surveys.repository import (
    SurveyRepository,
    SurveySettingsRepository,
    TallyRepository,
)
from notifications.surveys.schemas import SurveyAnswer, SurveyView

log = logs.get_logger("notifications.surveys")

# The managers' list reads answers a day at a time at first (see newest_answers).
FIRST_WINDOW = timedelta(days=1)


async def ask_on_close(
    envelope: Envelope,
    closed: CaseClosed,
    *,
    surveys: SurveyRepository,
    settings: SurveySettingsRepository,
    outbox: Outbox,
    session: Session,
) -> Survey | None:
    """Ask the applicant of a case closed by the authority for a survey, when the authority
    asks about that kind of case; once per case however often the event arrives."""
    if envelope.actor == closed.applicant_id:
        # A case the applicant withdrew themselves is no service to rate.
        return None
    chosen = await settings.get(envelope.authority, session=session)
    if not chosen.asks_about(closed.kind):
        return None
    if await surveys.of_case(envelope.authority, closed.case_id, session=session) is not None:
        return None
    survey = await surveys.add(
        envelope.authority, closed, event_id=str(envelope.id), session=session
    )
    await outbox.add(
        session,
        SurveyRequested(
            case_id=closed.case_id,
            reference=closed.reference,
            kind=closed.kind,
            applicant_id=closed.applicant_id,
            language=closed.language,
            email=closed.email,
        ),
        authority=envelope.authority,
        actor=envelope.actor,
        subject=closed.case_id,
    )
    log.info("survey requested", extra={"event_id": str(envelope.id)})
    return survey


@dataclass(frozen=True)
class Answering:
    """What answering a survey needs."""

    mongo: Mongo
    surveys: SurveyRepository
    tallies: TallyRepository

    async def answer(
        self,
        authority: str,
        case_id: str,
        *,
        applicant_id: str,
        answer: SurveyAnswer,
        now: datetime,
        once: Once,
    ) -> SurveyView:
        """Keep the applicant's answer and count it; a second answer is a conflict."""

        async def work(session: Session) -> SurveyView:
            answered = await self.surveys.answer(
                authority,
                case_id,
                applicant_id=applicant_id,
                rating=answer.rating,
                comment=answer.said(),
                now=now,
                session=session,
            )
            if answered is None:
                found = await self.surveys.of_case(authority, case_id, session=session)
                if found is None or found.applicant_id != applicant_id:
                    raise SurveyNotFound()
                raise SurveyAlreadyAnswered()
            await self.tallies.add_answer(
                authority,
                case_kind=answered.case_kind,
                rating=answer.rating,
                at=now,
                session=session,
            )
            view = SurveyView.of(answered)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(work)


@dataclass(frozen=True)
class AnswerSlice:
    """A page of answers, and whether more follow."""

    answers: list[Survey]
    more: bool


async def newest_answers(
    surveys: SurveyRepository,
    tally: Tally,
    *,
    authority: str,
    case_kind: CaseKind | None,
    after: Position | None,
    limit: int,
) -> AnswerSlice:
    """Up to `limit` answers after the position, newest first.

    The store examines every answer within a query's bounds, so answers are read in windows
    of time, the first a day long, each twice the one before, until the page is full or the
    first answer is passed: a page costs about what it shows at any volume.
    """
    wanted = limit + 1
    found: list[Survey] = []
    if after is not None:
        # Answers at the position's own moment with a smaller id come first.
        found += await surveys.answered(
            authority,
            case_kind=case_kind,
            bounds={"answered_at": after.at, "_id": {"$lt": after.id}},
            limit=wanted,
        )
    until = after.at if after is not None else None
    span = FIRST_WINDOW
    while len(found) < wanted and tally.first_at is not None:
        if until is not None and until <= tally.first_at:
            break
        since = (until or datetime.now(UTC)) - span
        window: Document = {"$gte": since} if until is None else {"$gte": since, "$lt": until}
        found += await surveys.answered(
            authority,
            case_kind=case_kind,
            bounds={"answered_at": window},
            limit=wanted - len(found),
        )
        until = since
        span *= 2
    return AnswerSlice(answers=found[:limit], more=len(found) > limit)
