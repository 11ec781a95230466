"""The lists of tasks and messages read only the person's or the case's records, by index."""

from typing import Any

from tests.support.cases import CasesApi, CasesStore
from tests.support.tasks_and_messages import complaint, in_days, send_message, set_task

from portalstack.endpoints import Stack

TASKS_ORDER = [("target_date", 1), ("_id", 1)]
NEWEST = [("created_at", -1), ("_id", -1)]


async def read(
    store: CasesStore, collection: str, query: dict[str, Any], sort: list[Any] | None = None
) -> tuple[str, int]:
    """The index the store reads for a query, and how many records it fetches."""
    cursor = store.db[collection].find(query)
    if sort:
        cursor = cursor.sort(sort).limit(3)
    explained = await cursor.explain()
    stage = explained["queryPlanner"]["winningPlan"]
    while "indexName" not in stage and "inputStage" in stage:
        stage = stage["inputStage"]
    return stage.get("indexName", stage["stage"]), explained["executionStats"]["totalDocsExamined"]


class TestIndexes:
    async def test_tasks_are_read_only_for_the_person_or_the_case(
        self, api: CasesApi, cases_store: CasesStore, stack: Stack
    ) -> None:
        work = await complaint(api)
        assert work.landlord is not None
        for day in (3, 1, 2):
            await set_task(api, work.officer, work.case, target_date=in_days(day))
        await set_task(
            api,
            work.officer,
            work.case,
            assignee="landlord",
            landlord_user_id=work.landlord.user_id,
        )
        # Others' tasks, so that reading the whole collection would show.
        other = await complaint(api)
        await set_task(api, other.officer, other.case)
        scope = {"authority": "housing-ombudsman"}
        mine = {**scope, "assignee_id": work.applicant.user_id, "open": True}
        assert await read(cases_store, "case_tasks", mine, TASKS_ORDER) == ("tasks_of_person", 3)
        after = {**mine, "target_date": {"$gt": in_days(1)}}
        assert (await read(cases_store, "case_tasks", after, TASKS_ORDER))[0] == "tasks_of_person"
        of_case = {**scope, "case_id": work.case["id"]}
        assert await read(cases_store, "case_tasks", of_case, TASKS_ORDER) == (
            "tasks_of_case_by_side",
            4,
        )
        side = {**of_case, "assignee": "applicant"}
        assert await read(cases_store, "case_tasks", side, TASKS_ORDER) == (
            "tasks_of_case_by_side",
            3,
        )

    async def test_messages_and_the_unread_count_are_read_only_for_the_person_or_the_case(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        work = await complaint(api)
        assert work.landlord is not None
        await send_message(api, work.officer, work.case)
        await send_message(api, work.officer, work.case)
        await send_message(
            api,
            work.officer,
            work.case,
            recipient="landlord",
            landlord_user_id=work.landlord.user_id,
        )
        other = await complaint(api)
        await send_message(api, other.officer, other.case)
        scope = {"authority": "housing-ombudsman"}
        person = {**scope, "recipient_id": work.applicant.user_id}
        assert (await read(cases_store, "case_messages", person, NEWEST))[1] == 2
        assert (await read(cases_store, "case_messages", {**person, "unread": True}))[1] == 2
        of_case = {**scope, "case_id": work.case["id"]}
        assert await read(cases_store, "case_messages", of_case, NEWEST) == (
            "messages_of_case_by_side",
            3,
        )
        side = {**of_case, "recipient": "applicant"}
        assert await read(cases_store, "case_messages", side, NEWEST) == (
            "messages_of_case_by_side",
            2,
        )
