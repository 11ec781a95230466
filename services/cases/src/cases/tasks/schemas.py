"""What the tasks API accepts and returns."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.cases import CaseKind
from kit.fields import CalendarDate, Trimmed

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Title = Annotated[str, Trimmed(120)]
Description = Annotated[str, Trimmed(2000)]
Reason = Annotated[str, Trimmed(280)]
Note = Annotated[str, Trimmed(2000)]

ShownStatus = Literal["new", "complete", "unable_to_complete", "overdue"]
TaskAction = Literal["complete", "unable_to_complete", "accept", "reopen"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskRequest(_Strict):
    """A task an officer sets on a case."""

    title: Title
    description: Description
    target_date: CalendarDate
    assignee: Literal["applicant", "landlord"] = Field(
        description="The case's applicant, or a user of the landlord a complaint is about."
    )
    landlord_user_id: Identifier | None = Field(
        default=None, description="The landlord's user the task is for (assignee landlord)."
    )


class UnableToComplete(_Strict):
    """Why the person cannot complete the task."""

    reason: Reason


class TaskReview(_Strict):
    """A caseworker's review of a task its person could not complete."""

    decision: Literal["accept", "reopen"]
    note: Note | None = Field(
        default=None, description="Why it is set again; needed to re-open the task."
    )


class TaskView(BaseModel):
    """One task as its caller sees it."""

    id: str
    case_id: str
    reference: str
    case_kind: CaseKind
    application_type: str = Field(description="The kind of application, as its title reads.")
    title: str
    description: str
    target_date: date
    status: ShownStatus = Field(
        description="new, complete, unable_to_complete, or overdue once the target date "
        "(Europe/London) has passed and it is still new."
    )
    assignee: Literal["applicant", "landlord"]
    assignee_id: str
    reason: str | None
    review: Literal["pending", "accepted"] | None
    review_note: str | None
    set_by: str
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    version: int
    actions: list[TaskAction] = Field(description="What the caller may do with it now.")


class TaskList(BaseModel):
    """Tasks, soonest target date first."""

    items: list[TaskView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
