"""Personal Housing Plans as they are stored: one plan per homelessness case, its assessment
and actions, and the copy the applicant reads; each issue kept as a version."""

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.casework_plans import ActionCategory
from contracts.fields import Language
from kit.mongo import Document

PlanStatus = Literal["draft", "issued", "in_review"]
ByWhom = Literal["applicant", "officer"]
ActionProgress = Literal["open", "in_progress", "complete"]

# The statutory duty the plan works within: its progress counts these days.
DUTY_DAYS = 56
# An action is reviewed this many days after its target date.
REVIEW_AFTER_DAYS = 14


class Assessment(BaseModel):
    """The officer's assessment: four sections, each possibly empty."""

    model_config = ConfigDict(extra="ignore")

    circumstances: str = ""
    housing_needs: str = ""
    housing_wishes: str = ""
    support_needs: str = ""


class ActionRecord(BaseModel):
    """One action of a plan, for the applicant or the officer to take."""

    model_config = ConfigDict(extra="ignore")

    id: str
    category: ActionCategory
    text: str
    by_whom: ByWhom
    complete_within_days: int
    action_date: date
    required: bool
    progress: ActionProgress = "open"
    notes: str = ""
    added_by: ByWhom
    created_at: datetime
    updated_at: datetime
    # When it was last marked complete since the applicant was last told of it: the end was
    # told at once (their reminders stop), so an issue that finds it open again tells them
    # it is open again, even if no issue in between ever showed it complete.
    ended_at: datetime | None = None

    @property
    def target_date(self) -> date:
        """When it should be done by."""
        return self.action_date + timedelta(days=self.complete_within_days)

    @property
    def review_date(self) -> date:
        """When it is reviewed."""
        return self.target_date + timedelta(days=REVIEW_AFTER_DAYS)


class Agreement(BaseModel):
    """What the applicant said to an issue of the plan."""

    agrees: bool
    reason: str | None = None
    at: datetime
    issue_number: int


class PlanContent(BaseModel):
    """What a plan says and where it stands: what is kept of each issue, and the copy the
    applicant reads."""

    model_config = ConfigDict(extra="ignore")

    status: PlanStatus
    version: int
    issue_number: int = 0
    assessment: Assessment = Field(default_factory=Assessment)
    actions: list[ActionRecord] = Field(default_factory=list)
    agreement: Agreement | None = None
    created_at: datetime
    updated_at: datetime
    first_issued_at: datetime | None = None
    issued_at: datetime | None = None
    submitted_at: datetime | None = None

    def content(self) -> "PlanContent":
        """Only what a plan says and where it stands."""
        return PlanContent.model_validate(self.model_dump())

    def action(self, action_id: str) -> ActionRecord | None:
        """One of its actions."""
        return next((action for action in self.actions if action.id == action_id), None)


class PlanRecord(PlanContent):
    """The live plan of a case, as its officers work on it."""

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    reference: str
    person_id: str
    language: Language = "en"
    started_by: str
    # The applicant once the plan has been issued to them: their list of plans reads by it.
    reader_id: str | None = None
    # When the applicant's copy was last issued: their list is newest first by it.
    listed_at: datetime | None = None
    # The plan as the applicant last saw it issued (with their own changes since), shown to
    # them while the officer revises it.
    published: PlanContent | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def of(cls, document: Document) -> "PlanRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store; the times its lists order by as dates the store orders."""
        return self.model_dump(mode="json", by_alias=True) | {"listed_at": self.listed_at}


class VersionRecord(BaseModel):
    """One issue of a plan, as it was issued."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    plan_id: str
    issue_number: int
    issued_at: datetime
    issued_by: str
    plan: PlanContent

    @classmethod
    def of(cls, document: Document) -> "VersionRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store."""
        return self.model_dump(mode="json", by_alias=True) | {"issued_at": self.issued_at}
