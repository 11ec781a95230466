"""Cases and their history as they are stored."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cases.cases.details import ContactDetails, HouseholdMember, RegisterDetails, Stages
from contracts.events.cases import CaseKind
from contracts.fields import Language
from kit.mongo import Document


class _Stored(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ChangeOfCircumstances(_Stored):
    """A change the applicant asked for on a live register application."""

    id: str
    status: Literal["submitted", "verified", "rejected"]
    note: str
    household: list[HouseholdMember] | None = None
    answers: dict[str, Any] | None = None
    submitted_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None


class CaseRecord(_Stored):
    """One case of one authority."""

    id: str = Field(alias="_id")
    authority: str
    reference: str
    kind: CaseKind
    status: str
    open: bool
    applicant_id: str
    owner_id: str | None = None
    # The landlord a complaint is about: its users see and work the case.
    organisation_id: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    household: list[HouseholdMember] = Field(default_factory=list)
    contact: ContactDetails | None = None
    stages: Stages = Field(default_factory=Stages)
    register_details: RegisterDetails | None = None
    stage: str | None = None
    change: ChangeOfCircumstances | None = None
    created_at: datetime
    submitted_at: datetime | None = None
    closed_at: datetime | None = None
    closure_reason: str | None = None
    updated_at: datetime
    version: int
    # The last day of the statutory clock running now (ISO date, so ranges compare as text).
    next_deadline: str | None = None
    draft_expires_on: str | None = None
    draft_warned: bool = False
    # The language the applicant uses: what is sent to them about the case is in it.
    language: Language = "en"

    @classmethod
    def of(cls, document: Document) -> "CaseRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store."""
        return self.model_dump(mode="json", by_alias=True) | {
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "submitted_at": self.submitted_at,
            "closed_at": self.closed_at,
        }


class HistoryEntry(_Stored):
    """One recorded change of a case: who, when, what, from which status to which, and why."""

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    at: datetime
    actor_id: str
    actor: Literal["applicant", "staff", "landlord", "system"]
    action: str
    from_status: str | None
    to_status: str
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
