"""Events about what people are asked for, published by the notifications service."""

from pydantic import Field

from contracts.events.cases import CaseKind, Identifier, Reference
from contracts.fields import EmailAddress, Language
from contracts.payload import EventPayload


class SurveyRequested(EventPayload):
    """The applicant of a closed case is asked how satisfied they are with the service."""

    event_type = "notifications.survey.requested"
    event_version = 1

    case_id: Identifier
    reference: Reference
    kind: CaseKind
    applicant_id: Identifier
    language: Language = Field(
        default="en", description="The language the applicant uses: what they are asked in."
    )
    email: EmailAddress | None = Field(
        default=None,
        description="The applicant's email address, only when they said it is OK to email them.",
    )
