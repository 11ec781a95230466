"""What the plans API refuses, always with the standard error body and never a 500: plans on
other kinds of case or closed ones, bad actions, agreements and cursors; and the lists page."""

import uuid
from dataclasses import replace
from typing import Any

from tests.support.cases import HOUSEHOLD, REGISTER, CasesApi
from tests.support.plans import (
    action_body,
    add,
    expect,
    issued_plan,
    plan_call,
    referral_with_people,
    start,
)


class TestWhereAPlanGoes:
    async def test_only_a_homelessness_case_has_a_plan(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        register = await api.create(
            work.applicant,
            {
                "kind": "housing_register",
                "answers": REGISTER,
                "household": HOUSEHOLD,
                "submit": True,
            },
        )
        response = await api.call("POST", work.officer, f"/cases/{register['id']}/plan", json={})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "plan_not_for_this_case"
        none = await api.call("GET", work.officer, f"/cases/{register['id']}/plan")
        assert none.status_code == 404, none.text
        assert none.json()["error"]["code"] == "plan_not_found"

    async def test_nothing_changes_on_a_closed_case(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        case = await api.act(work.officer, work.case, "accept")
        await api.act(work.officer, case, "close", reason="Accommodation secured")
        for caller, method, path, body in (
            (work.officer, "POST", "/issue", None),
            (work.officer, "POST", "/actions", action_body()),
            (work.applicant, "POST", "/agreement", {"agrees": True}),
        ):
            response = await plan_call(api, caller, work, method, path, plan, body)
            assert response.status_code == 409, response.text
            assert response.json()["error"]["code"] == "case_not_open"
        assert (await plan_call(api, work.applicant, work, "GET", "")).status_code == 200
        other = await referral_with_people(api)
        case = await api.act(other.officer, other.case, "accept")
        await api.act(other.officer, case, "close", reason="Accommodation secured")
        closed = await api.call("POST", other.officer, other.path, json={})
        assert closed.status_code == 409, closed.text
        assert closed.json()["error"]["code"] == "case_not_open"


class TestBadInput:
    async def test_bad_actions_are_refused_on_the_field(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        plan = await start(api, work)
        bad: list[tuple[dict[str, Any], str]] = [
            ({"category": "holiday"}, "category"),
            ({"text": ""}, "text"),
            ({"text": "   "}, "text"),
            ({"text": "x" * 501}, "text"),
            ({"by_whom": "landlord"}, "by_whom"),
            ({"complete_within_days": 0}, "complete_within_days"),
            ({"complete_within_days": 366}, "complete_within_days"),
            ({"complete_within_days": "soon"}, "complete_within_days"),
            ({"action_date": "04/01/2027"}, "action_date"),
            ({"action_date": "9999-12-31"}, "action_date"),
            ({"action_date": 1767225600}, "action_date"),
            ({"notes": "x" * 1001}, "notes"),
            ({"required": "perhaps"}, "required"),
            ({"required": 0}, "required"),
            ({"complete_within_days": "14"}, "complete_within_days"),
            ({"colour": "red"}, "colour"),
        ]
        for changes, field in bad:
            response = await plan_call(
                api, work.officer, work, "POST", "/actions", plan, action_body(**changes)
            )
            assert response.status_code == 422, (changes, response.text)
            assert response.json()["error"]["code"] == "validation_failed"
            assert field in str(response.json()["error"]["details"]), changes
        for missing in ("category", "text", "by_whom", "complete_within_days", "required"):
            body = action_body()
            del body[missing]
            response = await plan_call(api, work.officer, work, "POST", "/actions", plan, body)
            assert response.status_code == 422, (missing, response.text)
        plan = await add(api, work.officer, work, plan)
        action = plan["actions"][0]["id"]
        for body in ({}, {"progress": None}, {"progress": "done"}, {"text": ""}, {"id": "x"}):
            response = await plan_call(
                api, work.officer, work, "PATCH", f"/actions/{action}", plan, body
            )
            assert response.status_code == 422, (body, response.text)
        unknown = await plan_call(
            api, work.officer, work, "PATCH", f"/actions/{uuid.uuid4().hex}", plan, {"notes": "x"}
        )
        assert unknown.status_code == 404, unknown.text
        assert unknown.json()["error"]["code"] == "plan_action_not_found"
        unchanged = await expect(await plan_call(api, work.officer, work, "GET", ""), 200)
        assert unchanged["version"] == plan["version"]

    async def test_bad_agreements_paths_and_cursors(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        for body in (
            {},
            {"agrees": "yes please"},
            {"agrees": False, "reason": "x" * 1001},
            {"agrees": True, "extra": 1},
            {"agrees": 1},
        ):
            response = await plan_call(api, work.applicant, work, "POST", "/agreement", plan, body)
            assert response.status_code == 422, (body, response.text)
        for path in ("/versions/0", "/versions/x", "/versions/99999999999"):
            response = await plan_call(api, work.officer, work, "GET", path)
            assert response.status_code in (404, 422), (path, response.text)
            assert "error" in response.json()
        for params in ({"cursor": "x"}, {"limit": 0}, {"limit": 101}):
            versions = await api.call("GET", work.officer, f"{work.path}/versions", params=params)
            assert versions.status_code in (400, 422), versions.text
            mine = await api.call("GET", work.applicant, "/plans", params=params)
            assert mine.status_code in (400, 422), mine.text
        not_a_case = await api.call("GET", work.officer, "/cases/nonsense/plan")
        assert not_a_case.status_code == 404, not_a_case.text
        # The body is checked before the version it was made from.
        for path in ("/agreement", "/actions"):
            stale = await plan_call(api, work.applicant, work, "POST", path, {"version": 0})
            assert stale.status_code == 422, stale.text
        wrong_etag = await plan_call(
            api, work.officer, work, "POST", "/issue", {"version": "nonsense"}
        )
        assert wrong_etag.status_code == 412, wrong_etag.text


class TestPages:
    async def test_my_plans_and_the_issues_page_newest_first(self, api: CasesApi) -> None:
        first = await referral_with_people(api)
        applicant = first.applicant
        plans = [await issued_plan(api, first)]
        for _ in range(2):
            case = await api.create(
                applicant,
                {"kind": "homelessness", "answers": first.case["answers"], "submit": True},
            )
            work = replace(first, case=case)
            plans.append(await issued_plan(api, work))
        # A started plan not yet issued is not one of theirs.
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": first.case["answers"], "submit": True}
        )
        await start(api, replace(first, case=case))
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = await expect(await api.call("GET", applicant, "/plans", params=params), 200)
            seen += [item["case_id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [plan["case_id"] for plan in reversed(plans)]

        plan = plans[0]
        for _ in range(2):
            plan = await expect(
                await plan_call(api, first.officer, first, "POST", "/issue", plan), 200
            )
        numbers: list[int] = []
        cursor = None
        for _ in range(5):
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = await expect(
                await api.call("GET", applicant, f"{first.path}/versions", params=params), 200
            )
            numbers += [item["issue_number"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert numbers == [3, 2, 1]
