"""Opaque cursors for cursor pagination: what a page ended on, handed back for the next one."""

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from kit.errors import AppError
from kit.mongo import Document

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


async def newest_first(
    collection: AsyncCollection[Document],
    query: Mapping[str, Any],
    *,
    field: str,
    after: Position | None,
    limit: int,
    projection: Mapping[str, Any] | None = None,
) -> list[Document]:
    """Up to `limit` records matching the query that come after the position, newest first
    by (field, _id).

    Unlike an `$or` of the two, which the store's planner answers by reading the whole
    collection, each query here is an index range on (..., field, _id): the records at
    the position's own time with a smaller id first, then the older ones.
    """
    order = [(field, -1), ("_id", -1)]

    async def fetch(bounds: Mapping[str, Any], count: int) -> list[Document]:
        cursor = collection.find({**query, **bounds}, projection).sort(order).limit(count)
        return await cursor.to_list(length=count)

    if after is None:
        return await fetch({}, limit)
    same_time = await fetch({field: after.at, "_id": {"$lt": after.id}}, limit)
    if len(same_time) >= limit:
        return same_time
    return same_time + await fetch({field: {"$lt": after.at}}, limit - len(same_time))
