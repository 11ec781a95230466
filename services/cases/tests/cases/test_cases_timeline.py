"""A long case history read a page at a time: every entry once, in order, either way round,
with the entries of the other side kept from each side."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.cases import REFERRAL, Caller, CasesApi, CasesStore, Json

# Spread over the case's months, with bursts: a run of entries in the same instant and many
# within a few minutes.
DAYS = 400
ENTRIES = 230


async def aged_case(
    api: CasesApi, cases_store: CasesStore, applicant: Caller
) -> tuple[Json, list[int]]:
    """A referral begun DAYS ago, with ENTRIES more entries on its history since, and their
    numbers in the order of the history, (at, id)."""
    referral = {"kind": "homelessness", "answers": REFERRAL, "submit": True}
    case = await api.create(applicant, referral)
    began = datetime.now(UTC).replace(microsecond=0) - timedelta(days=DAYS)
    await cases_store.db.cases.update_one({"_id": case["id"]}, {"$set": {"created_at": began}})
    burst = began + timedelta(days=200, hours=3)
    moments = [began + timedelta(hours=41 * number + number % 3) for number in range(ENTRIES - 60)]
    moments += [burst] * 12 + [burst + timedelta(seconds=number) for number in range(48)]
    entries: list[dict[str, Any]] = [
        {
            "_id": uuid.uuid4().hex,
            "authority": applicant.authority,
            "case_id": case["id"],
            "at": at,
            "actor_id": "officer-1",
            "actor": "staff",
            "action": "task_set",
            "from_status": case["status"],
            "to_status": case["status"],
            "reason": None,
            # Every fifth is for a landlord's user, which the applicant does not see.
            "details": {"number": number, **({"for": "landlord"} if number % 5 == 0 else {})},
        }
        for number, at in enumerate(moments)
    ]
    await cases_store.db.case_history.insert_many(entries)
    in_order = sorted(entries, key=lambda entry: (entry["at"], entry["_id"]))
    return case, [entry["details"]["number"] for entry in in_order]


async def every_page(
    api: CasesApi, caller: Caller, case: Json, *, order: str, limit: int
) -> tuple[list[Json], int]:
    """The whole history as the caller reads it page by page, and how many pages it took."""
    items: list[Json] = []
    params: dict[str, Any] = {"order": order, "limit": limit}
    pages = 0
    while True:
        answer = await api.call("GET", caller, f"/cases/{case['id']}/history", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        pages += 1
        if body["next_cursor"] is None:
            return items, pages
        assert len(body["items"]) == limit, "a page before the last is full"
        params["cursor"] = body["next_cursor"]


def numbered(items: list[Json]) -> list[int]:
    """The numbers of the seeded entries, in the order read."""
    return [item["details"]["number"] for item in items if "number" in item["details"]]


class TestALongHistory:
    async def test_each_page_follows_the_last_with_nothing_lost_or_repeated(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case, order = await aged_case(api, cases_store, applicant)
        # What the case's own steps wrote (begun, submitted) comes after the seeded entries.
        oldest, pages = await every_page(api, officer, case, order="oldest", limit=7)
        assert numbered(oldest) == order
        moments = [datetime.fromisoformat(item["at"]) for item in oldest]
        assert moments == sorted(moments)
        assert len(oldest) > ENTRIES
        assert pages == -(-len(oldest) // 7)
        newest, _ = await every_page(api, officer, case, order="newest", limit=13)
        assert [(i["at"], i["details"]) for i in newest] == [
            (i["at"], i["details"]) for i in reversed(oldest)
        ]

        # The applicant's pages leave out what is for the landlord, read past in each page.
        seen, _ = await every_page(api, applicant, case, order="newest", limit=9)
        assert numbered(seen) == [number for number in reversed(order) if number % 5]
        seen, _ = await every_page(api, applicant, case, order="oldest", limit=11)
        assert numbered(seen) == [number for number in order if number % 5]
        first = await api.call("GET", applicant, f"/cases/{case['id']}/history")
        assert first.status_code == 200, first.text
        assert numbered(first.json()["items"]) == [number for number in order if number % 5][:100]

    async def test_a_cursor_the_portal_did_not_give_is_refused(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        case, _ = await aged_case(api, cases_store, applicant)
        path = f"/cases/{case['id']}/history"
        answer = await api.call("GET", applicant, path, params={"cursor": "not-a-cursor"})
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "invalid_cursor"
        answer = await api.call("GET", applicant, path, params={"limit": 0})
        assert answer.status_code == 422, answer.text
