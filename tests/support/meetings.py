"""Appointments and letters on cases through the gateway: booking, moving, cancelling, issuing."""

from typing import Any

from tests.support.cases import REFERRAL, Caller, CasesApi, Json

COMPLAINT = {
    "complainant_name": "Test Test Test",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The damp in the bedroom has not been fixed in eight months.",
    "landlord_response_received": True,
}
INTERVIEW: Json = {
    "appointment_type": "interview",
    "how": "in_person",
    "detail": "Watford Town Hall, Hempstead Road, Watford WD17 3EX",
    "officer_name": "Dawn Price",
    # The day after the clocks go forward: 10:00 in London is 09:00 UTC.
    "starts_at": "2027-03-29T10:00:00+01:00",
    "ends_at": "2027-03-29T11:00:00+01:00",
}


async def referral(api: CasesApi, applicant: Caller, *, language: str = "en") -> Json:
    """A homelessness referral the applicant submitted."""
    return await api.create(
        applicant,
        {"kind": "homelessness", "answers": REFERRAL, "submit": True, "language": language},
    )


async def complaint(api: CasesApi, complainant: Caller, landlord: str) -> Json:
    """A complaint about a landlord organisation, submitted."""
    return await api.create(
        complainant,
        {
            "kind": "complaint",
            "answers": {**COMPLAINT, "landlord_organisation_id": landlord},
            "submit": True,
        },
    )


async def book(
    api: CasesApi, officer: Caller, case: Json, *, status: int = 201, **changes: Any
) -> Json:
    """Book an appointment on the case (an interview unless told otherwise); check the status."""
    response = await api.call(
        "POST", officer, f"/cases/{case['id']}/appointments", json={**INTERVIEW, **changes}
    )
    assert response.status_code == status, response.text
    answer: Json = response.json()
    return answer


async def change_appointment(
    api: CasesApi,
    caller: Caller,
    appointment: Json,
    path: str = "",
    body: Json | None = None,
    *,
    method: str = "PATCH",
    status: int = 200,
) -> Json:
    """Move or cancel an appointment as read (If-Match its version); check the status."""
    response = await api.call(
        method,
        caller,
        f"/cases/{appointment['case_id']}/appointments/{appointment['id']}{path}",
        json=body,
        headers={"If-Match": f'"{appointment["version"]}"'},
    )
    assert response.status_code == status, response.text
    answer: Json = response.json()
    return answer


async def issue(
    api: CasesApi, officer: Caller, case: Json, *, status: int = 201, **changes: Any
) -> Json:
    """Issue a letter on the case (general advice unless told otherwise); check the status."""
    body = {
        "template": "general_advice",
        "title": "Advice about your housing options",
        "body": "You can ask us to review this advice within 21 days.",
        "signed_by": "Dawn Price",
        **changes,
    }
    response = await api.call("POST", officer, f"/cases/{case['id']}/letters", json=body)
    assert response.status_code == status, response.text
    answer: Json = response.json()
    return answer
