"""Tasks as they are stored."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.cases import CaseKind
from kit.mongo import Document

TaskStatus = Literal["new", "complete", "unable_to_complete"]
Review = Literal["pending", "accepted"]


class TaskRecord(BaseModel):
    """One task an officer set on a case for its applicant or a landlord's user."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    reference: str
    case_kind: CaseKind
    assignee: Literal["applicant", "landlord"]
    assignee_id: str
    title: str
    description: str
    # ISO date, so ranges on it compare as text in the store.
    target_date: str
    status: TaskStatus
    # Whether the task waits for its person: the "my tasks" list reads these by index.
    open: bool
    reason: str | None = None
    review: Review | None = None
    review_note: str | None = None
    set_by: str
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None = None
    version: int

    @classmethod
    def of(cls, document: Document) -> "TaskRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store."""
        return self.model_dump(mode="json", by_alias=True) | {
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "done_at": self.done_at,
        }

    def due_on(self) -> date:
        """The target date."""
        return date.fromisoformat(self.target_date)
