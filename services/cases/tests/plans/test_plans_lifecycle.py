"""A Personal Housing Plan from start to a second issue: the officer writes and issues it, the
applicant reads it, agrees or not, works on their actions, adds their own and asks for a
review; the officer issues it again, and every issue is kept."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.bus import heard
from tests.support.cases import CasesApi, CasesStore
from tests.support.plans import (
    action_body,
    add,
    expect,
    issue,
    issued_plan,
    plan_call,
    referral_with_people,
    start,
)

from portalstack.endpoints import Stack


def london_today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


class TestTheWholeFlow:
    async def test_officer_writes_applicant_works_on_it_officer_issues_again(
        self, api: CasesApi
    ) -> None:
        work = await referral_with_people(api)
        plan = await start(
            api,
            work,
            {"assessment": {"circumstances": "Asked to leave by family.", "housing_needs": ""}},
        )
        assert plan["status"] == "draft"
        assert plan["issue_number"] == 0
        assert plan["progress"] == {"day": 0, "of": 56, "percent": 0}
        assert plan["assessment"]["circumstances"] == "Asked to leave by family."
        assert plan["person_id"] == work.applicant.user_id
        assert plan["reference"] == work.case["reference"]

        # Before it is issued the applicant does not know of it.
        hidden = await plan_call(api, work.applicant, work, "GET", "")
        assert hidden.status_code == 404, hidden.text
        assert hidden.json()["error"]["code"] == "plan_not_found"
        assert (await api.call("GET", work.applicant, "/plans")).json()["items"] == []

        plan = await add(api, work.officer, work, plan, action_date="2027-01-04")
        [mine] = plan["actions"]
        assert mine["target_date"] == "2027-01-18"
        assert mine["review_date"] == "2027-02-01"
        assert (mine["by_whom"], mine["added_by"], mine["progress"]) == (
            "applicant",
            "officer",
            "open",
        )
        plan = await add(api, work.officer, work, plan, by_whom="officer", text="Call the landlord")
        officers = plan["actions"][1]
        assert officers["action_date"] == london_today().isoformat()
        assert officers["target_date"] == (london_today() + timedelta(days=14)).isoformat()

        issued = await plan_call(api, work.officer, work, "POST", "/issue", plan)
        assert issued.status_code == 200, issued.text
        assert issued.headers["ETag"] == f'"{plan["version"] + 1}"'
        plan = issued.json()
        assert (plan["status"], plan["issue_number"]) == ("issued", 1)
        assert plan["first_issued_at"] == plan["issued_at"] is not None
        assert plan["progress"] == {"day": 0, "of": 56, "percent": 0}

        seen = await expect(await plan_call(api, work.applicant, work, "GET", ""), 200)
        assert seen["status"] == "issued"
        assert [a["id"] for a in seen["actions"]] == [mine["id"], officers["id"]]
        [listed] = (await api.call("GET", work.applicant, "/plans")).json()["items"]
        assert listed["case_id"] == work.case["id"]
        assert (listed["status"], listed["issue_number"], listed["actions_total"]) == (
            "issued",
            1,
            2,
        )

        # Disagreeing needs a reason; agreeing does not.
        refused = await plan_call(
            api, work.applicant, work, "POST", "/agreement", seen, {"agrees": False}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"][0]["loc"] == ["body", "reason"]
        blank = await plan_call(
            api, work.applicant, work, "POST", "/agreement", seen, {"agrees": False, "reason": " "}
        )
        assert blank.status_code == 422, blank.text
        seen = await expect(
            await plan_call(
                api,
                work.applicant,
                work,
                "POST",
                "/agreement",
                seen,
                {"agrees": False, "reason": "I cannot get to the bank in two weeks."},
            ),
            200,
        )
        assert seen["agreement"]["agrees"] is False
        assert seen["agreement"]["reason"] == "I cannot get to the bank in two weeks."
        assert seen["agreement"]["issue_number"] == 1
        seen = await expect(
            await plan_call(
                api, work.applicant, work, "POST", "/agreement", seen, {"agrees": True}
            ),
            200,
        )
        assert (seen["agreement"]["agrees"], seen["agreement"]["reason"]) == (True, None)

        # Their own action: progress and notes.
        seen = await expect(
            await plan_call(
                api,
                work.applicant,
                work,
                "PATCH",
                f"/actions/{mine['id']}",
                seen,
                {"progress": "complete", "notes": "Statements uploaded."},
            ),
            200,
        )
        assert seen["actions"][0]["progress"] == "complete"
        assert seen["actions"][0]["notes"] == "Statements uploaded."
        assert (seen["actions_complete"], seen["actions_total"]) == (1, 2)
        assert seen["status"] == "issued"

        # Not the officer's action, nor fields other than progress and notes.
        on_officers = await plan_call(
            api,
            work.applicant,
            work,
            "PATCH",
            f"/actions/{officers['id']}",
            seen,
            {"progress": "complete"},
        )
        assert on_officers.status_code == 403, on_officers.text
        other_field = await plan_call(
            api,
            work.applicant,
            work,
            "PATCH",
            f"/actions/{mine['id']}",
            seen,
            {"progress": "in_progress", "complete_within_days": 90},
        )
        assert other_field.status_code == 403, other_field.text
        assert other_field.json()["error"]["details"] == {"fields": ["complete_within_days"]}
        not_theirs_to_remove = await plan_call(
            api, work.applicant, work, "DELETE", f"/actions/{mine['id']}", seen
        )
        assert not_theirs_to_remove.status_code == 403, not_theirs_to_remove.text

        # Their own new action: always theirs, the plan stays issued.
        seen = await add(
            api,
            work.applicant,
            work,
            seen,
            by_whom="officer",
            category="employment_and_training",
            text="Go to the job centre",
        )
        own = seen["actions"][2]
        assert (own["by_whom"], own["added_by"]) == ("applicant", "applicant")
        assert seen["status"] == "issued"
        seen = await expect(
            await plan_call(
                api, work.applicant, work, "PATCH", f"/actions/{own['id']}", seen, {"notes": "x"}
            ),
            200,
        )

        # Submitted for review: now the caseworker's, not theirs.
        seen = await expect(
            await plan_call(api, work.applicant, work, "POST", "/review-request", seen), 200
        )
        assert seen["status"] == "in_review"
        assert seen["submitted_at"] is not None
        closed = await plan_call(
            api, work.applicant, work, "PATCH", f"/actions/{own['id']}", seen, {"notes": "y"}
        )
        assert closed.status_code == 409, closed.text
        assert closed.json()["error"]["code"] == "plan_not_open_to_you"

        # The officer revises it: a draft to them, the last issue to the applicant.
        plan = await expect(await plan_call(api, work.officer, work, "GET", ""), 200)
        assert plan["status"] == "in_review"
        plan = await expect(
            await plan_call(
                api,
                work.officer,
                work,
                "PATCH",
                f"/actions/{officers['id']}",
                plan,
                {"text": "Call the landlord about arrears", "complete_within_days": 7},
            ),
            200,
        )
        assert plan["status"] == "draft"
        assert plan["actions"][1]["target_date"] == (london_today() + timedelta(days=7)).isoformat()
        plan = await add(api, work.officer, work, plan, text="Apply for housing benefit")
        while_revised = await expect(await plan_call(api, work.applicant, work, "GET", ""), 200)
        assert while_revised["status"] == "issued"
        assert while_revised["version"] == plan["version"]
        assert [a["text"] for a in while_revised["actions"]] == [
            "Ask your bank for your last three statements",
            "Call the landlord",
            "Go to the job centre",
        ]
        assert while_revised["actions"][0]["progress"] == "complete"
        refused_while_draft = await plan_call(
            api, work.applicant, work, "POST", "/agreement", while_revised, {"agrees": True}
        )
        assert refused_while_draft.status_code == 409, refused_while_draft.text
        assert refused_while_draft.json()["error"]["code"] == "plan_not_open_to_you"

        plan = await issue(api, work, plan)
        assert (plan["status"], plan["issue_number"]) == ("issued", 2)
        assert plan["agreement"] is None
        assert plan["submitted_at"] is None
        assert plan["first_issued_at"] != plan["issued_at"]

        versions = await expect(await plan_call(api, work.applicant, work, "GET", "/versions"), 200)
        assert [v["issue_number"] for v in versions["items"]] == [2, 1]
        assert {v["issued_by"] for v in versions["items"]} == {work.officer.user_id}
        first = await expect(await plan_call(api, work.applicant, work, "GET", "/versions/1"), 200)
        assert first["issue_number"] == 1
        assert [a["text"] for a in first["actions"]] == [
            "Ask your bank for your last three statements",
            "Call the landlord",
        ]
        assert first["actions"][0]["progress"] == "open"
        second = await expect(await plan_call(api, work.officer, work, "GET", "/versions/2"), 200)
        assert len(second["actions"]) == 4
        missing = await plan_call(api, work.officer, work, "GET", "/versions/3")
        assert missing.status_code == 404, missing.text

        history = await expect(
            await api.call("GET", work.officer, f"/cases/{work.case['id']}/history"), 200
        )
        actions = [e["action"] for e in history["items"] if e["action"].startswith("plan_")]
        assert actions == [
            "plan_started",
            "plan_action_added",
            "plan_action_added",
            "plan_issued",
            "plan_disagreed",
            "plan_agreed",
            "plan_action_updated",
            "plan_action_added",
            "plan_action_updated",
            "plan_submitted_for_review",
            "plan_action_updated",
            "plan_action_added",
            "plan_issued",
        ]
        theirs = await expect(
            await api.call("GET", work.applicant, f"/cases/{work.case['id']}/history"), 200
        )
        shown = [e["action"] for e in theirs["items"] if e["action"].startswith("plan_")]
        assert "plan_started" not in shown
        assert shown[0] == "plan_issued"
        assert shown.count("plan_issued") == 2

    async def test_the_officer_removes_and_the_applicant_removes_their_own(
        self, api: CasesApi
    ) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        plan = await add(api, work.applicant, work, plan, text="My own action")
        own = plan["actions"][2]["id"]
        plan = await expect(
            await plan_call(api, work.applicant, work, "DELETE", f"/actions/{own}", plan), 200
        )
        assert len(plan["actions"]) == 2
        assert plan["status"] == "issued"
        gone = await plan_call(api, work.applicant, work, "DELETE", f"/actions/{own}", plan)
        assert gone.status_code == 404, gone.text
        assert gone.json()["error"]["code"] == "plan_action_not_found"
        first = plan["actions"][0]["id"]
        plan = await expect(
            await plan_call(api, work.officer, work, "DELETE", f"/actions/{first}", plan), 200
        )
        assert (plan["status"], len(plan["actions"])) == ("draft", 1)
        last = plan["actions"][0]["id"]
        plan = await expect(
            await plan_call(api, work.officer, work, "DELETE", f"/actions/{last}", plan), 200
        )
        empty = await plan_call(api, work.officer, work, "POST", "/issue", plan)
        assert empty.status_code == 422, empty.text
        assert empty.json()["error"]["code"] == "plan_incomplete"

    async def test_the_assessment_is_replaced_and_the_plan_is_a_draft_again(
        self, api: CasesApi
    ) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        sections = {
            "circumstances": "Evicted for arrears.",
            "housing_needs": "Two bedrooms, ground floor.",
            "housing_wishes": "Near the children's school.",
            "support_needs": "",
        }
        plan = await expect(
            await plan_call(api, work.officer, work, "PUT", "/assessment", plan, sections), 200
        )
        assert plan["assessment"] == sections
        assert plan["status"] == "draft"
        seen = await expect(await plan_call(api, work.applicant, work, "GET", ""), 200)
        assert seen["assessment"]["circumstances"] == "Asked to leave."
        too_long = await plan_call(
            api, work.officer, work, "PUT", "/assessment", plan, {"housing_needs": "x" * 4001}
        )
        assert too_long.status_code == 422, too_long.text


class TestConcurrencyAndRepeats:
    async def test_changes_need_the_current_version(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        plan = await start(api, work)
        missing = await api.call("POST", work.officer, f"{work.path}/actions", json=action_body())
        assert missing.status_code == 428, missing.text
        changed = await add(api, work.officer, work, plan)
        stale = await plan_call(api, work.officer, work, "POST", "/actions", plan, action_body())
        assert stale.status_code == 412, stale.text
        assert stale.json()["error"]["details"] == {"current_etag": f'"{changed["version"]}"'}
        for method, path in (
            ("PUT", "/assessment"),
            ("POST", "/issue"),
            ("PATCH", f"/actions/{changed['actions'][0]['id']}"),
            ("DELETE", f"/actions/{changed['actions'][0]['id']}"),
        ):
            body = {"notes": "x"} if method == "PATCH" else ({} if method == "PUT" else None)
            response = await plan_call(api, work.officer, work, method, path, plan, body)
            assert response.status_code == 412, (method, path, response.text)
            unmatched = await api.call("POST", work.officer, f"{work.path}{path}", json=body)
            if method == "POST":
                assert unmatched.status_code == 428, unmatched.text
        read = await plan_call(api, work.officer, work, "GET", "")
        assert read.headers["ETag"] == f'"{changed["version"]}"'

    async def test_starting_twice_with_one_key_makes_one_plan(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        key = {"Idempotency-Key": uuid.uuid4().hex}
        body = {"assessment": {"circumstances": "Sofa surfing."}}
        first = await api.call("POST", work.officer, work.path, json=body, headers=key)
        again = await api.call("POST", work.officer, work.path, json=body, headers=key)
        assert first.status_code == again.status_code == 201, again.text
        assert first.json() == again.json()
        another = await api.call("POST", work.officer, work.path, json=body)
        assert another.status_code == 409, another.text
        assert another.json()["error"]["code"] == "plan_exists"

    async def test_two_officers_starting_at_once_make_one_plan(self, api: CasesApi) -> None:
        work = await referral_with_people(api)
        answers = await asyncio.gather(
            *(
                api.call("POST", caller, work.path, json={})
                for caller in (work.officer, work.manager)
            )
        )
        assert sorted(answer.status_code for answer in answers) == [201, 409], [
            answer.text for answer in answers
        ]
        [refused] = [answer for answer in answers if answer.status_code == 409]
        assert refused.json()["error"]["code"] in ("plan_exists", "concurrent_change")


# What ends an applicant's action and what gives it back to them.
TOLD_AGAIN = ("cases.plan.action_ended", "cases.plan.action_changed")


class TestEvents:
    async def test_issues_agreements_and_reviews_are_published(
        self, api: CasesApi, stack: Stack, cases_store: CasesStore
    ) -> None:
        work = await referral_with_people(api, language="cy")
        async with heard(stack, "cases.plan.*") as hear:
            plan = await start(api, work)
            plan = await add(api, work.officer, work, plan, category="domestic_abuse")
            plan = await add(api, work.officer, work, plan, by_whom="officer")
            plan = await issue(api, work, plan)
            first_action = plan["actions"][0]
            plan = await expect(
                await plan_call(
                    api,
                    work.applicant,
                    work,
                    "POST",
                    "/agreement",
                    plan,
                    {"agrees": False, "reason": "Too soon"},
                ),
                200,
            )
            plan = await add(api, work.applicant, work, plan, text="Mine")
            plan = await expect(
                await plan_call(api, work.applicant, work, "POST", "/review-request", plan), 200
            )
            plan = await add(api, work.officer, work, plan, text="A new one for you")
            plan = await issue(api, work, plan)
            plan = await expect(
                await plan_call(
                    api, work.applicant, work, "POST", "/agreement", plan, {"agrees": True}
                ),
                200,
            )
            events = await hear(work.case["id"], 7)
        assert [envelope.type for envelope, _ in events] == [
            "cases.plan.issued",
            "cases.plan.action_assigned",
            "cases.plan.disagreed",
            "cases.plan.submitted_for_review",
            "cases.plan.issued",
            "cases.plan.action_assigned",
            "cases.plan.agreed",
        ]
        payloads = [payload.model_dump(mode="json") for _, payload in events]
        for payload in payloads:
            assert payload["case_id"] == work.case["id"]
            assert payload["reference"] == work.case["reference"]
            assert payload["person_id"] == work.applicant.user_id
            assert payload["language"] == "cy"
            assert payload["plan_id"] == plan["id"]
        assert [p["issue_number"] for p in payloads] == [1, 1, 1, 1, 2, 2, 2]
        assert payloads[0]["actions_total"] == 2
        assert payloads[0]["applicant_actions"] == 1
        assert payloads[0]["issued_by"] == work.officer.user_id
        assigned = payloads[1]
        assert assigned["action_id"] == first_action["id"]
        assert assigned["category"] == "domestic_abuse"
        assert assigned["target_date"] == first_action["target_date"]
        assert assigned["review_date"] == first_action["review_date"]
        # Only the new action the officer gave the applicant, not theirs nor older ones.
        assert payloads[5]["action_id"] == plan["actions"][3]["id"]
        for payload in payloads:
            assert "Too soon" not in str(payload)
            assert "text" not in payload
            assert "reason" not in payload
        outbox = [event["type"] for event in await cases_store.events(work.case["id"])]
        assert outbox.count("cases.plan.action_assigned") == 2

    async def test_an_applicants_action_completed_or_removed_is_published_once(
        self, api: CasesApi, stack: Stack
    ) -> None:
        work = await referral_with_people(api)
        async with heard(stack, "cases.plan.action_ended") as hear:
            plan = await issued_plan(api, work)
            plan = await add(api, work.officer, work, plan, text="Another of yours")
            plan = await issue(api, work, plan)
            mine, theirs, another = plan["actions"]
            done = {"progress": "complete"}
            for _ in range(2):
                plan = await expect(
                    await plan_call(
                        api, work.applicant, work, "PATCH", f"/actions/{mine['id']}", plan, done
                    ),
                    200,
                )
            # The officer's own action ends nobody's reminder.
            for action in (theirs, another):
                plan = await expect(
                    await plan_call(
                        api, work.officer, work, "DELETE", f"/actions/{action['id']}", plan
                    ),
                    200,
                )
            events = await hear(work.case["id"], 2)
        ended = [
            (payload.model_dump()["action_id"], payload.model_dump()["how"])
            for _, payload in events
        ]
        assert ended == [(mine["id"], "complete"), (another["id"], "removed")]
        assert all(payload.model_dump()["issue_number"] == 2 for _, payload in events)


class TestReissuedActions:
    async def test_an_applicants_action_due_on_another_day_or_open_again_is_published(
        self, api: CasesApi, stack: Stack, cases_store: CasesStore
    ) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        plan = await add(api, work.officer, work, plan, text="Another of yours")
        plan = await add(api, work.officer, work, plan, text="One left as it is")
        plan = await issue(api, work, plan)
        mine, theirs, another, unchanged = plan["actions"]

        async def change(caller: Any, action: dict[str, Any], body: dict[str, Any]) -> Any:
            path = f"/actions/{action['id']}"
            return await expect(await plan_call(api, caller, work, "PATCH", path, plan, body), 200)

        async with heard(stack, "cases.plan.action_changed") as hear:
            plan = await change(work.applicant, mine, {"progress": "complete"})
            plan = await change(work.applicant, unchanged, {"progress": "in_progress"})
            plan = await change(work.officer, mine, {"progress": "open"})
            plan = await change(work.officer, another, {"complete_within_days": 40})
            # Neither the officer's own action nor a change of words moves a reminder.
            plan = await change(work.officer, theirs, {"complete_within_days": 40})
            plan = await change(work.officer, unchanged, {"text": "Other words"})
            plan = await issue(api, work, plan)
            events = await hear(work.case["id"], 2)
        changed = {
            payload.model_dump(mode="json")["action_id"]: payload.model_dump(mode="json")
            for _, payload in events
        }
        moved = next(a for a in plan["actions"] if a["id"] == another["id"])
        assert moved["target_date"] != another["target_date"]
        assert changed[another["id"]]["target_date"] == moved["target_date"]
        assert changed[another["id"]]["review_date"] == moved["review_date"]
        assert changed[another["id"]]["reopened"] is False
        assert changed[mine["id"]]["target_date"] == mine["target_date"]
        assert changed[mine["id"]]["reopened"] is True
        assert all(payload["issue_number"] == 3 for payload in changed.values())
        assert all("text" not in payload for payload in changed.values())
        outbox = [event["type"] for event in await cases_store.events(work.case["id"])]
        assert outbox.count("cases.plan.action_changed") == 2
        assert outbox.count("cases.plan.action_assigned") == 3

        # Issued again with nothing changed: nothing to tell reminders of.
        plan = await change(work.officer, theirs, {"text": "Words only"})
        plan = await issue(api, work, plan)
        outbox = [event["type"] for event in await cases_store.events(work.case["id"])]
        assert outbox.count("cases.plan.action_changed") == 2

    async def test_an_action_completed_and_opened_again_in_a_draft_is_told_open_again(
        self, api: CasesApi, stack: Stack, cases_store: CasesStore
    ) -> None:
        # Completing it ended the applicant's reminders at once; the issue that gives it back
        # to them open must say so, though no issue ever showed it complete.
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        mine = plan["actions"][0]
        path = f"/actions/{mine['id']}"
        async with heard(stack, "cases.plan.*") as hear:
            for progress in ("complete", "open"):
                plan = await expect(
                    await plan_call(
                        api, work.officer, work, "PATCH", path, plan, {"progress": progress}
                    ),
                    200,
                )
            plan = await issue(api, work, plan)
            events = await hear(work.case["id"], 2, keep=lambda e, _: e.type in TOLD_AGAIN)
        told = [(envelope.type, payload.model_dump(mode="json")) for envelope, payload in events]
        assert [kind for kind, _ in told] == [
            "cases.plan.action_ended",
            "cases.plan.action_changed",
        ]
        assert told[1][1]["action_id"] == mine["id"]
        assert told[1][1]["reopened"] is True
        assert told[1][1]["target_date"] == mine["target_date"]

        # Issued again: told once, not at every issue.
        theirs = f"/actions/{plan['actions'][1]['id']}"
        plan = await expect(
            await plan_call(api, work.officer, work, "PATCH", theirs, plan, {"text": "Words only"}),
            200,
        )
        plan = await issue(api, work, plan)
        outbox = [event["type"] for event in await cases_store.events(work.case["id"])]
        assert outbox.count("cases.plan.action_changed") == 1


class TestProgress:
    async def test_days_since_first_issued_of_the_56(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        work = await referral_with_people(api)
        plan = await issued_plan(api, work)
        for days_ago, expected in ((8, (8, 14)), (28, (28, 50)), (70, (56, 100))):
            first = datetime.now(UTC) - timedelta(days=days_ago)
            await cases_store.db["case_plans"].update_one(
                {"_id": plan["id"]}, {"$set": {"first_issued_at": first.isoformat()}}
            )
            seen = await expect(await plan_call(api, work.applicant, work, "GET", ""), 200)
            assert (seen["progress"]["day"], seen["progress"]["percent"]) == expected
            assert seen["progress"]["of"] == 56
            [listed] = (await api.call("GET", work.applicant, "/plans")).json()["items"]
            assert listed["progress"] == seen["progress"]
