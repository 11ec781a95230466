"""Opaque cursors for lists ordered newest first by (time, id)."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kit.errors import AppError


class CursorInvalid(AppError):
    """The cursor was not made by this service."""

    status = 400
    code = "cursor_invalid"
    message = "The cursor is not valid. Start again from the first page."


@dataclass(frozen=True)
class Position:
    """Where a page ended: the time and id of its last item."""

    at: datetime
    id: str

    def encode(self) -> str:
        """The cursor a client sends back for the next page."""
        raw = json.dumps([self.at.isoformat(), self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        """The position a cursor names; refuse a malformed one."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            at, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
            moment = datetime.fromisoformat(at)
        except (ValueError, TypeError) as exc:
            raise CursorInvalid() from exc
        if moment.tzinfo is None or not isinstance(item_id, str):
            raise CursorInvalid()
        return cls(at=moment, id=item_id)

    def older(self, field: str) -> dict[str, Any]:
        """The filter for items after this position, newest first."""
        return {"$or": [{field: {"$lt": self.at}}, {field: self.at, "_id": {"$lt": self.id}}]}
