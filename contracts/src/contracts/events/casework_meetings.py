"""Events about a case's appointments and letters, published by the cases service.

They name the case, the appointment or letter, and the people concerned, and an
appointment's times (UTC), so that reminders and notifications can be made from them. A
letter's content never goes with its events: whoever needs it reads the letter's PDF.
"""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events.cases import Identifier, Reference
from contracts.fields import Language
from contracts.payload import EventPayload

AppointmentType = Literal["interview", "assessment", "viewing", "review"]
AppointmentHow = Literal["in_person", "phone", "video"]
LetterTemplate = Literal["decision", "general_advice", "appointment", "request_for_information"]


class _OnCase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: Identifier
    reference: Reference
    person_id: Identifier = Field(description="The person the appointment or letter is for.")
    language: Language = Field(
        default="en", description="The language the applicant uses: what they are told is in it."
    )


class _Appointment(_OnCase):
    appointment_id: Identifier
    officer_id: Identifier = Field(description="The officer the person meets.")
    appointment_type: AppointmentType
    how: AppointmentHow
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    sequence: int = Field(ge=0, description="Grows each time the appointment is changed.")


class AppointmentBooked(EventPayload, _Appointment):
    """An officer booked an appointment on a case."""

    event_type = "cases.appointment.booked"
    event_version = 1


class AppointmentChanged(EventPayload, _Appointment):
    """An appointment was moved or its details changed."""

    event_type = "cases.appointment.changed"
    event_version = 1

    previous_starts_at: AwareDatetime


class AppointmentCancelled(EventPayload, _Appointment):
    """An appointment was cancelled."""

    event_type = "cases.appointment.cancelled"
    event_version = 1


class LetterIssued(EventPayload, _OnCase):
    """An officer issued a letter on a case; its PDF is kept with the case's documents."""

    event_type = "cases.letter.issued"
    event_version = 1

    letter_id: Identifier
    template: LetterTemplate
    created_by: Identifier
    document_id: Identifier


class LetterAcknowledged(EventPayload, _OnCase):
    """The person a letter is for acknowledged it."""

    event_type = "cases.letter.acknowledged"
    event_version = 1

    letter_id: Identifier
    acknowledged_at: AwareDatetime
