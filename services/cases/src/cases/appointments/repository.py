"""All data access of appointments.

Each query names an equality prefix that selects few appointments (one person's, one case's)
and a range on the start, so the store reads only the appointments of the dates asked for.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from cases.appointments.models import AppointmentRecord
from kit.mongo import Document, Index, Session
from kit.pagination import Position
from kit.repository import AuthorityRepository, scoped

APPOINTMENTS = "appointments"

INDEXES = [
    # A person's appointments between two moments: "My appointments" and the calendar.
    Index(
        APPOINTMENTS,
        [("authority", 1), ("person_id", 1), ("starts_at", 1), ("_id", 1)],
        name="appointments_of_person",
    ),
    # A case's appointments, as officers see them.
    Index(
        APPOINTMENTS,
        [("authority", 1), ("case_id", 1), ("starts_at", 1), ("_id", 1)],
        name="appointments_of_case",
    ),
    # A case's appointments with one person, as that person sees them.
    Index(
        APPOINTMENTS,
        [("authority", 1), ("case_id", 1), ("person_id", 1), ("starts_at", 1), ("_id", 1)],
        name="appointments_of_case_person",
    ),
]


@dataclass(frozen=True)
class Page:
    """Some appointments and the cursor of the next page, if there is one."""

    items: list[AppointmentRecord]
    next_cursor: str | None


class Appointments(AuthorityRepository):
    """Appointments of one authority."""

    collection_name = APPOINTMENTS

    async def get(
        self, authority: str, appointment_id: str, *, session: Session | None = None
    ) -> AppointmentRecord | None:
        """One appointment (none for an id this service never makes)."""
        if len(appointment_id) != 32 or not all(c in "0123456789abcdef" for c in appointment_id):
            return None
        found = await self.find_one(authority, {"_id": appointment_id}, session=session)
        return AppointmentRecord.of(found) if found is not None else None

    async def add(self, record: AppointmentRecord, *, session: Session) -> None:
        """Store a new appointment."""
        await self.insert(record.authority, record.stored(), session=session)

    async def replace(
        self, record: AppointmentRecord, *, expected_version: int, session: Session
    ) -> bool:
        """Store a changed appointment if it is still at the version it was read at."""
        stored = record.stored()
        stored.pop("_id")
        found = await self.collection.find_one_and_replace(
            scoped(record.authority, {"_id": record.id, "version": expected_version}),
            stored,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return found is not None

    async def between(
        self,
        authority: str,
        query: Mapping[str, Any],
        *,
        start: datetime,
        end: datetime,
        limit: int,
        after: Position | None,
    ) -> Page:
        """Appointments matching the query that start in [start, end), soonest first by
        (starts_at, id), after a cursor's position.

        No $or (the store reads the whole collection for one): the appointments at the
        position's own time with a larger id, then the later ones, each an index range.
        """
        order = [("starts_at", 1), ("_id", 1)]

        async def fetch(bounds: Mapping[str, Any], count: int) -> list[Document]:
            return await self.find_many(authority, {**query, **bounds}, sort=order, limit=count)

        found: list[Document] = []
        if after is None:
            found = await fetch({"starts_at": {"$gte": start, "$lt": end}}, limit + 1)
        else:
            if start <= after.at < end:
                found = await fetch({"starts_at": after.at, "_id": {"$gt": after.id}}, limit + 1)
            if len(found) <= limit:
                found += await fetch(
                    {"starts_at": {"$gt": max(after.at, start), "$lt": end}}
                    if after.at >= start
                    else {"starts_at": {"$gte": start, "$lt": end}},
                    limit + 1 - len(found),
                )
        items = [AppointmentRecord.of(document) for document in found]
        if len(items) <= limit:
            return Page(items, None)
        shown = items[:limit]
        return Page(shown, Position(at=shown[-1].starts_at, id=shown[-1].id).encode())
