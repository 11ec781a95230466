"""Cursor pagination on pages: the trail of cursors that leads to the page shown."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

# The query parameter that carries each earlier page's cursor, oldest first.
CURSOR_PARAMETER = "page"
# Deeper than this the trail starts again: an address stays short enough for any browser.
TRAIL_LIMIT = 30
CURSOR_MAX = 512


@dataclass(frozen=True)
class Trail:
    """The cursors of the pages before this one; the last is this page's own."""

    cursors: list[str]
    # The other query parameters (filters), kept on every page's link.
    kept: list[tuple[str, str]]

    @classmethod
    def of(cls, request: Request, *, keep: tuple[str, ...] = ()) -> "Trail":
        """The trail in the page's address, cursors too long or too many left out."""
        cursors = [
            value
            for value in request.query_params.getlist(CURSOR_PARAMETER)
            if value and len(value) <= CURSOR_MAX
        ][:TRAIL_LIMIT]
        kept = [(name, value) for name, value in request.query_params.multi_items() if name in keep]
        return cls(cursors, kept)

    @property
    def cursor(self) -> str | None:
        """This page's cursor; None for the first page."""
        return self.cursors[-1] if self.cursors else None

    def _href(self, path: str, cursors: list[str]) -> str:
        query = [*self.kept, *((CURSOR_PARAMETER, cursor) for cursor in cursors)]
        return f"{path}?{urlencode(query)}" if query else path

    def links(self, path: str, next_cursor: str | None) -> dict[str, str | None]:
        """The previous and next pages' addresses, None where there is no such page."""
        previous = self._href(path, self.cursors[:-1]) if self.cursors else None
        following = None
        if next_cursor is not None and len(self.cursors) < TRAIL_LIMIT:
            following = self._href(path, [*self.cursors, next_cursor])
        return {"previous": previous, "next": following}
