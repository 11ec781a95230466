"""The caseload: an authority's cases for its officers, a landlord's complaints for its users.

Each filter is served by an index whose equality prefix names it (status, kind, owner, the
landlord), walked newest first in windows of creation time; "deadline within N days" is a
range on the running clock's last day from today, soonest first (a clock already run out is
not "within" any number of days ahead).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cases.cases.policy import audience
from cases.cases.repository import Cases, Page, References
from kit.auth import Principal
from kit.errors import AppError, Forbidden
from kit.mongo import Document
from kit.pagination import InvalidCursor, Position, decode_cursor, encode_cursor

MIN_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Filters:
    """What the caseload is narrowed to; by default every open case."""

    status: str | None = None
    kind: str | None = None
    owner: str | None = None
    unassigned: bool = False
    due_within: int | None = None


class ConflictingFilters(AppError):
    """Both an owner and "unassigned"."""

    status = 400
    code = "conflicting_filters"
    message = "Choose an owner or unassigned cases, not both."


@dataclass(frozen=True)
class Caseload:
    """Pages of the caseload one caller may see."""

    cases: Cases
    references: References

    async def page(
        self,
        principal: Principal,
        filters: Filters,
        *,
        today: date,
        limit: int,
        cursor: str | None,
    ) -> Page:
        """One page of cases matching the filters, with the next page's cursor."""
        who = audience(principal)
        if who not in ("staff", "landlord"):
            raise Forbidden()
        if filters.owner and filters.unassigned:
            raise ConflictingFilters()
        authority = principal.authority
        query: Document = {}
        if who == "landlord":
            query |= {"organisation_id": principal.organisation, "kind": "complaint"}
        if filters.kind:
            query["kind"] = filters.kind
        if filters.owner:
            query["owner_id"] = filters.owner
        if filters.unassigned:
            query["owner_id"] = None
        if filters.status:
            query["status"] = filters.status
        else:
            query["open"] = True
        if filters.due_within is not None:
            return await self._due(authority, query, filters.due_within, today, limit, cursor)
        made = await self.references.made(authority)
        if made is None:
            return Page([], None)
        since, count = made
        position = Position.decode(cursor) if cursor else None
        return await self.cases.newest(
            authority,
            query,
            limit=limit,
            cursor=position,
            since=since,
            first_window=first_window(since, count, limit=limit),
        )

    async def _due(
        self,
        authority: str,
        query: Document,
        days: int,
        today: date,
        limit: int,
        cursor: str | None,
    ) -> Page:
        after: tuple[date, str] | None = None
        if cursor:
            day, last_id = decode_cursor(cursor, parts=2)
            try:
                after = (date.fromisoformat(day), last_id)
            except ValueError as exc:
                raise InvalidCursor() from exc
        found = await self.cases.due_within(
            authority,
            query,
            after=after,
            first_day=today,
            last_day=today + timedelta(days=days),
            limit=limit,
        )
        if len(found) <= limit:
            return Page(found, None)
        last = found[limit - 1]
        return Page(found[:limit], encode_cursor([last.next_deadline or "", last.id]))


def first_window(since: datetime, count: int, *, limit: int) -> timedelta:
    """A window that holds about twice a page of cases at the authority's average rate, so
    most pages take one or two reads whatever the volume."""
    span = datetime.now(UTC) - since
    return max(span * (2 * (limit + 1)) / max(count, 1), MIN_WINDOW)
