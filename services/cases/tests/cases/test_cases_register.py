"""Housing register applications: draft, submitted, assessed, live, changes of circumstances."""

import pytest
from tests.support.cases import HOUSEHOLD, REGISTER, Caller, CasesApi, CasesStore, Json

from contracts.registry import validate_envelope

LIVE = {
    "bidding_reference": "WBC-20394",
    "registration_date": "2026-04-25",
    "band": 3,
    "review_date": "2027-04-25",
}
CONTACT = {
    "mobile_phone": "01234 567890",
    "mobile_phone_ok_to_call": True,
    "email": "julia@example.org",
    "email_ok_to_email": True,
    "preferred_contact_method": "email",
}
PARTNER = {
    "name": "Jo Jules",
    "national_insurance_number": "AB123456C",
    "date_of_birth": "1982-02-01",
    "relationship": "partner",
}


async def live_application(api: CasesApi) -> tuple[Json, Caller, Caller]:
    """A register application an officer has made live; with its applicant and officer."""
    applicant = await api.person("applicant")
    officer = await api.person("officer")
    draft = await api.create(
        applicant, {"kind": "housing_register", "answers": {"tenure": "living_with_family"}}
    )
    rest = {k: v for k, v in REGISTER.items() if k != "tenure"}
    draft = await api.change("PATCH", applicant, draft, "/answers", {"answers": rest})
    draft = await api.change("PUT", applicant, draft, "/household", {"household": HOUSEHOLD})
    case = await api.act(applicant, draft, "submit")
    case = await api.act(officer, case, "assess")
    case = await api.act(officer, case, "set_live", register_details=LIVE)
    return case, applicant, officer


class TestRegisterLifecycle:
    async def test_a_draft_finished_later_becomes_live_with_its_bidding_details(
        self, api: CasesApi
    ) -> None:
        case, applicant, _ = await live_application(api)
        assert case["status_label"] == "Live(REG)"
        assert case["register_details"] == LIVE
        assert case["submitted_at"] is not None
        assert case["draft_expires_on"] is None
        seen = await api.read(applicant, case["id"])
        assert seen["register_details"]["band"] == 3

    async def test_a_draft_is_kept_for_the_authoritys_days(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(applicant, {"kind": "housing_register", "answers": {}})
        assert draft["status"] == "draft"
        assert draft["draft_expires_on"] is not None
        listed = await api.call("GET", applicant, "/cases")
        assert [item["id"] for item in listed.json()["items"]] == [draft["id"]]

    @pytest.mark.parametrize(
        "wrong", [{"band": 6}, {"review_date": 0}], ids=["band-six", "date-as-number"]
    )
    async def test_register_details_out_of_bounds_are_refused(
        self, api: CasesApi, wrong: dict[str, int]
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant, {"kind": "housing_register", "answers": REGISTER, "submit": True}
        )
        case = await api.act(officer, case, "assess")
        refused = await api.change(
            "POST",
            officer,
            case,
            "/actions",
            {"action": "set_live", "register_details": {**LIVE, **wrong}},
            status=422,
        )
        assert refused["error"]["code"] == "validation_failed"
        live = await api.change(
            "POST", officer, case, "/actions", {"action": "set_live", "register_details": LIVE}
        )
        assert live["register_details"] == LIVE


class TestContactDetails:
    async def test_changing_them_keeps_a_live_application_live(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        case, applicant, _ = await live_application(api)
        changed = await api.change("PUT", applicant, case, "/contact", {"contact": CONTACT})
        assert changed["status"] == "live"
        assert changed["contact"]["email"] == "julia@example.org"
        types = [e["type"] for e in await cases_store.events(case["id"])]
        assert "cases.case.details_changed" in types
        assert "cases.case.suspended" not in types


class TestChangeOfCircumstances:
    async def test_suspended_until_verified_then_live_with_the_change(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        case, applicant, officer = await live_application(api)
        household_refused = await api.change(
            "PUT", applicant, case, "/household", {"household": [*HOUSEHOLD, PARTNER]}, status=409
        )
        assert household_refused["error"]["code"] == "change_of_circumstances_required"
        suspended = await api.change(
            "POST",
            applicant,
            case,
            "/circumstances",
            {"note": "My partner moved in", "household": [*HOUSEHOLD, PARTNER]},
        )
        assert suspended["status"] == "suspended"
        assert suspended["change"]["status"] == "submitted"
        assert len(suspended["household"]) == 1
        live = await api.change("POST", officer, suspended, "/circumstances/verification")
        assert live["status"] == "live"
        assert [member["name"] for member in live["household"]] == ["Julia Jules", "Jo Jules"]
        events = await cases_store.events(case["id"])
        for event in events:
            validate_envelope(event)
        types = [e["type"] for e in events]
        for expected in (
            "cases.circumstances.submitted",
            "cases.case.suspended",
            "cases.circumstances.verified",
            "cases.case.reinstated",
        ):
            assert expected in types

    async def test_a_rejected_change_leaves_the_application_as_it_was(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        case, applicant, officer = await live_application(api)
        suspended = await api.change(
            "POST",
            applicant,
            case,
            "/circumstances",
            {"note": "Need more bedrooms", "answers": {"bedrooms_needed": 4}},
        )
        assert suspended["status_label"] == "Suspended"
        not_theirs = await api.change(
            "POST", applicant, suspended, "/circumstances/verification", status=403
        )
        assert not_theirs["error"]["code"] == "not_allowed_on_case"
        live = await api.change(
            "POST",
            officer,
            suspended,
            "/circumstances/rejection",
            {"reason": "No evidence of the need"},
        )
        assert live["status"] == "live"
        assert live["answers"]["bedrooms_needed"] == 2
        assert live["change"]["status"] == "rejected"
        assert live["change"]["reason"] == "No evidence of the need"
        rejected = await cases_store.wait_for(case["id"], "cases.circumstances.rejected")
        assert rejected["data"]["reason"] == "No evidence of the need"
        again = await api.change(
            "POST", officer, live, "/circumstances/rejection", {"reason": "x"}, status=409
        )
        assert again["error"]["code"] == "no_change_pending"

    async def test_only_a_live_register_application_takes_one(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        case = await api.create(
            applicant, {"kind": "housing_register", "answers": REGISTER, "submit": True}
        )
        refused = await api.change(
            "POST", applicant, case, "/circumstances", {"note": "New job"}, status=409
        )
        assert refused["error"]["code"] == "transition_not_allowed"


class TestNationalInsuranceNumbers:
    async def test_masked_to_the_applicant_shown_to_officers(self, api: CasesApi) -> None:
        case, applicant, officer = await live_application(api)
        own = await api.read(applicant, case["id"])
        assert own["household"][0]["national_insurance_number"] == "******34D"
        staff = await api.read(officer, case["id"])
        assert staff["household"][0]["national_insurance_number"] == "NS819834D"

    async def test_a_number_hmrc_never_issues_is_refused(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        for number in ("QQ123456C", "GB123456A", "NS819834E", "NS81983"):
            member = {**HOUSEHOLD[0], "national_insurance_number": number}
            response = await api.call(
                "POST",
                applicant,
                "/cases",
                json={"kind": "housing_register", "answers": {}, "household": [member]},
            )
            assert response.status_code == 422, (number, response.text)
