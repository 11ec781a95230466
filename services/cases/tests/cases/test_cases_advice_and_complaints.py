"""Housing advice requests, and complaints the landlord's users work."""

import uuid

from tests.support.cases import ADVICE, OMBUDSMAN, CasesApi, CasesStore

COMPLAINT = {
    "complainant_name": "Test Test Test",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The damp in the bedroom has not been fixed in eight months.",
}


class TestHousingAdvice:
    async def test_submitted_taken_up_and_closed(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant, {"kind": "housing_advice", "answers": ADVICE, "submit": True}
        )
        assert case["status_label"] == "Submitted"
        case = await api.act(officer, case, "start_advice")
        assert case["status_label"] == "In progress"
        case = await api.act(officer, case, "close", reason="Advice given by phone")
        assert case["status"] == "closed"
        closed = await api.call("GET", applicant, "/cases", params={"state": "closed"})
        [listed] = closed.json()["items"]
        assert listed["id"] == case["id"]
        assert listed["closed_at"] is not None
        still_open = await api.call("GET", applicant, "/cases", params={"state": "open"})
        assert still_open.json()["items"] == []

    async def test_an_unknown_answer_or_topic_is_refused(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        for answers in ({**ADVICE, "mood": "bad"}, {**ADVICE, "topic": "weather"}):
            response = await api.call(
                "POST", applicant, "/cases", json={"kind": "housing_advice", "answers": answers}
            )
            assert response.status_code == 422, response.text
            assert response.json()["error"]["details"][0]["loc"][0] == "answers"


class TestComplaints:
    async def test_the_landlords_users_work_it_and_the_owner_is_set_by_staff(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        organisation = uuid.uuid4().hex[:12]
        complainant = await api.person("applicant", authority=OMBUDSMAN)
        officer = await api.person("officer", authority=OMBUDSMAN)
        landlord = await api.person("landlord_user", authority=OMBUDSMAN, organisation=organisation)
        case = await api.create(
            complainant,
            {
                "kind": "complaint",
                "answers": {**COMPLAINT, "landlord_organisation_id": organisation},
                "submit": True,
            },
        )
        assert case["status_label"] == "Case under assessment"
        assert case["complainant_name"] == "Test Test Test"
        assert case["landlord_name"] == "Harrison's Huts Limited"
        case = await api.change("PUT", officer, case, "/owner", {"owner_id": officer.user_id})
        refused = await api.change(
            "PUT", landlord, case, "/owner", {"owner_id": landlord.user_id}, status=403
        )
        assert refused["error"]["code"] == "not_allowed_on_case"
        case = await api.change("PUT", landlord, case, "/stage", {"stage": "DR2 Review"})
        assert case["stage"] == "DR2 Review"
        # The landlord's list carries what it shows: who complains, the type and the stage.
        listed = await api.call("GET", landlord, "/caseload", params={"limit": 100})
        [row] = [item for item in listed.json()["items"] if item["id"] == case["id"]]
        assert (row["applicant_name"], row["case_type"], row["stage"]) == (
            "Test Test Test",
            "Complaint about a member landlord",
            "DR2 Review",
        )
        unknown = await api.change("PUT", landlord, case, "/stage", {"stage": "DR9"}, status=422)
        assert unknown["error"]["code"] == "unknown_stage"
        case = await api.act(landlord, case, "investigate")
        case = await api.act(officer, case, "determine", reason="Maladministration found")
        case = await api.act(officer, case, "close", reason="Remedy complied with")
        assert case["status"] == "closed"
        assert case["owner_id"] == officer.user_id
        await cases_store.wait_for(case["id"], "cases.case.closed")

    async def test_the_complainant_cannot_work_it(self, api: CasesApi) -> None:
        complainant = await api.person("applicant", authority=OMBUDSMAN)
        case = await api.create(
            complainant,
            {
                "kind": "complaint",
                "answers": {**COMPLAINT, "landlord_organisation_id": "harrisons"},
                "submit": True,
            },
        )
        refused = await api.act_refused(complainant, case, "investigate", 403)
        assert refused["error"]["code"] == "not_allowed_on_case"
        cancelled = await api.act(complainant, case, "cancel")
        assert cancelled["status_label"] == "Cancelled"
