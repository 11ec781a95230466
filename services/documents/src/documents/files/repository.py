"""All data access for documents and unfinished uploads."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from documents.files.models import DocumentRecord, UploadIntent
from kit.mongo import Index, Mongo, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

DOCUMENTS = "documents"
INTENTS = "upload_intents"
SWEEP_POSITIONS = "sweep_positions"

# Documents of a case read at a time while a page of those the caller may see is filled.
PAGE_BATCH = 100

INDEXES = [
    # Every per-request list is of one case: the case selects a few documents.
    Index(
        DOCUMENTS, [("authority", 1), ("case_id", 1), ("created_at", -1), ("_id", -1)], "by_case"
    ),
    Index(INTENTS, [("started_at", 1)], name="by_start"),
]


@dataclass(frozen=True)
class DocumentPage:
    """A page of documents and the cursor of the next one."""

    items: list[DocumentRecord]
    next_cursor: str | None


class Documents(AuthorityRepository):
    """The documents of each authority's cases."""

    collection_name = DOCUMENTS

    async def get(
        self, authority: str, case_id: str, document_id: str, *, session: Session | None = None
    ) -> DocumentRecord | None:
        """One document of a case."""
        found = await self.find_one(
            authority, {"_id": document_id, "case_id": case_id}, session=session
        )
        return DocumentRecord.of(found) if found is not None else None

    async def add(self, record: DocumentRecord, *, session: Session) -> None:
        """Store a new document."""
        await self.insert(record.authority, record.stored(), session=session)

    async def page(
        self,
        authority: str,
        case_id: str,
        *,
        shown: Callable[[DocumentRecord], bool],
        limit: int,
        cursor: Position | None,
    ) -> DocumentPage:
        """A case's documents the caller may see (`shown`), newest first.

        Read by the index's (authority, case_id) prefix a batch at a time and judged here: who
        may see what is an $or, which the store's planner answers by reading every document."""
        items: list[DocumentRecord] = []
        after = cursor
        while len(items) <= limit:
            batch = await newest_first(
                self.collection,
                scoped(authority, {"case_id": case_id}),
                field="created_at",
                after=after,
                limit=PAGE_BATCH,
            )
            records = [DocumentRecord.of(record) for record in batch]
            items += [record for record in records if shown(record)]
            if len(batch) < PAGE_BATCH:
                break
            after = Position(records[-1].created_at, records[-1].id)
        items, more = items[:limit], len(items) > limit
        last = items[-1] if items and more else None
        return DocumentPage(
            items, Position(last.created_at, last.id).encode() if last is not None else None
        )

    async def change(
        self,
        record: DocumentRecord,
        changes: dict[str, Any],
        *,
        session: Session,
    ) -> DocumentRecord | None:
        """Apply changes if the document is still at the version read; the new record."""
        updated = await self.update_one(
            record.authority,
            {"_id": record.id, "version": record.version},
            {"$set": changes, "$inc": {"version": 1}},
            session=session,
        )
        return DocumentRecord.of(updated) if updated is not None else None

    async def remove(self, record: DocumentRecord, *, session: Session) -> bool:
        """Delete the record if it is still at the version read."""
        return await self.delete_one(
            record.authority, {"_id": record.id, "version": record.version}, session=session
        )

    async def known_ids(self, authority: str, ids: Sequence[str]) -> set[str]:
        """Which of these document ids of the authority have records (the sweep)."""
        found = await self.find_many(authority, {"_id": {"$in": list(ids)}}, limit=len(ids) or 1)
        return {str(record["_id"]) for record in found}


class UploadIntents:
    """Files being written; what is left here after a crash is swept."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[INTENTS]

    async def start(self, intent: UploadIntent) -> None:
        """Note a file about to be written."""
        await self.collection.insert_one(intent.model_dump(by_alias=True))

    async def finish(self, ids: Sequence[str], *, session: Session | None = None) -> None:
        """Forget files that were saved with their records, or removed."""
        await self.collection.delete_many({"_id": {"$in": list(ids)}}, session=session)

    async def older_than(self, moment: datetime, *, limit: int = 500) -> list[UploadIntent]:
        """Uploads started before a moment and never finished."""
        found = (
            await self.collection.find({"started_at": {"$lt": moment}})
            .sort([("started_at", 1)])
            .limit(limit)
            .to_list(limit)
        )
        return [UploadIntent.model_validate(record) for record in found]

    async def pending_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids are uploads still under way."""
        found = await self.collection.find({"_id": {"$in": list(ids)}}, {"_id": 1}).to_list(None)
        return {str(record["_id"]) for record in found}


class SweepPositions:
    """Where each sweep of the bucket stopped: the last key it listed."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[SWEEP_POSITIONS]

    async def get(self, sweep: str) -> str:
        """The key the sweep goes on after ("" to start from the first)."""
        found = await self.collection.find_one({"_id": sweep})
        return str(found["after"]) if found is not None else ""

    async def keep(self, sweep: str, after: str) -> None:
        """Note where the sweep goes on next time."""
        await self.collection.update_one({"_id": sweep}, {"$set": {"after": after}}, upsert=True)
