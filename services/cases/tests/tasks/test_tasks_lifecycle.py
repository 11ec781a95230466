"""Tasks set on a case: done, not possible and reviewed, overdue, listed, on the history."""

import uuid

from tests.support.bus import heard
from tests.support.cases import CasesApi
from tests.support.tasks_and_messages import (
    complaint,
    in_days,
    referral,
    set_task,
    task_body,
    task_change,
)

from contracts.events.casework_tasks import TaskAssigned, TaskCompleted
from portalstack.endpoints import Stack


class TestSettingATask:
    async def test_the_applicant_sees_it_with_the_case_reference_and_completes_it(
        self, api: CasesApi
    ) -> None:
        work = await referral(api)
        task = await set_task(api, work.officer, work.case)
        assert (task["status"], task["assignee_id"]) == ("new", work.applicant.user_id)
        mine = (await api.call("GET", work.applicant, "/tasks")).json()
        [listed] = mine["items"]
        assert listed["id"] == task["id"]
        assert listed["reference"] == work.case["reference"]
        assert listed["application_type"] == "Homelessness referral"
        assert listed["actions"] == ["complete", "unable_to_complete"]
        done = await task_change(api, work.applicant, listed, "completion")
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "complete"
        assert done.headers["ETag"] == f'"{task["version"] + 1}"'
        assert (await api.call("GET", work.applicant, "/tasks")).json()["items"] == []
        [finished] = (
            await api.call("GET", work.applicant, "/tasks", params={"state": "done"})
        ).json()["items"]
        assert finished["status"] == "complete"
        again = await task_change(api, work.applicant, done.json(), "completion")
        assert again.status_code == 409, again.text
        assert again.json()["error"]["code"] == "task_not_open"

    async def test_bad_tasks_are_refused_with_the_field(self, api: CasesApi) -> None:
        work = await referral(api)
        path = f"/cases/{work.case['id']}/tasks"
        for body, field in (
            (task_body(title=""), "title"),
            (task_body(title="x" * 121), "title"),
            (task_body(target_date="29/06/2027"), "target_date"),
            (task_body(assignee="officer"), "assignee"),
        ):
            response = await api.call("POST", work.officer, path, json=body)
            assert response.status_code == 422, response.text
            assert field in str(response.json()["error"]["details"])
        landlord_less = await api.call(
            "POST", work.officer, path, json=task_body(assignee="landlord")
        )
        assert landlord_less.status_code == 403, landlord_less.text

    async def test_a_landlord_task_needs_the_landlord_user(self, api: CasesApi) -> None:
        work = await complaint(api)
        assert work.landlord is not None
        path = f"/cases/{work.case['id']}/tasks"
        missing = await api.call("POST", work.officer, path, json=task_body(assignee="landlord"))
        assert missing.status_code == 422, missing.text
        assert missing.json()["error"]["details"] == {"missing": ["landlord_user_id"]}
        task = await set_task(
            api,
            work.officer,
            work.case,
            assignee="landlord",
            landlord_user_id=work.landlord.user_id,
        )
        [listed] = (await api.call("GET", work.landlord, "/tasks")).json()["items"]
        assert listed["id"] == task["id"]
        assert listed["application_type"] == "Complaint"

    async def test_a_retried_create_makes_one_task(self, api: CasesApi) -> None:
        work = await referral(api)
        key = {"Idempotency-Key": uuid.uuid4().hex}
        path = f"/cases/{work.case['id']}/tasks"
        first = await api.call("POST", work.officer, path, json=task_body(), headers=key)
        second = await api.call("POST", work.officer, path, json=task_body(), headers=key)
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        listed = (await api.call("GET", work.officer, path)).json()["items"]
        assert [task["id"] for task in listed] == [first.json()["id"]]
        reused = await api.call(
            "POST", work.officer, path, json=task_body(title="Another"), headers=key
        )
        assert reused.status_code == 422
        assert reused.json()["error"]["code"] == "idempotency_key_reused"

    async def test_no_new_task_on_a_closed_case(self, api: CasesApi) -> None:
        work = await referral(api)
        await api.act(work.officer, work.case, "close", reason="Moved away")
        closed = await api.call(
            "POST", work.officer, f"/cases/{work.case['id']}/tasks", json=task_body()
        )
        assert closed.status_code == 409, closed.text
        assert closed.json()["error"]["code"] == "case_not_open"


class TestOverdue:
    async def test_a_new_task_past_its_target_date_is_overdue_until_done(
        self, api: CasesApi
    ) -> None:
        work = await referral(api)
        late = await set_task(api, work.officer, work.case, target_date=in_days(-1))
        today = await set_task(api, work.officer, work.case, target_date=in_days(0))
        assert late["status"] == "overdue"
        assert today["status"] == "new"
        done = await task_change(api, work.applicant, late, "completion")
        assert done.json()["status"] == "complete"


class TestUnableToComplete:
    async def test_the_reason_is_reviewed_and_the_task_set_again_or_accepted(
        self, api: CasesApi
    ) -> None:
        work = await referral(api)
        task = await set_task(api, work.officer, work.case)
        too_long = await task_change(
            api, work.applicant, task, "unable-to-complete", {"reason": "x" * 281}
        )
        assert too_long.status_code == 422, too_long.text
        told = await task_change(
            api, work.applicant, task, "unable-to-complete", {"reason": "y" * 280}
        )
        assert told.status_code == 200, told.text
        assert (told.json()["status"], told.json()["review"]) == ("unable_to_complete", "pending")
        as_officer = (
            await api.call("GET", work.officer, f"/cases/{task['case_id']}/tasks/{task['id']}")
        ).json()
        assert as_officer["actions"] == ["accept", "reopen"]
        no_note = await task_change(api, work.officer, as_officer, "review", {"decision": "reopen"})
        assert no_note.status_code == 422, no_note.text
        reopened = await task_change(
            api,
            work.officer,
            as_officer,
            "review",
            {"decision": "reopen", "note": "Ask your landlord for a copy."},
        )
        assert reopened.status_code == 200, reopened.text
        assert (reopened.json()["status"], reopened.json()["review_note"]) == (
            "new",
            "Ask your landlord for a copy.",
        )
        told = await task_change(
            api, work.applicant, reopened.json(), "unable-to-complete", {"reason": "Still no"}
        )
        accepted = await task_change(
            api, work.officer, told.json(), "review", {"decision": "accept"}
        )
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["status"], accepted.json()["review"]) == (
            "unable_to_complete",
            "accepted",
        )
        twice = await task_change(
            api, work.officer, accepted.json(), "review", {"decision": "accept"}
        )
        assert twice.status_code == 409, twice.text

    async def test_changes_need_the_version_read(self, api: CasesApi) -> None:
        work = await referral(api)
        task = await set_task(api, work.officer, work.case)
        path = f"/cases/{task['case_id']}/tasks/{task['id']}/completion"
        missing = await api.call("POST", work.applicant, path)
        assert missing.status_code == 428, missing.text
        stale = await api.call("POST", work.applicant, path, headers={"If-Match": '"7"'})
        assert stale.status_code == 412, stale.text


class TestLists:
    async def test_my_tasks_across_cases_soonest_first_page_by_page(self, api: CasesApi) -> None:
        first = await referral(api)
        applicant = first.applicant
        second_case = await api.create(
            applicant,
            {"kind": "homelessness", "answers": first.case["answers"], "submit": True},
        )
        days = [9, 2, 5, 2, 30, 1, 14]
        for position, day in enumerate(days):
            case = first.case if position % 2 else second_case
            await set_task(
                api, first.officer, case, title=f"Task {position}", target_date=in_days(day)
            )
        seen: list[dict[str, str]] = []
        cursor = None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = (await api.call("GET", applicant, "/tasks", params=params)).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [task["target_date"] for task in seen] == sorted(in_days(day) for day in days)
        assert len({task["id"] for task in seen}) == len(days)
        assert {task["reference"] for task in seen} == {
            first.case["reference"],
            second_case["reference"],
        }
        bad = await api.call("GET", applicant, "/tasks", params={"cursor": "not-a-cursor"})
        assert bad.status_code == 400, bad.text

    async def test_the_case_overview_shows_the_next_five(self, api: CasesApi) -> None:
        work = await referral(api)
        for day in (8, 3, 6, 1, 4, 7, 2):
            await set_task(api, work.officer, work.case, target_date=in_days(day))
        page = (
            await api.call(
                "GET", work.applicant, f"/cases/{work.case['id']}/tasks", params={"limit": 5}
            )
        ).json()
        assert [task["target_date"] for task in page["items"]] == [
            in_days(day) for day in (1, 2, 3, 4, 6)
        ]
        assert page["next_cursor"] is not None

    async def test_the_applicant_and_the_landlord_see_only_their_own_side(
        self, api: CasesApi
    ) -> None:
        work = await complaint(api)
        assert work.landlord is not None
        for_applicant = await set_task(api, work.officer, work.case)
        for_landlord = await set_task(
            api,
            work.officer,
            work.case,
            assignee="landlord",
            landlord_user_id=work.landlord.user_id,
        )
        path = f"/cases/{work.case['id']}/tasks"

        async def ids(caller: object) -> set[str]:
            listed = (await api.call("GET", caller, path)).json()["items"]  # type: ignore[arg-type]
            return {task["id"] for task in listed}

        assert await ids(work.officer) == {for_applicant["id"], for_landlord["id"]}
        assert await ids(work.applicant) == {for_applicant["id"]}
        assert await ids(work.landlord) == {for_landlord["id"]}
        hidden = await api.call("GET", work.applicant, f"{path}/{for_landlord['id']}")
        assert hidden.status_code == 404
        assert hidden.json()["error"]["code"] == "task_not_found"


class TestHistoryAndEvents:
    async def test_each_step_is_on_the_history_and_the_broker(
        self, api: CasesApi, stack: Stack
    ) -> None:
        async with heard(stack, "cases.task.#") as hear:
            work = await complaint(api)
            assert work.landlord is not None
            task = await set_task(api, work.officer, work.case)
            landlord_task = await set_task(
                api,
                work.officer,
                work.case,
                title="Send the repair records",
                assignee="landlord",
                landlord_user_id=work.landlord.user_id,
            )
            await task_change(api, work.applicant, task, "completion")
            events = await hear(work.case["id"], 3)
        assigned, landlords, completed = (payload for _, payload in events)
        assert isinstance(assigned, TaskAssigned)
        assert (assigned.task_id, assigned.assignee_id, assigned.set_by) == (
            task["id"],
            work.applicant.user_id,
            work.officer.user_id,
        )
        assert assigned.reference == work.case["reference"]
        assert isinstance(landlords, TaskAssigned)
        assert (landlords.assignee, landlords.assignee_id) == ("landlord", work.landlord.user_id)
        assert isinstance(completed, TaskCompleted)
        assert completed.completed_by == work.applicant.user_id
        assert "description" not in completed.model_dump()

        def actions(caller: object) -> list[tuple[str, str]]:
            return [
                (entry["action"], entry["details"].get("title"))
                for entry in history[caller]  # type: ignore[index]
                if entry["action"].startswith("task_")
            ]

        history = {}
        for caller in (work.officer, work.applicant, work.landlord):
            answer = await api.call("GET", caller, f"/cases/{work.case['id']}/history")
            history[caller] = answer.json()["items"]
        title = task["title"]
        assert actions(work.officer) == [
            ("task_set", title),
            ("task_set", landlord_task["title"]),
            ("task_completed", title),
        ]
        assert actions(work.applicant) == [("task_set", title), ("task_completed", title)]
        assert actions(work.landlord) == [("task_set", landlord_task["title"])]
