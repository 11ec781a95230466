"""Cases due soon: soonest first, the last day counted, pages without repeats or gaps."""

import uuid
from datetime import UTC, date, datetime, timedelta

from tests.support.cases import REFERRAL, CasesApi, caseload_pages

from cases.cases.repository import DUE_READ, INDEXES, Cases
from kit.mongo import Mongo


class TestDueSoon:
    async def test_an_officers_cases_due_soon_come_soonest_first_page_by_page(
        self, api: CasesApi
    ) -> None:
        officer = await api.person("officer")
        made: dict[int, str] = {}
        # Prevention started so many days ago: its 56 days end 53, 50, 47 and 40 days from now.
        for days_ago in (3, 6, 9, 16):
            applicant = await api.person("applicant")
            case = await api.create(
                applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
            )
            case = await api.act(officer, case, "accept")
            case = await api.change("PUT", officer, case, "/owner", {"owner_id": officer.user_id})
            started = (date.today() - timedelta(days=days_ago)).isoformat()
            case = await api.act(officer, case, "start_prevention", on=started)
            made[56 - days_ago] = case["id"]
        mine = {"owner": officer.user_id, "limit": 2}

        due = await caseload_pages(api, officer, {**mine, "due_within": 53})
        assert [item["id"] for item in due] == [made[40], made[47], made[50], made[53]]
        assert [item["next_deadline"] for item in due] == [
            (date.today() + timedelta(days=days)).isoformat() for days in (40, 47, 50, 53)
        ]
        # The last day counts; the day before it leaves that case out.
        within_50 = await caseload_pages(api, officer, {**mine, "due_within": 50})
        assert [item["id"] for item in within_50] == [made[40], made[47], made[50]]
        assert await caseload_pages(api, officer, {**mine, "due_within": 39}) == []
        # Another filter narrows the same list.
        relief = await caseload_pages(api, officer, {**mine, "due_within": 53, "status": "relief"})
        assert relief == []
        prevention = await caseload_pages(
            api, officer, {**mine, "due_within": 53, "status": "prevention"}
        )
        assert len(prevention) == 4


def _due_case(authority: str, deadline: date, owner: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "_id": uuid.uuid4().hex,
        "authority": authority,
        "reference": uuid.uuid4().hex[:10],
        "kind": "homelessness",
        "status": "relief",
        "open": True,
        "applicant_id": "someone",
        "owner_id": owner,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "next_deadline": deadline.isoformat(),
    }


class TestManyDueTheSameDay:
    async def test_more_than_one_read_of_a_day_loses_and_repeats_nothing(
        self, mongo: Mongo
    ) -> None:
        await mongo.ensure_indexes(INDEXES)
        cases = Cases(mongo)
        authority = "due-" + uuid.uuid4().hex[:8]
        today = date.today()
        crowded = [_due_case(authority, today + timedelta(days=2), "officer-a")]
        crowded += [
            _due_case(authority, today + timedelta(days=2), "officer-b") for _ in range(DUE_READ)
        ]
        later = [_due_case(authority, today + timedelta(days=3), "officer-a") for _ in range(2)]
        await cases.collection.insert_many([*crowded, *later])
        expected = sorted(crowded, key=lambda case: str(case["_id"])) + sorted(
            later, key=lambda case: str(case["_id"])
        )

        everyone = await cases.due_within(
            authority,
            {},
            after=None,
            first_day=today,
            last_day=today + timedelta(days=3),
            limit=2000,
        )
        assert [case.id for case in everyone] == [case["_id"] for case in expected]

        # Officer A's three are found past the thousand cases of officer B's on one day.
        officer_a = await cases.due_within(
            authority,
            {"owner_id": "officer-a"},
            after=None,
            first_day=today,
            last_day=today + timedelta(days=3),
            limit=10,
        )
        assert [case.id for case in officer_a] == [
            case["_id"] for case in expected if case["owner_id"] == "officer-a"
        ]
        # A page that ends inside the crowded day goes on from its last case.
        first_page = everyone[:600]
        rest = await cases.due_within(
            authority,
            {},
            after=(today + timedelta(days=2), first_page[-1].id),
            first_day=today,
            last_day=today + timedelta(days=3),
            limit=2000,
        )
        assert [case.id for case in first_page + rest] == [case["_id"] for case in expected]
