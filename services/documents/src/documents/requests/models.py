"""Document requests as they are stored."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kit.mongo import Document

RequestStatus = Literal["open", "supplied"]


class RequestRecord(BaseModel):
    """A document an officer asked for on a case, for one person, and whether it came."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    person: str | None
    classification: str
    note: str
    due_on: str | None = None
    status: RequestStatus = "open"
    document_id: str | None = None
    rejection_reason: str | None = None
    requested_by: str
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def of(cls, document: Document) -> "RequestRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)
