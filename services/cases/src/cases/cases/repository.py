"""All data access of cases: the cases, their history and each authority's references.

The store fetches every document matching an index's equality prefix and range before it
sorts and limits, so each query here names a prefix that selects few documents (one
applicant's cases, one case's history) or walks the newest cases (or those due soonest) in
widening windows of time and stops once a page is full.
"""

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument

from cases.cases.models import CaseRecord, HistoryEntry
from kit.mongo import Document, Index, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

CASES = "cases"
HISTORY = "case_history"
REFERENCES = "case_references"
FIRST_REFERENCE = 1_000_001
# The first window looked at for a page of a caseload when nothing better is known, doubled
# until the page is full.
FIRST_WINDOW = timedelta(hours=6)
# The first window of time read for a page of a case's history, four times wider each time it
# comes back short: a year is four reads.
HISTORY_WINDOW = timedelta(days=7)
HISTORY_WIDENING = 4
# Cases made in the same instant as the cursor's, read again and skipped.
TIES = 50
# The most cases one read of those due soon returns; the next read goes on from the last.
DUE_READ = 1000

INDEXES = [
    Index(CASES, [("authority", 1), ("reference", 1)], name="cases_by_reference", unique=True),
    # An applicant's open (closed_at null) or closed cases: every field the query names is in
    # the index, or the store's planner reads every case.
    Index(
        CASES,
        [
            ("authority", 1),
            ("applicant_id", 1),
            ("closed_at", 1),
            ("created_at", -1),
            ("_id", -1),
        ],
        name="cases_of_applicant_by_closing",
    ),
    Index(CASES, [("authority", 1), ("open", 1), ("created_at", -1)], name="cases_open"),
    Index(CASES, [("authority", 1), ("status", 1), ("created_at", -1)], name="cases_by_status"),
    Index(
        CASES,
        [("authority", 1), ("kind", 1), ("open", 1), ("created_at", -1)],
        name="cases_by_kind",
    ),
    Index(
        CASES,
        [("authority", 1), ("owner_id", 1), ("open", 1), ("created_at", -1)],
        name="cases_by_owner",
    ),
    Index(
        CASES,
        [("authority", 1), ("organisation_id", 1), ("open", 1), ("created_at", -1)],
        name="cases_of_landlord",
    ),
    # Only an open case has a running clock, so next_deadline alone says the case is open.
    Index(CASES, [("authority", 1), ("next_deadline", 1), ("_id", 1)], name="cases_due"),
    Index(CASES, [("status", 1), ("draft_expires_on", 1)], name="cases_drafts_expiring"),
    Index(HISTORY, [("authority", 1), ("case_id", 1), ("at", 1)], name="history_of_case"),
]


@dataclass(frozen=True)
class Page:
    """Some cases and the cursor of the next page, if there is one."""

    items: list[CaseRecord]
    next_cursor: str | None


# Before any case was closed: "closed at some time" as a range the index can answer.
EVER = datetime(1970, 1, 1, tzinfo=UTC)


class Cases(AuthorityRepository):
    """Cases of one authority."""

    collection_name = CASES

    async def get(
        self, authority: str, case_id: str, *, session: Session | None = None
    ) -> CaseRecord | None:
        """One case."""
        found = await self.find_one(authority, {"_id": case_id}, session=session)
        return CaseRecord.of(found) if found is not None else None

    async def add(self, record: CaseRecord, *, session: Session) -> None:
        """Store a new case."""
        await self.insert(record.authority, record.stored(), session=session)

    async def replace(
        self, record: CaseRecord, *, expected_version: int, session: Session
    ) -> CaseRecord | None:
        """Store a changed case if it is still at the version it was read at."""
        stored = record.stored()
        stored.pop("_id")
        found = await self.collection.find_one_and_replace(
            scoped(record.authority, {"_id": record.id, "version": expected_version}),
            stored,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return CaseRecord.of(found) if found is not None else None

    async def of_applicant(
        self, authority: str, applicant_id: str, *, open: bool, limit: int, cursor: Position | None
    ) -> Page:
        """An applicant's cases not ended (drafts too) or ended, newest first (one person's
        few cases: the index's prefix names them)."""
        query: Document = {
            "applicant_id": applicant_id,
            # A range, not $ne: the store's planner reads every document for a $ne.
            "closed_at": None if open else {"$gt": EVER},
        }
        found = await newest_first(
            self.collection,
            scoped(authority, query),
            field="created_at",
            after=cursor,
            limit=limit + 1,
        )
        return _page([CaseRecord.of(item) for item in found], limit)

    async def newest(
        self,
        authority: str,
        query: Mapping[str, Any],
        *,
        limit: int,
        cursor: Position | None,
        since: datetime,
        first_window: timedelta = FIRST_WINDOW,
    ) -> Page:
        """Matching cases newest first, read a widening window of creation times at a time.

        Each window is a range on the index after its equality prefix, so the store fetches
        only the cases created within it; the windows stop once the page is full or reach back
        to `since`, the authority's first case.
        """
        top = cursor.at if cursor is not None else datetime.now(UTC) + timedelta(minutes=1)
        upper_bound = "$lte" if cursor is not None else "$lt"
        window = first_window
        items: list[CaseRecord] = []
        while len(items) <= limit:
            bottom = max(top - window, since)
            found = await self.find_many(
                authority,
                {**query, "created_at": {"$gte": bottom, upper_bound: top}},
                sort=[("created_at", -1), ("_id", -1)],
                limit=limit + 1 - len(items) + TIES,
            )
            for document in found:
                record = CaseRecord.of(document)
                if cursor is not None and record.created_at == cursor.at and record.id >= cursor.id:
                    continue
                items.append(record)
            if bottom <= since:
                break
            top, upper_bound, window = bottom, "$lt", window * 2
        return _page(items, limit)

    async def due_within(
        self,
        authority: str,
        query: Mapping[str, Any],
        *,
        after: tuple[date, str] | None,
        first_day: date,
        last_day: date,
        limit: int,
    ) -> list[CaseRecord]:
        """Cases whose running statutory clock ends between two days, soonest first: at most
        `limit` + 1, after the (day, id) of the last case of the page before.

        Read a widening window of days at a time (the rest of the cursor's day first), so the
        store fetches only the cases due within each window, not every case due in the range.
        The other filters (status, kind, owner) are applied here, not in the query: given one,
        the store would pick that filter's index and fetch every case it names.
        """
        rest = {name: value for name, value in query.items() if name != "open"}
        items: list[CaseRecord] = []
        if after is not None and after[0] > last_day:
            return []
        position = after if after is not None and after[0] >= first_day else None
        start, width = first_day, 1
        while len(items) <= limit:
            if position is not None:
                day, last_id = position
                found = await self.find_many(
                    authority,
                    {"next_deadline": day.isoformat(), "_id": {"$gt": last_id}},
                    sort=[("_id", 1)],
                    limit=DUE_READ,
                )
                start = day + timedelta(days=1)
            elif start <= last_day:
                # The window ends before `end`: the store takes "$lte" on an index field with
                # another after it as "$lt", so an inclusive last day would be lost.
                end = min(start + timedelta(days=width), last_day + timedelta(days=1))
                found = await self.find_many(
                    authority,
                    {"next_deadline": {"$gte": start.isoformat(), "$lt": end.isoformat()}},
                    sort=[("next_deadline", 1), ("_id", 1)],
                    limit=DUE_READ,
                )
                start, width = end, width * 2
            else:
                break
            items.extend(
                CaseRecord.of(found_case) for found_case in found if _matches(found_case, rest)
            )
            position = None
            if len(found) == DUE_READ:
                # The read may have left cases of its last day and after: go on from there.
                position = (date.fromisoformat(found[-1]["next_deadline"]), found[-1]["_id"])
                start = position[0] + timedelta(days=1)
        return items[: limit + 1]

    async def drafts_due(
        self, *, query: Mapping[str, Any], expiring: Mapping[str, str], limit: int
    ) -> list[CaseRecord]:
        """Drafts of every authority whose keeping ends within `expiring`'s range."""
        cursor = self.collection.find(
            {**query, "status": "draft", "draft_expires_on": dict(expiring)}
        ).limit(limit)
        return [CaseRecord.of(item) for item in await cursor.to_list(length=limit)]

    async def remove_draft(self, case: CaseRecord, *, session: Session) -> bool:
        """Delete a draft that is still one; say whether it was."""
        return await self.delete_one(
            case.authority, {"_id": case.id, "status": "draft"}, session=session
        )

    async def mark_warned(self, case: CaseRecord, *, session: Session) -> bool:
        """Note that the draft's applicant was warned; say whether it is still a draft."""
        found = await self.update_one(
            case.authority,
            {"_id": case.id, "status": "draft"},
            {"$set": {"draft_warned": True}},
            session=session,
        )
        return found is not None


def entry_id() -> str:
    """A new history entry's id, 32 hex digits that sort in the order the entries were made:
    entries of one change share its instant, and are read in (at, id) order."""
    return f"{time.time_ns():016x}{uuid.uuid4().hex[:16]}"


@dataclass(frozen=True)
class HistoryPage:
    """Some entries of a case's history and the cursor of the next page, if there is one."""

    items: list[HistoryEntry]
    next_cursor: str | None


def _matches(document: Mapping[str, Any], equalities: Mapping[str, Any]) -> bool:
    return all(document.get(name) == value for name, value in equalities.items())


def _page(items: list[CaseRecord], limit: int) -> Page:
    if len(items) <= limit:
        return Page(items, None)
    shown = items[:limit]
    last = shown[-1]
    return Page(shown, Position(at=last.created_at, id=last.id).encode())


class CaseHistory(AuthorityRepository):
    """What happened to each case, oldest first."""

    collection_name = HISTORY

    async def record(
        self,
        authority: str,
        *,
        case_id: str,
        actor_id: str,
        actor: str,
        action: str,
        from_status: str | None,
        to_status: str,
        at: datetime,
        session: Session,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Add one entry in the change's transaction."""
        await self.insert(
            authority,
            {
                "_id": entry_id(),
                "case_id": case_id,
                "at": at,
                "actor_id": actor_id,
                "actor": actor,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "reason": reason,
                "details": details or {},
            },
            session=session,
        )

    async def timeline(
        self,
        authority: str,
        case_id: str,
        *,
        since: datetime,
        newest: bool,
        limit: int,
        after: Position | None,
        shown: Callable[[HistoryEntry], bool],
    ) -> HistoryPage:
        """A page of the entries of a case that the caller is shown, oldest (or newest) first
        by (at, _id), between `since` (the case's beginning) and now.

        A case may gather hundreds of entries, all under one equality prefix: so they are read
        a window of time at a time, widening while windows come back short, each read asking
        only for what the page still needs (the next goes on from the last entry read). The
        store then fetches the entries of one window, however many the case has.
        """
        now = datetime.now(UTC) + timedelta(minutes=1)
        order = [("at", -1), ("_id", -1)] if newest else [("at", 1), ("_id", 1)]
        # The edge of what has been read, and whether an entry exactly on it is still unread.
        edge, edge_unread = (now, False) if newest else (since, True)
        same_instant = after
        if after is not None:
            edge, edge_unread = after.at, False
        window = HISTORY_WINDOW
        items: list[HistoryEntry] = []
        while len(items) <= limit:
            wanted = limit + 1 - len(items)
            if same_instant is not None:
                # The rest of the entries made in the same instant as the last one read.
                beyond = "$lt" if newest else "$gt"
                query: Document = {"at": same_instant.at, "_id": {beyond: same_instant.id}}
                far = None
            elif (edge <= since) if newest else (edge >= now):
                break
            else:
                far = max(edge - window, since) if newest else min(edge + window, now)
                query = {
                    "at": {"$gte": far, "$lt": edge}
                    if newest
                    else {"$gte" if edge_unread else "$gt": edge, "$lt": far}
                }
            found = await self.find_many(
                authority, {"case_id": case_id, **query}, sort=order, limit=wanted
            )
            entries = [HistoryEntry.model_validate(item) for item in found]
            items += [entry for entry in entries if shown(entry)]
            if len(entries) == wanted:
                # The page may end here; if not, go on from the last entry read.
                same_instant = Position(entries[-1].at, entries[-1].id)
                edge, edge_unread = entries[-1].at, False
            elif far is not None:
                edge, edge_unread, window = far, not newest, window * HISTORY_WIDENING
            else:
                same_instant = None
        if len(items) <= limit:
            return HistoryPage(items, None)
        kept = items[:limit]
        return HistoryPage(kept, Position(kept[-1].at, kept[-1].id).encode())


class References(AuthorityRepository):
    """Each authority's own sequence of case references, which only ever grows."""

    collection_name = REFERENCES

    async def next(self, authority: str, *, at: datetime, session: Session) -> str:
        """The authority's next reference, taken in the create's transaction."""
        found = await self.collection.find_one_and_update(
            {"_id": authority, "authority": authority},
            {"$inc": {"last": 1}, "$setOnInsert": {"first_case_at": at}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        assert found is not None
        return str(FIRST_REFERENCE - 1 + int(found["last"]))

    async def made(self, authority: str) -> tuple[datetime, int] | None:
        """When the authority's first case was made and how many it has made, if any."""
        found = await self.collection.find_one({"_id": authority})
        if found is None:
            return None
        return found["first_case_at"], int(found["last"])
