"""Cases with the people around them, for tests of tasks and messages."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from tests.support.cases import OMBUDSMAN, REFERRAL, Caller, CasesApi, Json

COMPLAINT = {
    "complainant_name": "Test Test Test",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The damp in the bedroom has not been fixed in eight months.",
}


@dataclass(frozen=True)
class Casework:
    """A submitted case and everyone who may or may not work on it."""

    case: Json
    applicant: Caller
    officer: Caller
    other_applicant: Caller
    other_officer: Caller
    landlord: Caller | None = None
    other_landlord: Caller | None = None


async def referral(api: CasesApi) -> Casework:
    """A homelessness referral at a council, with an officer there and strangers."""
    applicant = await api.person("applicant")
    case = await api.create(
        applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
    )
    return Casework(
        case=case,
        applicant=applicant,
        officer=await api.person("officer"),
        other_applicant=await api.person("applicant"),
        other_officer=await api.person("officer", authority=OMBUDSMAN),
    )


async def complaint(api: CasesApi) -> Casework:
    """A complaint to the ombudsman about a landlord, with that landlord's user and another's."""
    organisation = uuid.uuid4().hex[:12]
    applicant = await api.person("applicant", authority=OMBUDSMAN)
    case = await api.create(
        applicant,
        {
            "kind": "complaint",
            "answers": {**COMPLAINT, "landlord_organisation_id": organisation},
            "submit": True,
        },
    )
    return Casework(
        case=case,
        applicant=applicant,
        officer=await api.person("officer", authority=OMBUDSMAN),
        other_applicant=await api.person("applicant", authority=OMBUDSMAN),
        other_officer=await api.person("officer"),
        landlord=await api.person("landlord_user", authority=OMBUDSMAN, organisation=organisation),
        other_landlord=await api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=uuid.uuid4().hex[:12]
        ),
    )


def in_days(days: int) -> str:
    """A day from today, as the API takes it."""
    return (date.today() + timedelta(days=days)).isoformat()


def task_body(title: str = "Send a copy of your tenancy agreement", **changes: Any) -> Json:
    """A task for the applicant due in a week, with these changes."""
    return {
        "title": title,
        "description": "Upload it on the documents page, then mark this task complete.",
        "target_date": in_days(7),
        "assignee": "applicant",
        **changes,
    }


async def set_task(api: CasesApi, officer: Caller, case: Json, **changes: Any) -> Json:
    """Set a task on the case; expects it to work."""
    response = await api.call(
        "POST", officer, f"/cases/{case['id']}/tasks", json=task_body(**changes)
    )
    assert response.status_code == 201, response.text
    task: Json = response.json()
    return task


async def task_change(
    api: CasesApi, caller: Caller, task: Json, step: str, body: Json | None = None
) -> httpx.Response:
    """Change a task as read (If-Match its version); the response."""
    return await api.call(
        "POST",
        caller,
        f"/cases/{task['case_id']}/tasks/{task['id']}/{step}",
        json=body,
        headers={"If-Match": f'"{task["version"]}"'},
    )


def message_body(**changes: Any) -> Json:
    """A message for the applicant, with these changes."""
    return {
        "recipient": "applicant",
        "subject": "Your tenancy agreement",
        "body": "Please send us a copy of your tenancy agreement.",
        **changes,
    }


async def send_message(api: CasesApi, officer: Caller, case: Json, **changes: Any) -> Json:
    """Send a message on the case; expects it to work."""
    response = await api.call(
        "POST", officer, f"/cases/{case['id']}/messages", json=message_body(**changes)
    )
    assert response.status_code == 201, response.text
    message: Json = response.json()
    return message
