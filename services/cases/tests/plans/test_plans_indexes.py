"""A plan is read by its case, the applicant's plans by them, a plan's issues by its case:
each by an index whose equality prefix selects only those few documents."""

from typing import Any

from tests.support.cases import CasesApi, CasesStore
from tests.support.plans import issue, issued_plan, referral_with_people

NEWEST_ISSUED = [("listed_at", -1), ("_id", -1)]
NEWEST_VERSION = [("issued_at", -1), ("_id", -1)]


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


async def test_plans_and_issues_are_read_by_case_or_person(
    api: CasesApi, cases_store: CasesStore
) -> None:
    work = await referral_with_people(api)
    plan = await issued_plan(api, work)
    plan = await issue(api, work, plan)
    # Other people's plans, so that reading the whole collection would show.
    for _ in range(2):
        other = await referral_with_people(api)
        await issue(api, other, await issued_plan(api, other))
    scope = {"authority": "watford"}
    of_case = {**scope, "case_id": work.case["id"]}
    assert await read(cases_store, "case_plans", of_case) == ("plan_of_case", 1)
    mine = {**scope, "reader_id": work.applicant.user_id}
    assert await read(cases_store, "case_plans", mine, NEWEST_ISSUED) == ("plans_of_reader", 1)
    assert await read(cases_store, "case_plan_versions", of_case, NEWEST_VERSION) == (
        "plan_version_of_case",
        2,
    )
    one = {**of_case, "issue_number": 1}
    assert await read(cases_store, "case_plan_versions", one) == ("plan_version_of_case", 1)
    assert plan["issue_number"] == 2
