"""Due work taken under a claim: one atomic update makes a worker the holder of a record until
the claim lapses, and each outcome it records holds only while its claim does.

A record waits with `due_at` set; taking it sets the holding status, a fresh token in `claim`,
counts the attempt and moves `due_at` to the claim's end, so a holder that dies gives the
record back without anyone noticing. Two workers never hold one record at once.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from kit.mongo import Document


async def claim_due(
    collection: AsyncCollection[Document],
    query: Mapping[str, Any],
    *,
    holding: str,
    token: str,
    now: datetime,
    hold_for: timedelta,
) -> Document | None:
    """Take the record matching `query` that came due first, as of `now`, for `hold_for`."""
    return await collection.find_one_and_update(
        {**query, "due_at": {"$lte": now}},
        {
            "$set": {
                "status": holding,
                "claim": token,
                "due_at": now + hold_for,
                "updated_at": now,
            },
            "$inc": {"attempts": 1},
        },
        sort=[("due_at", 1)],
        return_document=ReturnDocument.AFTER,
    )


def while_held(record: Document, *, holding: str, token: str) -> Document:
    """The filter that lets a holder's outcome land only while its claim holds."""
    return {"_id": record["_id"], "status": holding, "claim": token}
