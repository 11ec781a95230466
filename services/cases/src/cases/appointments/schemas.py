"""What the appointments API takes and answers."""

from datetime import datetime, timedelta
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cases.appointments.models import AppointmentStatus
from contracts.events.casework_meetings import AppointmentHow, AppointmentType
from contracts.fields import Language
from kit.fields import Trimmed

# The longest an appointment may last: a day's interviews, never a booking across days.
LONGEST = timedelta(hours=12)
# The years an appointment may be in: far enough either way for any real one.
FIRST_YEAR = 2000
LAST_YEAR = 2099
Text = Annotated[str, Trimmed(500)]
Name = Annotated[str, Trimmed(120)]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Times(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(
        description="When it starts, with its offset (e.g. 2027-03-29T10:00:00+01:00)."
    )
    ends_at: AwareDatetime = Field(description="When it ends, after it starts, the same day.")

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if not FIRST_YEAR <= self.starts_at.year <= LAST_YEAR:
            raise ValueError(f"The appointment must be between {FIRST_YEAR} and {LAST_YEAR}")
        if not self.starts_at < self.ends_at <= self.starts_at + LONGEST:
            raise ValueError("The appointment must end after it starts, within 12 hours")
        return self


class AppointmentRequest(_Times):
    """An appointment to book on a case."""

    appointment_type: AppointmentType
    how: AppointmentHow = Field(description="In person, by phone or by video call.")
    detail: Text = Field(description="Where, the number to call, or the video link.")
    officer_name: Name = Field(description="The officer's name, as the person will see it.")
    officer_id: PersonId | None = Field(
        default=None, description="The officer the person meets; the caller by default."
    )
    person_id: PersonId | None = Field(
        default=None,
        description="Whom the officer meets: the applicant by default; on a complaint, a user "
        "of the landlord the complaint is about.",
    )


class AppointmentChange(_Times):
    """A move: new times, and optionally a new way, place or officer."""

    appointment_type: AppointmentType | None = None
    how: AppointmentHow | None = None
    detail: Text | None = None
    officer_name: Name | None = None
    officer_id: PersonId | None = None


class Cancellation(BaseModel):
    """Why an appointment is cancelled."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Trimmed(500, min_length=0)] | None = None


class AppointmentView(BaseModel):
    """An appointment as the API shows it (times in UTC)."""

    id: str
    case_id: str
    reference: str
    person_id: str
    officer_id: str
    officer_name: str
    appointment_type: AppointmentType
    how: AppointmentHow
    detail: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    sequence: int
    cancel_reason: str | None
    cancelled_at: datetime | None
    language: Language
    created_at: datetime
    updated_at: datetime
    version: int


class AppointmentList(BaseModel):
    """A page of appointments, soonest first."""

    items: list[AppointmentView]
    next_cursor: str | None = None
