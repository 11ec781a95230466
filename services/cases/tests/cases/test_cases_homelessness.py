"""A homelessness referral from submission to closure, its clocks and its history."""

from datetime import date, timedelta

from tests.support.cases import HOUSEHOLD, OMBUDSMAN, REFERRAL, CasesApi, CasesStore

from contracts.registry import validate_envelope


class TestReferralLifecycle:
    async def test_pending_until_accepted_then_stages_then_closed(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant,
            {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "submit": True},
        )
        assert case["status"] == "pending"
        assert case["status_label"] == "Pending"
        assert case["reference"].isdigit()
        assert case["submitted_at"] is not None

        case = await api.act(officer, case, "accept")
        assert case["status_label"] == "Approach"
        case = await api.change("PUT", officer, case, "/owner", {"owner_id": officer.user_id})
        assert case["owner_id"] == officer.user_id

        started = date.today() - timedelta(days=3)
        case = await api.act(officer, case, "start_prevention", on=started.isoformat())
        assert case["status_label"] == "Prevention duty"
        [prevention] = case["clocks"]
        assert prevention["due_on"] == (started + timedelta(days=56)).isoformat()
        assert prevention["running"] is True
        assert case["next_deadline"] == prevention["due_on"]

        case = await api.act(officer, case, "start_relief", on=date.today().isoformat())
        case = await api.act(
            officer, case, "decide", on=date.today().isoformat(), reason="Main duty owed"
        )
        review = next(c for c in case["clocks"] if c["name"] == "review")
        assert review["due_on"] == (date.today() + timedelta(days=21)).isoformat()
        assert review["days_remaining"] == 21

        case = await api.act(officer, case, "close", reason="Accommodation secured")
        assert case["status"] == "closed"
        assert case["closed_at"] is not None
        assert case["closure_reason"] == "Accommodation secured"

        history = await api.call("GET", applicant, f"/cases/{case['id']}/history")
        moves = [(e["action"], e["from_status"], e["to_status"]) for e in history.json()["items"]]
        assert moves == [
            ("create", None, "draft"),
            ("submit", "draft", "pending"),
            ("accept", "pending", "approach"),
            ("assign", "approach", "approach"),
            ("start_prevention", "approach", "prevention"),
            ("start_relief", "prevention", "relief"),
            ("decide", "relief", "decision"),
            ("close", "decision", "closed"),
        ]
        closing = history.json()["items"][-1]
        assert closing["actor_id"] == officer.user_id
        assert closing["reason"] == "Accommodation secured"

        events = await cases_store.events(case["id"])
        for event in events:
            validate_envelope(event)
        types = [event["type"] for event in events]
        for expected in (
            "cases.case.created",
            "cases.case.submitted",
            "cases.case.accepted",
            "cases.case.assigned",
            "cases.case.status_changed",
            "cases.case.closed",
        ):
            assert expected in types
        await cases_store.wait_for(case["id"], "cases.case.closed")


class TestTransitionsRefused:
    async def test_an_undeclared_move_is_refused_and_nothing_changes(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        refused = await api.change(
            "POST",
            officer,
            case,
            "/actions",
            {"action": "start_relief", "on": "2026-01-05"},
            status=409,
        )
        assert refused["error"]["code"] == "transition_not_allowed"
        unknown = await api.change(
            "POST", officer, case, "/actions", {"action": "set_live"}, status=409
        )
        assert unknown["error"]["code"] == "transition_not_allowed"
        not_theirs = await api.change(
            "POST", applicant, case, "/actions", {"action": "accept"}, status=403
        )
        assert not_theirs["error"]["code"] == "not_allowed_on_case"
        missing = await api.change(
            "POST", officer, case, "/actions", {"action": "close"}, status=422
        )
        assert missing["error"]["details"] == {"missing": ["reason"]}
        assert (await api.read(applicant, case["id"]))["status"] == "pending"

    async def test_an_incomplete_referral_cannot_be_submitted(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        answers = {"reason_for_approach": "Evicted"}
        response = await api.call(
            "POST",
            applicant,
            "/cases",
            json={"kind": "homelessness", "answers": answers, "submit": True},
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "answers_incomplete"
        draft = await api.create(applicant, {"kind": "homelessness", "answers": answers})
        assert draft["status"] == "draft"
        refused = await api.act_refused(applicant, draft, "submit", 422)
        assert refused["error"]["code"] == "answers_incomplete"

    async def test_a_kind_the_authority_does_not_offer_is_not_found(self, api: CasesApi) -> None:
        applicant = await api.person("applicant", authority=OMBUDSMAN)
        response = await api.call(
            "POST", applicant, "/cases", json={"kind": "homelessness", "answers": REFERRAL}
        )
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "kind_not_offered"
        kinds = await api.call("GET", applicant, "/kinds")
        assert [k["kind"] for k in kinds.json()["items"]] == ["complaint"]
