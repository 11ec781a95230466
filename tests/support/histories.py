"""A case's history made long: entries written straight into the cases service's store, as it
writes them, a day apart and ending now."""

import uuid
from datetime import UTC, datetime, timedelta

from tests.support.cases import CasesStore, Json


async def lengthen_history(
    store: CasesStore, case: Json, *, authority: str, entries: int
) -> list[str]:
    """Add entries to the case's history, one a day up to an hour ago, each titled with its
    number; their titles, newest first."""
    now = datetime.now(UTC).replace(microsecond=0)
    began = now - timedelta(days=entries + 1)
    await store.db.cases.update_one({"_id": case["id"]}, {"$set": {"created_at": began}})
    titles = [f"Entry {number}" for number in range(entries)]
    await store.db.case_history.insert_many(
        [
            {
                "_id": uuid.uuid4().hex,
                "authority": authority,
                "case_id": case["id"],
                "at": now - timedelta(days=entries - number, hours=1),
                "actor_id": "officer-1",
                "actor": "staff",
                "action": ("task_set", "message_sent")[number % 2],
                "from_status": case["status"],
                "to_status": case["status"],
                "reason": title,
                "details": {"title": title},
            }
            for number, title in enumerate(titles)
        ]
    )
    return titles[::-1]
