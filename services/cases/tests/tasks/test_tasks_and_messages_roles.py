"""Who may do what with the tasks and messages of a complaint: each role against each action."""

from collections.abc import Awaitable, Callable

import pytest
from tests.support.cases import Caller, CasesApi, Json
from tests.support.tasks_and_messages import (
    Casework,
    complaint,
    message_body,
    send_message,
    set_task,
    task_body,
    task_change,
)

ROLES = ("applicant", "officer", "landlord", "other_applicant", "other_officer", "other_landlord")
Action = Callable[[CasesApi, Casework, Caller], Awaitable[int]]


def case_path(work: Casework) -> str:
    return f"/cases/{work.case['id']}"


async def landlord_task(api: CasesApi, work: Casework) -> Json:
    assert work.landlord is not None
    return await set_task(
        api, work.officer, work.case, assignee="landlord", landlord_user_id=work.landlord.user_id
    )


async def landlord_message(api: CasesApi, work: Casework) -> Json:
    assert work.landlord is not None
    return await send_message(
        api, work.officer, work.case, recipient="landlord", landlord_user_id=work.landlord.user_id
    )


async def set_a_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    answer = await api.call("POST", caller, f"{case_path(work)}/tasks", json=task_body())
    return answer.status_code


async def list_tasks(api: CasesApi, work: Casework, caller: Caller) -> int:
    return (await api.call("GET", caller, f"{case_path(work)}/tasks")).status_code


async def read_applicant_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    task = await set_task(api, work.officer, work.case)
    return (await api.call("GET", caller, f"{case_path(work)}/tasks/{task['id']}")).status_code


async def complete_applicant_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    task = await set_task(api, work.officer, work.case)
    return (await task_change(api, caller, task, "completion")).status_code


async def complete_landlord_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    task = await landlord_task(api, work)
    return (await task_change(api, caller, task, "completion")).status_code


async def unable_landlord_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    task = await landlord_task(api, work)
    answer = await task_change(api, caller, task, "unable-to-complete", {"reason": "Closed"})
    return answer.status_code


async def review_task(api: CasesApi, work: Casework, caller: Caller) -> int:
    task = await set_task(api, work.officer, work.case)
    told = await task_change(api, work.applicant, task, "unable-to-complete", {"reason": "No"})
    answer = await task_change(api, caller, told.json(), "review", {"decision": "accept"})
    return answer.status_code


async def send_a_message(api: CasesApi, work: Casework, caller: Caller) -> int:
    answer = await api.call("POST", caller, f"{case_path(work)}/messages", json=message_body())
    return answer.status_code


async def list_messages(api: CasesApi, work: Casework, caller: Caller) -> int:
    return (await api.call("GET", caller, f"{case_path(work)}/messages")).status_code


async def open_applicant_message(api: CasesApi, work: Casework, caller: Caller) -> int:
    message = await send_message(api, work.officer, work.case)
    path = f"{case_path(work)}/messages/{message['id']}"
    return (await api.call("GET", caller, path)).status_code


async def reply_to_applicant_message(api: CasesApi, work: Casework, caller: Caller) -> int:
    message = await send_message(api, work.officer, work.case)
    path = f"{case_path(work)}/messages/{message['id']}/replies"
    return (await api.call("POST", caller, path, json={"body": "Thanks"})).status_code


async def reply_to_landlord_message(api: CasesApi, work: Casework, caller: Caller) -> int:
    message = await landlord_message(api, work)
    path = f"{case_path(work)}/messages/{message['id']}/replies"
    return (await api.call("POST", caller, path, json={"body": "Thanks"})).status_code


# What each role gets, in the order of ROLES. Strangers (another applicant, another
# authority's officer, another landlord's user) never learn the case exists: 404.
EXPECTED: dict[str, tuple[Action, tuple[int, ...]]] = {
    "set a task": (set_a_task, (403, 201, 403, 404, 404, 404)),
    "list the case's tasks": (list_tasks, (200, 200, 200, 404, 404, 404)),
    "read the applicant's task": (read_applicant_task, (200, 200, 404, 404, 404, 404)),
    "complete the applicant's task": (complete_applicant_task, (200, 403, 404, 404, 404, 404)),
    "complete the landlord's task": (complete_landlord_task, (404, 403, 200, 404, 404, 404)),
    "say the landlord cannot": (unable_landlord_task, (404, 403, 200, 404, 404, 404)),
    "review a task": (review_task, (403, 200, 404, 404, 404, 404)),
    "send a message": (send_a_message, (403, 201, 403, 404, 404, 404)),
    "list the case's messages": (list_messages, (200, 200, 200, 404, 404, 404)),
    "open the applicant's message": (open_applicant_message, (200, 200, 404, 404, 404, 404)),
    "reply to the applicant": (reply_to_applicant_message, (201, 201, 404, 404, 404, 404)),
    "reply to the landlord": (reply_to_landlord_message, (404, 201, 201, 404, 404, 404)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
async def test_each_role_against_each_action(api: CasesApi, action: str, role: str) -> None:
    work = await complaint(api)
    caller = getattr(work, role)
    do, statuses = EXPECTED[action]
    assert await do(api, work, caller) == statuses[ROLES.index(role)]
