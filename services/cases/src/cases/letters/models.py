"""Letters as they are stored: what was sent, by whom, and when it was opened and
acknowledged. The letter itself is its PDF, kept with the case's documents."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.casework_meetings import LetterTemplate
from contracts.fields import Language
from kit.mongo import Document


class LetterRecord(BaseModel):
    """One letter on a case, to the person concerned."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    authority: str
    case_id: str
    reference: str
    person_id: str
    template: LetterTemplate
    title: str
    language: Language
    created_by: str
    # The name the officer signed with: "Created by" in the person's list.
    signed_by: str
    issued_at: datetime
    document_id: str
    viewed_at: datetime | None = None
    acknowledged_at: datetime | None = None
    version: int = 1

    @classmethod
    def of(cls, document: Document) -> "LetterRecord":
        """The typed record of a stored document."""
        return cls.model_validate(document)

    def stored(self) -> Document:
        """The document to store, times as dates the store orders."""
        return self.model_dump(mode="json", by_alias=True) | {
            "issued_at": self.issued_at,
            "viewed_at": self.viewed_at,
            "acknowledged_at": self.acknowledged_at,
        }
