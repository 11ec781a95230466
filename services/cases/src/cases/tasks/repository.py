"""All data access of tasks: one case's tasks, one person's tasks, soonest target first.

Each list's index starts with an equality prefix that selects few tasks (one case's, or one
person's open or done ones) and pages by ranges on (target_date, _id), never an $or."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import ReturnDocument

from cases.tasks.models import TaskRecord
from kit.mongo import Document, Index, Session
from kit.pagination import InvalidCursor, decode_cursor, encode_cursor
from kit.repository import AuthorityRepository, scoped

TASKS = "case_tasks"
LONDON = ZoneInfo("Europe/London")
# A page of tasks reads those passed or due within this many days first, and only when that
# does not fill it, those due later: a person with many tasks has the store fetch only the
# first window's, and one with few tasks pays one read more.
MONTH_DAYS = 30

INDEXES = [
    Index(
        TASKS,
        [("authority", 1), ("assignee_id", 1), ("open", 1), ("target_date", 1), ("_id", 1)],
        name="tasks_of_person",
    ),
    # The store's planner takes an index only when it holds every field the query names: a
    # person's side of a case names `assignee`.
    Index(
        TASKS,
        [("authority", 1), ("case_id", 1), ("assignee", 1), ("target_date", 1), ("_id", 1)],
        name="tasks_of_case_by_side",
    ),
]


@dataclass(frozen=True)
class TaskPosition:
    """Where a page of tasks, soonest target first, ended."""

    target_date: str
    id: str

    def encode(self) -> str:
        """The cursor a client sends back for the next page."""
        return encode_cursor([self.target_date, self.id])

    @classmethod
    def decode(cls, cursor: str) -> "TaskPosition":
        """The position a cursor names."""
        day, task_id = decode_cursor(cursor, parts=2)
        try:
            date.fromisoformat(day)
        except ValueError as exc:
            raise InvalidCursor() from exc
        return cls(day, task_id)


@dataclass(frozen=True)
class TaskPage:
    """Some tasks and the cursor of the next page, if there is one."""

    items: list[TaskRecord]
    next_cursor: str | None


class Tasks(AuthorityRepository):
    """Tasks of one authority's cases."""

    collection_name = TASKS

    async def get(
        self, authority: str, case_id: str, task_id: str, *, session: Session | None = None
    ) -> TaskRecord | None:
        """One task of a case."""
        found = await self.find_one(
            authority, {"_id": task_id, "case_id": case_id}, session=session
        )
        return TaskRecord.of(found) if found is not None else None

    async def add(self, task: TaskRecord, *, session: Session) -> None:
        """Store a new task."""
        await self.insert(task.authority, task.stored(), session=session)

    async def replace(
        self, task: TaskRecord, *, expected_version: int, session: Session
    ) -> TaskRecord | None:
        """Store a changed task if it is still at the version it was read at."""
        stored = task.stored()
        stored.pop("_id")
        found = await self.collection.find_one_and_replace(
            scoped(task.authority, {"_id": task.id, "version": expected_version}),
            stored,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return TaskRecord.of(found) if found is not None else None

    async def of_person(
        self,
        authority: str,
        assignee_id: str,
        *,
        open: bool,
        limit: int,
        after: TaskPosition | None,
    ) -> TaskPage:
        """A person's open (or done) tasks across their cases, soonest target first."""
        return await self._soonest_first(
            authority, {"assignee_id": assignee_id, "open": open}, limit=limit, after=after
        )

    async def of_case(
        self,
        authority: str,
        case_id: str,
        *,
        assignee: str | None,
        limit: int,
        after: TaskPosition | None,
    ) -> TaskPage:
        """A case's tasks (only the applicant's or the landlord's, when named), soonest first."""
        query: Document = {"case_id": case_id}
        if assignee is not None:
            query["assignee"] = assignee
        return await self._soonest_first(authority, query, limit=limit, after=after)

    async def _soonest_first(
        self,
        authority: str,
        query: Mapping[str, Any],
        *,
        limit: int,
        after: TaskPosition | None,
    ) -> TaskPage:
        """Soonest target first, read a window of target dates at a time until the page is
        full: the store then fetches the tasks of a window, not every task the query's prefix
        names."""
        order = [("target_date", 1), ("_id", 1)]
        wanted = limit + 1
        found: list[Document] = []
        if after is not None:
            found = await self.find_many(
                authority,
                {**query, "target_date": after.target_date, "_id": {"$gt": after.id}},
                sort=order,
                limit=wanted,
            )
        for low, high in _windows(today()):
            if len(found) >= wanted:
                break
            if after is not None and high is not None and high <= after.target_date:
                continue  # wholly before the cursor
            bounds: Document = {}
            if after is not None and (low is None or low <= after.target_date):
                bounds["$gt"] = after.target_date
            elif low is not None:
                bounds["$gte"] = low
            if high is not None:
                bounds["$lt"] = high
            found += await self.find_many(
                authority,
                {**query, "target_date": bounds},
                sort=order,
                limit=wanted - len(found),
            )
        items = [TaskRecord.of(document) for document in found]
        if len(items) <= limit:
            return TaskPage(items, None)
        shown = items[:limit]
        return TaskPage(shown, TaskPosition(shown[-1].target_date, shown[-1].id).encode())


def today() -> date:
    """Today in England and Wales, where target dates are days."""
    return datetime.now(LONDON).date()


def _windows(day: date) -> list[tuple[str | None, str | None]]:
    """Spans of target dates, soonest first, each [low, high) as ISO days (None: unbounded):
    those passed or due within the month, then those after."""
    month = (day + timedelta(days=MONTH_DAYS)).isoformat()
    return [(None, month), (month, None)]
