"""What the delivery API answers: delivery status, never an email's content."""

from datetime import datetime

from pydantic import BaseModel, Field

from kit.mongo import Document
from notifications.emails.models import DeliveryStatus


class DeliverySummary(BaseModel):
    """One email delivery as the list shows it."""

    id: str = Field(description="The delivery id.")
    template: str = Field(description="Which email it is, e.g. `password_reset`.")
    to: str = Field(description="The address it is sent to.")
    user_id: str | None = Field(description="The account it is about, if there is one.")
    case_id: str | None = Field(default=None, description="The case it is about, if any.")
    status: DeliveryStatus
    sent_at: datetime | None = Field(default=None, description="When the relay took it.")
    attempts: int = Field(description="Sending attempts started so far.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_record(cls, record: Document) -> "DeliverySummary":
        """The summary of a stored delivery."""
        return cls.model_validate({**record, "id": record["_id"]})


class Delivery(DeliverySummary):
    """One email delivery in full, still without its content."""

    event_id: str = Field(description="The event that asked for the email.")
    event_type: str
    subject: str
    message_id: str = Field(description="The Message-ID header, the same on every attempt.")
    last_error: str | None = Field(description="Why the last attempt failed, if one did.")
    next_attempt_at: datetime | None = Field(
        description="When the next attempt is due, while the delivery is queued."
    )
    failed_at: datetime | None

    @classmethod
    def from_record(cls, record: Document) -> "Delivery":
        """The detail of a stored delivery."""
        due = record.get("due_at") if record.get("status") == "queued" else None
        return cls.model_validate({**record, "id": record["_id"], "next_attempt_at": due})


class DeliveryPage(BaseModel):
    """A page of deliveries, newest first."""

    items: list[DeliverySummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
