"""Messages as they are stored."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.cases import CaseKind
from kit.mongo import Document

Side = Literal["applicant", "landlord"]


class Reply(BaseModel):
    """One reply to a message."""

    model_config = ConfigDict(extra="ignore")

    id: str
    sender_id: str
    sender: Literal["staff", "applicant", "landlord"]
    body: str
    attachments: list[str] = Field(default_factory=list)
    at: datetime


class MessageRecord(BaseModel):
    """One message an officer sent on a case to its applicant or a landlord's user, with the
    replies to it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    reference: str
    case_kind: CaseKind
    recipient: Side
    recipient_id: str
    subject: str
    body: str
    attachments: list[str] = Field(default_factory=list)
    sender_id: str
    created_at: datetime
    # Whether its person has not yet read what was last sent to them.
    unread: bool
    read_at: datetime | None = None
    # Replies from the person's side: the authority may take only one.
    person_replies: int = 0
    replies: list[Reply] = Field(default_factory=list)
    last_at: datetime

    @classmethod
    def of(cls, document: Document) -> "MessageRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store."""
        return self.model_dump(mode="json", by_alias=True) | {
            "created_at": self.created_at,
            "read_at": self.read_at,
            "last_at": self.last_at,
            "replies": [reply.model_dump(mode="json") | {"at": reply.at} for reply in self.replies],
        }
