"""Documents as they are stored, and uploads not yet finished."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kit.mongo import Document

DocumentState = Literal["uploaded", "verified", "rejected"]
Source = Literal["upload", "generated"]
UploaderRole = Literal["applicant", "staff", "landlord", "system"]


class DocumentRecord(BaseModel):
    """One document on one case: its file's facts, what it is, and whether it was checked."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    key: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    person: str | None
    description: str
    classification: str
    sensitive: bool
    shared_with_landlord: bool
    source: Source
    uploaded_by: str
    uploader_role: UploaderRole
    request_id: str | None = None
    state: DocumentState = "uploaded"
    decided_by: str | None = None
    decided_at: datetime | None = None
    rejection_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def of(cls, document: Document) -> "DocumentRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store (times kept as dates, not text)."""
        return self.model_dump(by_alias=True)


class UploadIntent(BaseModel):
    """A file being written: kept until its record is saved, so a failed upload's file can
    be found and removed."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    key: str
    started_at: datetime
