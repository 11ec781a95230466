"""What the plans API takes and answers."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cases.plans.models import ActionProgress, ByWhom, PlanStatus
from contracts.events.casework_plans import ActionCategory
from kit.fields import CalendarDate, Trimmed

Section = Annotated[str, Trimmed(4000, min_length=0)]
ActionText = Annotated[str, Trimmed(500)]
Notes = Annotated[str, Trimmed(1000, min_length=0)]
Reason = Annotated[str, Trimmed(1000, min_length=0)]
Days = Annotated[int, Field(strict=True, ge=1, le=365)]
# Only true or false: not 0, 1, "yes" or "no", which the document does not allow either.
Flag = Annotated[bool, Field(strict=True)]

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def _plausible(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"Give a date from {EARLIEST.year} to {LATEST.year}")
    return day


ActionDate = Annotated[
    CalendarDate,
    AfterValidator(_plausible),
    Field(description="When the action starts (2000-01-01 to 2099-12-31)."),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssessmentBody(_Strict):
    """The officer's assessment: each section at most 4000 characters, possibly empty."""

    circumstances: Section = Field(
        default="", description="The circumstances that caused homelessness or the threat of it."
    )
    housing_needs: Section = ""
    housing_wishes: Section = ""
    support_needs: Section = ""


class StartRequest(_Strict):
    """Start a case's plan, with the assessment so far if there is one."""

    assessment: AssessmentBody | None = None


class ActionRequest(_Strict):
    """An action to add. The applicant's own are always theirs to take."""

    category: ActionCategory
    text: ActionText
    by_whom: ByWhom = Field(description="Who takes it; always the applicant for their own.")
    complete_within_days: Days
    action_date: ActionDate | None = Field(
        default=None, description="When it starts; today (Europe/London) when not given."
    )
    required: Flag
    notes: Notes = ""


class ActionChange(_Strict):
    """Changes to an action; fields left out (or null) stay as they are. The applicant
    changes only `progress` and `notes`, of actions that are theirs to take."""

    category: ActionCategory | None = None
    text: ActionText | None = None
    by_whom: ByWhom | None = None
    complete_within_days: Days | None = None
    action_date: ActionDate | None = None
    required: Flag | None = None
    progress: ActionProgress | None = None
    notes: Notes | None = None

    def changes(self) -> dict[str, object]:
        """The fields given a value."""
        return {name: value for name, value in self.model_dump().items() if value is not None}


class AgreementRequest(_Strict):
    """The applicant agrees to the plan as issued, or says why not."""

    agrees: Flag
    reason: Reason | None = Field(
        default=None, description="Why not: needed (1 to 1000 characters) when agrees is false."
    )


class AssessmentView(BaseModel):
    """The officer's assessment."""

    circumstances: str
    housing_needs: str
    housing_wishes: str
    support_needs: str


class ActionView(BaseModel):
    """One action of a plan."""

    id: str
    category: ActionCategory
    text: str
    by_whom: ByWhom
    complete_within_days: int
    action_date: date
    required: bool
    target_date: date = Field(description="action_date + complete_within_days.")
    review_date: date = Field(description="target_date + 14 days.")
    progress: ActionProgress
    notes: str
    added_by: ByWhom
    created_at: datetime
    updated_at: datetime


class AgreementView(BaseModel):
    """What the applicant said to an issue of the plan."""

    agrees: bool
    reason: str | None
    at: datetime
    issue_number: int


class Progress(BaseModel):
    """Days since the plan was first issued (Europe/London), within the 56 days of the duty."""

    day: int = Field(ge=0, le=56)
    of: int = 56
    percent: int = Field(ge=0, le=100)


class PlanView(BaseModel):
    """A Personal Housing Plan as its caller sees it."""

    id: str
    case_id: str
    reference: str
    person_id: str
    status: PlanStatus
    version: int = Field(description="Also the ETag; every change raises it.")
    issue_number: int = Field(description="How many times it has been issued (0: never).")
    assessment: AssessmentView
    actions: list[ActionView]
    agreement: AgreementView | None
    progress: Progress
    actions_complete: int
    actions_total: int
    created_at: datetime
    updated_at: datetime
    first_issued_at: datetime | None
    issued_at: datetime | None
    submitted_at: datetime | None


class VersionItem(BaseModel):
    """One issue of a plan."""

    issue_number: int
    issued_at: datetime
    issued_by: str


class VersionList(BaseModel):
    """A plan's issues, newest first."""

    items: list[VersionItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class PlanSummary(BaseModel):
    """One of my plans, as I see it."""

    case_id: str
    reference: str
    status: PlanStatus
    issue_number: int
    issued_at: datetime | None
    progress: Progress
    actions_complete: int
    actions_total: int


class PlanList(BaseModel):
    """My plans, most recently issued first."""

    items: list[PlanSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
