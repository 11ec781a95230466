"""Request and response bodies of the documents API."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.fields import Trimmed

Person = Annotated[str, Trimmed(200)]
Description = Annotated[str, Trimmed(500, min_length=0)]
Classification = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
]
Identifier = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Reason = Annotated[str, Trimmed(2000)]
Note = Annotated[str, Trimmed(2000, min_length=0)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UploadItem(_Request):
    """What one uploaded file is: sent as the form's `documents` field, one per file, in the
    order of the files."""

    person: Person | None = Field(
        default=None, description="The household member it concerns (from the request if any)."
    )
    description: Description = ""
    classification: Classification | None = Field(
        default=None, description="One of the authority's classifications (or the request's)."
    )
    sensitive: bool = False
    shared_with_landlord: bool = Field(
        default=False, description="Staff only: the complaint's landlord users may see it."
    )
    request_id: Identifier | None = Field(
        default=None, description="The document request this file supplies."
    )


UploadItems = Annotated[list[UploadItem], Field(min_length=1, max_length=10)]


class UploadForm(_Request):
    """The `documents` field of an upload."""

    documents: UploadItems


class DocumentView(BaseModel):
    """A document on a case, with its state."""

    id: str
    case_id: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    person: str | None
    description: str
    classification: str
    classification_label: str
    sensitive: bool
    shared_with_landlord: bool
    source: Literal["upload", "generated"]
    uploaded_by: str
    uploader_role: str
    request_id: str | None
    state: Literal["uploaded", "verified", "rejected"]
    rejection_reason: str | None
    decided_at: datetime | None
    created_at: datetime
    version: int


class DocumentList(BaseModel):
    """Documents just uploaded."""

    items: list[DocumentView]


class DocumentPage(BaseModel):
    """A page of a case's documents, newest first."""

    items: list[DocumentView]
    next_cursor: str | None


class Rejection(_Request):
    """Why a document is rejected (the applicant reads it)."""

    reason: Reason


class Sharing(_Request):
    """Whether the complaint's landlord users may see a document."""

    shared_with_landlord: bool


class RequestCreate(_Request):
    """A document an officer asks for."""

    person: Person | None = None
    classification: Classification
    due_on: date | None = None
    note: Note = ""


class RequestView(BaseModel):
    """A document asked for, and whether it was supplied."""

    id: str
    case_id: str
    person: str | None
    classification: str
    classification_label: str
    note: str
    due_on: date | None
    status: Literal["open", "supplied"]
    document_id: str | None
    rejection_reason: str | None
    requested_by: str
    created_at: datetime
    version: int


class RequestList(BaseModel):
    """Documents required and supplied on a case: "2 of 5 supplied"."""

    items: list[RequestView]
    supplied: int
    total: int


class ClassificationView(BaseModel):
    """One classification a document may have."""

    code: str
    label: str


class UploadLimits(BaseModel):
    """What this housing service accepts as uploads."""

    max_bytes: int
    max_files: int
    allowed_extensions: list[str]
    classifications: list[ClassificationView]
