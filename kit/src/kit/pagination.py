"""Opaque cursors for cursor pagination: what a page ended on, handed back for the next one."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kit.errors import AppError

MAX_PART_LENGTH = 200


class InvalidCursor(AppError):
    """The cursor was not one this API handed out."""

    status = 400
    code = "invalid_cursor"
    message = "The page cursor is not valid; start again from the first page."


def encode_cursor(parts: list[str]) -> str:
    """An opaque cursor holding these values."""
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, parts: int) -> list[str]:
    """The values a cursor holds; refuse anything this API did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidCursor() from exc
    if (
        not isinstance(values, list)
        or len(values) != parts
        or not all(isinstance(v, str) and len(v) <= MAX_PART_LENGTH for v in values)
    ):
        raise InvalidCursor()
    return values


@dataclass(frozen=True)
class Position:
    """Where a page ordered newest first by (time, id) ended."""

    at: datetime
    id: str

    def encode(self) -> str:
        """The cursor a client sends back for the next page."""
        return encode_cursor([self.at.isoformat(), self.id])

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        """The position a cursor names."""
        at, item_id = decode_cursor(cursor, parts=2)
        try:
            moment = datetime.fromisoformat(at)
        except ValueError as exc:
            raise InvalidCursor() from exc
        if moment.tzinfo is None:
            raise InvalidCursor()
        return cls(at=moment, id=item_id)

    def older(self, field: str) -> dict[str, Any]:
        """The filter for the items after this position, newest first."""
        return {"$or": [{field: {"$lt": self.at}}, {field: self.at, "_id": {"$lt": self.id}}]}
