"""What the messages API accepts and returns."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.authority import ReplyRule
from contracts.events.cases import CaseKind
from kit.fields import Trimmed

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Subject = Annotated[str, Trimmed(120)]
Body = Annotated[str, Trimmed(2000)]
DocumentId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Attachments = Annotated[
    list[DocumentId],
    Field(
        default_factory=list,
        max_length=10,
        description="Ids of documents of the case to attach (at most 10).",
    ),
]
Sender = Literal["staff", "applicant", "landlord"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageRequest(_Strict):
    """A message an officer sends on a case."""

    recipient: Literal["applicant", "landlord"] = Field(
        description="The case's applicant, or a user of the landlord a complaint is about."
    )
    landlord_user_id: Identifier | None = Field(
        default=None, description="The landlord's user the message is for (recipient landlord)."
    )
    subject: Subject
    body: Body
    attachments: Attachments


class ReplyRequest(_Strict):
    """A reply to a message."""

    body: Body
    attachments: Attachments


class ReplyView(BaseModel):
    """One reply to a message."""

    id: str
    sender_id: str
    sender: Sender
    body: str
    attachments: list[str]
    at: datetime


class MessageSummary(BaseModel):
    """A message in a list."""

    id: str
    case_id: str
    reference: str
    case_kind: CaseKind
    application_type: str = Field(description="The kind of application, as its title reads.")
    recipient: Literal["applicant", "landlord"]
    recipient_id: str
    subject: str
    sender_id: str
    sender: Sender = "staff"
    sent_at: datetime
    last_at: datetime
    unread: bool = Field(description="Whether the caller has yet to read it (its person only).")
    replies: int


class MessageView(MessageSummary):
    """One message in full, with its replies."""

    body: str
    attachments: list[str]
    thread: list[ReplyView]
    reply_rule: ReplyRule
    may_reply: bool = Field(description="Whether the caller may reply now.")


class MessageList(BaseModel):
    """Messages, newest first."""

    items: list[MessageSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class UnreadCount(BaseModel):
    """How many of the caller's messages they have not read."""

    unread: int
