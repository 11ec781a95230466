"""Request and response bodies of cases."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from cases.cases.details import (
    ContactDetails,
    Household,
    HouseholdChanges,
    RegisterDetails,
    Relationship,
)
from cases.cases.kinds import Action
from contracts.events.cases import CaseKind
from contracts.fields import Language
from kit.fields import CalendarDate, Trimmed

Reason = Annotated[str, Trimmed(2000)]
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseRequest(_Request):
    """A new application: saved as a draft, or submitted at once."""

    kind: CaseKind
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Answers to the kind's questions (see /kinds)."
    )
    household: Household = Field(default_factory=list)
    contact: ContactDetails | None = None
    submit: StrictBool = Field(
        default=False, description="Submit now; otherwise it is kept as a draft to finish later."
    )
    language: Language = Field(
        default="en", description="The language the applicant uses: what we send is in it."
    )


class AnswersChange(_Request):
    """New answers to some of a draft's questions; those not named stay as they were."""

    answers: dict[str, Any] = Field(min_length=1)


class HouseholdChange(_Request):
    """Everyone in the household, replacing the list held; numbers held may come back masked."""

    household: HouseholdChanges


class ContactChange(_Request):
    """The applicant's contact details, replacing those held."""

    contact: ContactDetails


class ActionRequest(_Request):
    """A transition to take; what it needs besides depends on the action (see /kinds)."""

    action: Action
    reason: Reason | None = None
    on: CalendarDate | None = Field(
        default=None, description="The day the duty began or the decision was notified."
    )
    register_details: RegisterDetails | None = None


class OwnerChange(_Request):
    """Who owns the case now; null leaves it unassigned."""

    owner_id: UserId | None


class StageChange(_Request):
    """The stage a complaint has reached."""

    stage: Annotated[str, StringConstraints(min_length=1, max_length=60)]


class CircumstancesRequest(_Request):
    """A change of circumstances: the new household or answers, and what changed."""

    note: Reason
    household: HouseholdChanges | None = None
    answers: dict[str, Any] | None = None


class Rejection(_Request):
    """Why a change of circumstances was not accepted."""

    reason: Reason


class Question(BaseModel):
    """One question of a kind."""

    id: str
    text: str
    required: bool
    schema_: dict[str, Any] = Field(alias="schema")


class StatusView(BaseModel):
    """A status of a kind."""

    name: str
    label: str


class TransitionView(BaseModel):
    """An allowed transition of a kind."""

    action: str
    sources: list[str]
    target: str
    by: list[str]
    needs_reason: bool
    needs_date: bool
    needs_register: bool


class KindView(BaseModel):
    """A kind of case the authority offers."""

    kind: CaseKind
    title: str
    questions: list[Question]
    statuses: list[StatusView]
    transitions: list[TransitionView]
    stages: list[str]


class KindList(BaseModel):
    """The kinds of case the authority offers."""

    items: list[KindView]


class HouseholdMemberView(BaseModel):
    """A member of the household; the NI number is masked except to officers."""

    name: str
    national_insurance_number: str | None
    date_of_birth: date
    relationship: Relationship


class ClockView(BaseModel):
    """A statutory period: calendar days by law, with the working days left shown too."""

    name: str
    label: str
    started_on: date
    due_on: date
    period_days: int
    days_remaining: int
    working_days_remaining: int
    running: bool


class ChangeView(BaseModel):
    """A change of circumstances."""

    id: str
    status: str
    note: str
    submitted_at: datetime
    household: list[HouseholdMemberView] | None
    answers: dict[str, Any] | None
    decided_at: datetime | None
    reason: str | None


class CaseSummary(BaseModel):
    """A case in a list."""

    id: str
    reference: str
    kind: CaseKind
    title: str
    status: str
    status_label: str
    owner_id: str | None
    applicant_id: str
    complainant_name: str | None
    landlord_name: str | None
    applicant_name: str | None = Field(
        description="Who the case is for: the complainant, or the household's applicant."
    )
    case_type: str | None = Field(description="A complaint's type of case.")
    stage: str | None = Field(description="A complaint's stage.")
    created_at: datetime
    submitted_at: datetime | None
    closed_at: datetime | None
    next_deadline: date | None
    version: int


class CaseView(CaseSummary):
    """A case with everything the caller may see of it."""

    answers: dict[str, Any]
    household: list[HouseholdMemberView]
    contact: ContactDetails | None
    stages: dict[str, date | None]
    clocks: list[ClockView]
    register_details: RegisterDetails | None
    organisation_id: str | None
    closure_reason: str | None
    draft_expires_on: date | None
    change: ChangeView | None
    actions: list[str] = Field(description="The actions the caller may take now.")


class CaseList(BaseModel):
    """A page of cases."""

    items: list[CaseSummary]
    next_cursor: str | None


class HistoryView(BaseModel):
    """One entry of a case's history."""

    at: datetime
    actor_id: str
    actor: str
    action: str
    from_status: str | None
    to_status: str
    reason: str | None
    details: dict[str, Any]


class HistoryList(BaseModel):
    """A page of a case's history, in the order asked for."""

    items: list[HistoryView]
    next_cursor: str | None = None
