"""All data access of letters: each query's equality prefix names one case (and one person)
or one person, and pages go newest first by index ranges."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from cases.letters.models import LetterRecord
from kit.mongo import Index, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

LETTERS = "letters"

INDEXES = [
    Index(
        LETTERS,
        [("authority", 1), ("case_id", 1), ("issued_at", -1), ("_id", -1)],
        name="letters_of_case",
    ),
    Index(
        LETTERS,
        [("authority", 1), ("case_id", 1), ("person_id", 1), ("issued_at", -1), ("_id", -1)],
        name="letters_of_case_person",
    ),
    Index(
        LETTERS,
        [("authority", 1), ("person_id", 1), ("issued_at", -1), ("_id", -1)],
        name="letters_of_person",
    ),
]


@dataclass(frozen=True)
class Page:
    """Some letters and the cursor of the next page, if there is one."""

    items: list[LetterRecord]
    next_cursor: str | None


class Letters(AuthorityRepository):
    """Letters of one authority."""

    collection_name = LETTERS

    async def get(
        self, authority: str, letter_id: str, *, session: Session | None = None
    ) -> LetterRecord | None:
        """One letter (none for an id this service never makes)."""
        if len(letter_id) != 32 or not all(c in "0123456789abcdef" for c in letter_id):
            return None
        found = await self.find_one(authority, {"_id": letter_id}, session=session)
        return LetterRecord.of(found) if found is not None else None

    async def add(self, record: LetterRecord, *, session: Session) -> None:
        """Store a new letter."""
        await self.insert(record.authority, record.stored(), session=session)

    async def mark(
        self, letter: LetterRecord, field: str, *, at: datetime, session: Session
    ) -> LetterRecord | None:
        """Set when the letter was first opened or acknowledged; none if it already was."""
        found = await self.collection.find_one_and_update(
            scoped(letter.authority, {"_id": letter.id, field: None}),
            {"$set": {field: at}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return LetterRecord.of(found) if found is not None else None

    async def page(
        self, authority: str, query: Mapping[str, Any], *, limit: int, cursor: Position | None
    ) -> Page:
        """Matching letters newest first."""
        found = await newest_first(
            self.collection,
            scoped(authority, query),
            field="issued_at",
            after=cursor,
            limit=limit + 1,
        )
        items = [LetterRecord.of(document) for document in found]
        if len(items) <= limit:
            return Page(items, None)
        shown = items[:limit]
        return Page(shown, Position(at=shown[-1].issued_at, id=shown[-1].id).encode())
