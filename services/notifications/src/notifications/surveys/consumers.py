"""The consumer that asks for a survey when a case closes."""

from contracts.envelope import Envelope
from contracts.events.cases import CaseClosed
from contracts.payload import EventPayload
from kit.events.consumer import Subscription
from kit.events.outbox import Outbox
from kit.mongo import Mongo, Session
from notifications.surveys.repository import SurveyRepository, SurveySettingsRepository
from notifications.surveys.service import ask_on_close

SURVEYS = "surveys"


def surveys_subscription(mongo: Mongo, *, outbox: Outbox) -> Subscription:
    """Record the survey of a closed case and the event that tells its applicant, in the
    consumer's transaction."""
    surveys = SurveyRepository(mongo)
    settings = SurveySettingsRepository(mongo)

    async def ask(envelope: Envelope, payload: EventPayload, session: Session) -> None:
        if isinstance(payload, CaseClosed):
            await ask_on_close(
                envelope,
                payload,
                surveys=surveys,
                settings=settings,
                outbox=outbox,
                session=session,
            )

    return Subscription(purpose=SURVEYS, bindings=[CaseClosed.event_type], handler=ask)
