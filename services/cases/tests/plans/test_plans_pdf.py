"""The plan as a tagged, accessible PDF in the case's language, as its reader sees it."""

from datetime import UTC, datetime, timedelta

import pypdf
from services.cases.tests.cases.test_cases_pdf import opened, structure_tags
from tests.support.cases import Caller, CasesApi, CasesStore
from tests.support.plans import (
    PlanWork,
    add,
    expect,
    issue,
    plan_call,
    referral_with_people,
    start,
)


async def pdf_of(api: CasesApi, caller: Caller, work: PlanWork) -> bytes:
    response = await plan_call(api, caller, work, "GET", "/pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="plan-{work.case["reference"]}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    return response.content


async def plan_issued_eight_days_ago(
    api: CasesApi, work: PlanWork, cases_store: CasesStore
) -> None:
    plan = await start(
        api,
        work,
        {
            "assessment": {
                "circumstances": "Asked to leave by a friend after six months on the sofa.",
                "housing_needs": "A one bedroom flat on the ground floor.",
                "housing_wishes": "Near Watford General Hospital.",
            }
        },
    )
    plan = await add(
        api, work.officer, work, plan, action_date="2027-01-04", notes="Online banking works."
    )
    plan = await add(
        api,
        work.officer,
        work,
        plan,
        by_whom="officer",
        category="loss_of_rented_accommodation",
        text="Write to the landlord about the notice",
        action_date="2027-01-04",
        complete_within_days=7,
        required=False,
    )
    plan = await issue(api, work, plan)
    first = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    await cases_store.db["case_plans"].update_one(
        {"_id": plan["id"]}, {"$set": {"first_issued_at": first}}
    )


class TestThePlanAsAPdf:
    async def test_a_tagged_pdf_with_the_reference_progress_assessment_and_actions(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        work = await referral_with_people(api)
        await plan_issued_eight_days_ago(api, work, cases_store)
        content = await pdf_of(api, work.applicant, work)
        text, root, _ = opened(content)
        expected = [
            "Personal Housing Plan",
            "Watford",
            f"Our reference {work.case['reference']}",
            "Plan progress: 8 of 56 days (14%)",
            "Asked to leave by a friend after six months on the sofa.",
            "Near Watford General Hospital.",
            "Ask your bank for your last three statements",
            "Online banking works.",
            "Money and finances",
            "Loss of rented accommodation",
            "Write to the landlord about the notice",
            "18 January 2027",
            "1 February 2027",
            "11 January 2027",
            "Your caseworker",
            "Not started",
        ]
        assert [words for words in expected if words not in text] == []
        assert str(root["/Lang"]) == "en"
        mark_info = root["/MarkInfo"].get_object()
        assert isinstance(mark_info, pypdf.generic.DictionaryObject)
        assert bool(mark_info["/Marked"])
        assert {"/H1", "/H2", "/P", "/Table"} <= structure_tags(root["/StructTreeRoot"], set())
        # The officer's copy is the same plan.
        officers, _, _ = opened(await pdf_of(api, work.officer, work))
        assert work.case["reference"] in officers

    async def test_a_welsh_case_s_plan_is_in_welsh(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        work = await referral_with_people(api, language="cy")
        await plan_issued_eight_days_ago(api, work, cases_store)
        text, root, _ = opened(await pdf_of(api, work.applicant, work))
        assert str(root["/Lang"]) == "cy"
        for words in (
            "Cynllun Tai Personol",
            "Cynnydd y cynllun: diwrnod 8 o 56 (14%)",
            "Arian a chyllid",
            "Eich gweithiwr achos",
            "18 Ionawr 2027",
            work.case["reference"],
        ):
            assert words in text, words

    async def test_only_once_issued_for_the_applicant(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        await start(api, work)
        hidden = await plan_call(api, work.applicant, work, "GET", "/pdf")
        assert hidden.status_code == 404, hidden.text
        draft = await plan_call(api, work.officer, work, "GET", "/pdf")
        assert draft.status_code == 200, draft.text
        await expect(await plan_call(api, work.officer, work, "GET", ""), 200)
