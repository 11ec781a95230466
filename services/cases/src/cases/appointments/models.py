"""Appointments as they are stored."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.casework_meetings import AppointmentHow, AppointmentType
from contracts.fields import Language
from kit.mongo import Document

AppointmentStatus = Literal["booked", "cancelled"]


class AppointmentRecord(BaseModel):
    """One appointment on a case, between an officer and the person concerned (UTC times)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    reference: str
    # Whom the officer meets: the applicant, or on a complaint a user of its landlord.
    person_id: str
    officer_id: str
    officer_name: str
    appointment_type: AppointmentType
    how: AppointmentHow
    # Where, or the number to call, or the video link.
    detail: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus = "booked"
    # iCalendar's SEQUENCE: grows on every change, so calendars replace their copy.
    sequence: int = 0
    cancel_reason: str | None = None
    booked_by: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None = None
    version: int = 1
    language: Language = "en"

    @classmethod
    def of(cls, document: Document) -> "AppointmentRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store, times as dates the store orders."""
        return self.model_dump(mode="json", by_alias=True) | {
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "cancelled_at": self.cancelled_at,
        }
