"""Events about the tasks and messages of a case, published by the cases service.

Each names the case, its reference and the people concerned, so that whoever tells them
knows whom to tell; free text (descriptions, reasons, notes, message bodies) stays in the
cases service, and only titles and subjects travel.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.cases import Identifier, Reference
from contracts.fields import Language
from contracts.payload import EventPayload

Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Party = Literal["applicant", "landlord"]


class _OnCase(BaseModel):
    """What every task or message event names: the case and who is told."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: Identifier
    reference: Reference
    applicant_id: Identifier
    owner_id: Identifier | None = Field(
        default=None, description="The officer who owns the case, if any."
    )
    language: Language = Field(
        default="en", description="The language the applicant uses: what they are told is in it."
    )


class _Task(_OnCase):
    task_id: Identifier
    title: Title
    assignee_id: Identifier = Field(description="The person the task is set for.")
    assignee: Party = Field(description="Whether the task is the applicant's or a landlord's.")
    target_date: date


class TaskAssigned(EventPayload, _Task):
    """An officer set a task on a case for the applicant or a landlord's user."""

    event_type = "cases.task.assigned"
    event_version = 1

    set_by: Identifier


class TaskCompleted(EventPayload, _Task):
    """The person marked their task complete."""

    event_type = "cases.task.completed"
    event_version = 1

    completed_by: Identifier


class TaskUnableToComplete(EventPayload, _Task):
    """The person said they cannot complete their task; a caseworker reviews their reason."""

    event_type = "cases.task.unable_to_complete"
    event_version = 1

    told_by: Identifier


class TaskReopened(EventPayload, _Task):
    """A caseworker reviewed a task its person could not complete and set it again."""

    event_type = "cases.task.reopened"
    event_version = 1

    reopened_by: Identifier


class _Message(_OnCase):
    message_id: Identifier
    subject: Title
    sender_id: Identifier
    recipient_ids: list[Identifier] = Field(
        description="Whom to tell: the person the message is for, or the officers concerned."
    )


class MessageSent(EventPayload, _Message):
    """An officer sent a message on a case to the applicant or a landlord's user."""

    event_type = "cases.message.sent"
    event_version = 1

    recipient: Party


class MessageReplied(EventPayload, _Message):
    """Someone replied to a message on a case."""

    event_type = "cases.message.replied"
    event_version = 1

    reply_id: Identifier
