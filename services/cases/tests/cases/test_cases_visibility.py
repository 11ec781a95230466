"""Who sees what: every role against every other role's cases and another authority's."""

import uuid

from tests.support.cases import (
    ADVICE,
    COUNCIL,
    OMBUDSMAN,
    OTHER_COUNCIL,
    REFERRAL,
    Caller,
    CasesApi,
    Json,
)

COMPLAINT = {
    "complainant_name": "Test Test Test",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The damp in the bedroom has not been fixed in eight months.",
    "landlord_response_received": True,
}


async def status_of(api: CasesApi, caller: Caller, case: Json, *, authority: str) -> int:
    """What reading the case answers this caller, asked at an authority's address."""
    response = await api.call("GET", caller, f"/cases/{case['id']}", authority=authority)
    if response.status_code == 404:
        assert response.json()["error"]["code"] in ("case_not_found", "not_found"), response.text
    return response.status_code


class TestWhoSeesWhat:
    async def test_every_role_against_every_case(self, api: CasesApi) -> None:
        landlord = uuid.uuid4().hex[:12]
        other_landlord = uuid.uuid4().hex[:12]
        council_case_owner = await api.person("applicant")
        complainant = await api.person("applicant", authority=OMBUDSMAN)
        referral = await api.create(
            council_case_owner, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        advice = await api.create(
            council_case_owner, {"kind": "housing_advice", "answers": ADVICE, "submit": True}
        )
        complaint = await api.create(
            complainant,
            {
                "kind": "complaint",
                "answers": {**COMPLAINT, "landlord_organisation_id": landlord},
                "submit": True,
            },
        )
        people = {
            "council applicant (owner)": council_case_owner,
            "council applicant (other)": await api.person("applicant"),
            "council officer": await api.person("officer"),
            "council manager": await api.person("manager"),
            "council administrator": await api.person("authority_admin"),
            "council landlord user": await api.person("landlord_user", organisation=landlord),
            "other council officer": await api.person("officer", authority=OTHER_COUNCIL),
            "other council manager": await api.person("manager", authority=OTHER_COUNCIL),
            "complainant": complainant,
            "ombudsman applicant (other)": await api.person("applicant", authority=OMBUDSMAN),
            "ombudsman officer": await api.person("officer", authority=OMBUDSMAN),
            "ombudsman manager": await api.person("manager", authority=OMBUDSMAN),
            "ombudsman administrator": await api.person("authority_admin", authority=OMBUDSMAN),
            "landlord user": await api.person(
                "landlord_user", authority=OMBUDSMAN, organisation=landlord
            ),
            "landlord administrator": await api.person(
                "landlord_admin", authority=OMBUDSMAN, organisation=landlord
            ),
            "other landlord's user": await api.person(
                "landlord_user", authority=OMBUDSMAN, organisation=other_landlord
            ),
        }
        allowed = {
            ("council applicant (owner)", "referral"),
            ("council applicant (owner)", "advice"),
            ("council officer", "referral"),
            ("council officer", "advice"),
            ("council manager", "referral"),
            ("council manager", "advice"),
            ("complainant", "complaint"),
            ("ombudsman officer", "complaint"),
            ("ombudsman manager", "complaint"),
            ("landlord user", "complaint"),
            ("landlord administrator", "complaint"),
        }
        cases = {"referral": referral, "advice": advice, "complaint": complaint}
        seen = set()
        for name, person in people.items():
            for label, case in cases.items():
                status = await status_of(api, person, case, authority=person.authority)
                assert status in (200, 404), (name, label, status)
                if status == 200:
                    seen.add((name, label))
                history = await api.call("GET", person, f"/cases/{case['id']}/history")
                assert history.status_code == status, (name, label, history.text)
        assert seen == allowed

    async def test_a_token_of_one_authority_reaches_no_other(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        case = await api.create(applicant, {"kind": "homelessness", "answers": REFERRAL})
        elsewhere = await api.person("officer", authority=OTHER_COUNCIL)
        response = await api.call("GET", elsewhere, f"/cases/{case['id']}", authority=COUNCIL)
        assert response.status_code in (401, 403), response.text
        assert await status_of(api, elsewhere, case, authority=OTHER_COUNCIL) == 404

    async def test_lists_show_only_what_each_may_see(self, api: CasesApi) -> None:
        landlord = uuid.uuid4().hex[:12]
        complainant = await api.person("applicant", authority=OMBUDSMAN)
        complaint = await api.create(
            complainant,
            {
                "kind": "complaint",
                "answers": {**COMPLAINT, "landlord_organisation_id": landlord},
                "submit": True,
            },
        )
        own = await api.person("landlord_user", authority=OMBUDSMAN, organisation=landlord)
        other = await api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=uuid.uuid4().hex[:12]
        )
        listed = await api.call("GET", own, "/caseload")
        assert [item["id"] for item in listed.json()["items"]] == [complaint["id"]]
        assert listed.json()["items"][0]["status_label"] == "Case under assessment"
        assert (await api.call("GET", other, "/caseload")).json()["items"] == []
        stranger = await api.person("applicant", authority=OMBUDSMAN)
        assert (await api.call("GET", stranger, "/cases")).json()["items"] == []
        refused = await api.call("GET", stranger, "/caseload")
        assert refused.status_code == 403, refused.text
