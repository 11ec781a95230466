"""All data access of plans and their issued versions.

A case's plan is read by its case (one document); the applicant's list by their id, which a
plan holds only once it has been issued to them; a plan's versions by its case, newest first.
Each equality prefix selects one case's or one person's few documents."""

from dataclasses import dataclass

from pymongo import ReturnDocument

from cases.plans.models import PlanRecord, VersionRecord
from kit.mongo import Index, Session
from kit.pagination import Position, newest_first
from kit.repository import AuthorityRepository, scoped

PLANS = "case_plans"
VERSIONS = "case_plan_versions"

INDEXES = [
    Index(PLANS, [("authority", 1), ("case_id", 1)], name="plan_of_case", unique=True),
    Index(
        PLANS,
        [("authority", 1), ("reader_id", 1), ("listed_at", -1), ("_id", -1)],
        name="plans_of_reader",
    ),
    # One case's issues: one by its number, or all of them newest first (a handful).
    Index(
        VERSIONS,
        [("authority", 1), ("case_id", 1), ("issue_number", 1)],
        name="plan_version_of_case",
        unique=True,
    ),
]


@dataclass(frozen=True)
class PlanPage:
    """Some plans and the cursor of the next page, if there is one."""

    items: list[PlanRecord]
    next_cursor: str | None


@dataclass(frozen=True)
class VersionPage:
    """Some issued versions and the cursor of the next page, if there is one."""

    items: list[VersionRecord]
    next_cursor: str | None


class Plans(AuthorityRepository):
    """The plans of one authority's cases."""

    collection_name = PLANS

    async def of_case(
        self, authority: str, case_id: str, *, session: Session | None = None
    ) -> PlanRecord | None:
        """The case's plan, if it has one."""
        found = await self.find_one(authority, {"case_id": case_id}, session=session)
        return PlanRecord.of(found) if found is not None else None

    async def add(self, plan: PlanRecord, *, session: Session) -> None:
        """Store a new plan (a second one on the case is refused by the unique index)."""
        await self.insert(plan.authority, plan.stored(), session=session)

    async def replace(
        self, plan: PlanRecord, *, expected_version: int, session: Session
    ) -> PlanRecord | None:
        """Store a changed plan if it is still at the version it was read at."""
        stored = plan.stored()
        stored.pop("_id")
        found = await self.collection.find_one_and_replace(
            scoped(plan.authority, {"_id": plan.id, "version": expected_version}),
            stored,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return PlanRecord.of(found) if found is not None else None

    async def of_reader(
        self, authority: str, reader_id: str, *, limit: int, after: Position | None
    ) -> PlanPage:
        """The plans issued to a person, most recently issued first."""
        found = await newest_first(
            self.collection,
            scoped(authority, {"reader_id": reader_id}),
            field="listed_at",
            after=after,
            limit=limit + 1,
        )
        items = [PlanRecord.of(document) for document in found]
        if len(items) <= limit:
            return PlanPage(items, None)
        shown = items[:limit]
        last = shown[-1]
        assert last.listed_at is not None
        return PlanPage(shown, Position(at=last.listed_at, id=last.id).encode())


class PlanVersions(AuthorityRepository):
    """Every issue of every plan of one authority's cases, as it was issued."""

    collection_name = VERSIONS

    async def add(self, version: VersionRecord, *, session: Session) -> None:
        """Keep an issue."""
        await self.insert(version.authority, version.stored(), session=session)

    async def get(self, authority: str, case_id: str, issue_number: int) -> VersionRecord | None:
        """One issue of a case's plan."""
        found = await self.find_one(authority, {"case_id": case_id, "issue_number": issue_number})
        return VersionRecord.of(found) if found is not None else None

    async def of_case(
        self, authority: str, case_id: str, *, limit: int, after: Position | None
    ) -> VersionPage:
        """A case's plan's issues, newest first."""
        found = await newest_first(
            self.collection,
            scoped(authority, {"case_id": case_id}),
            field="issued_at",
            after=after,
            limit=limit + 1,
        )
        items = [VersionRecord.of(document) for document in found]
        if len(items) <= limit:
            return VersionPage(items, None)
        shown = items[:limit]
        return VersionPage(shown, Position(at=shown[-1].issued_at, id=shown[-1].id).encode())
