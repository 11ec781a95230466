"""What the letters API takes and answers."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.casework_meetings import LetterTemplate
from contracts.fields import Language
from kit.fields import Trimmed

Title = Annotated[str, Trimmed(200)]
Body = Annotated[str, Trimmed(10000)]
Name = Annotated[str, Trimmed(120)]


class LetterRequest(BaseModel):
    """A letter to issue from a template, with the officer's own words."""

    model_config = ConfigDict(extra="forbid")

    template: LetterTemplate
    title: Title
    body: Body = Field(description="What the officer writes; blank lines separate paragraphs.")
    signed_by: Name = Field(description="The officer's name, as the letter is signed.")


class LetterView(BaseModel):
    """A letter as the API shows it: NEW until the person concerned opens it."""

    id: str
    case_id: str
    reference: str
    person_id: str
    template: LetterTemplate
    title: str
    language: Language
    created_by: str
    signed_by: str
    issued_at: datetime
    document_id: str
    viewed_at: datetime | None
    acknowledged_at: datetime | None
    new: bool = Field(description="Not opened yet by the person it is for.")
    version: int


class LetterList(BaseModel):
    """A page of letters, newest first."""

    items: list[LetterView]
    next_cursor: str | None = None
