"""The officers' caseload: filters, and cursor pages without repeats or gaps."""

from datetime import date, timedelta

from tests.support.cases import ADVICE, HOUSEHOLD, REFERRAL, CasesApi, caseload_pages


class TestPages:
    async def test_pages_of_an_owners_cases_have_no_repeats_or_gaps(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        made = []
        for _ in range(12):
            applicant = await api.person("applicant")
            case = await api.create(
                applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
            )
            case = await api.change("PUT", officer, case, "/owner", {"owner_id": officer.user_id})
            made.append(case["id"])
        listed = await caseload_pages(api, officer, {"owner": officer.user_id, "limit": 5})
        assert [item["id"] for item in listed] == list(reversed(made))
        assert all(item["owner_id"] == officer.user_id for item in listed)

    async def test_my_cases_page_newest_first(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        made = [
            (await api.create(applicant, {"kind": "housing_advice", "answers": ADVICE}))["id"]
            for _ in range(5)
        ]
        first = await api.call("GET", applicant, "/cases", params={"limit": 3})
        second = await api.call(
            "GET",
            applicant,
            "/cases",
            params={"limit": 3, "cursor": first.json()["next_cursor"]},
        )
        ids = [i["id"] for i in first.json()["items"] + second.json()["items"]]
        assert ids == list(reversed(made))
        assert second.json()["next_cursor"] is None


class TestDrafts:
    async def test_a_draft_is_the_applicants_alone_until_sent(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        applicant = await api.person("applicant")
        draft = await api.create(applicant, {"kind": "housing_advice", "answers": ADVICE})

        newest = {"unassigned": "true", "kind": "housing_advice", "limit": 100}
        unassigned = await api.call("GET", officer, "/caseload", params=newest)
        assert draft["id"] not in [item["id"] for item in unassigned.json()["items"]]
        hidden = await api.call("GET", officer, f"/cases/{draft['id']}")
        assert hidden.status_code == 404, hidden.text
        mine = await api.call("GET", applicant, "/cases", params={"state": "open"})
        assert draft["id"] in [item["id"] for item in mine.json()["items"]]

        await api.act(applicant, draft, "submit")
        sent = await api.call("GET", officer, f"/cases/{draft['id']}")
        assert sent.status_code == 200, sent.text
        unassigned = await api.call("GET", officer, "/caseload", params=newest)
        assert draft["id"] in [item["id"] for item in unassigned.json()["items"]]

    async def test_a_referral_is_listed_with_its_applicants_name(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        applicant = await api.person("applicant")
        case = await api.create(
            applicant,
            {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "submit": True},
        )
        newest = {"unassigned": "true", "kind": "homelessness", "limit": 100}
        listed = await api.call("GET", officer, "/caseload", params=newest)
        [row] = [item for item in listed.json()["items"] if item["id"] == case["id"]]
        assert (row["applicant_name"], row["case_type"], row["stage"]) == (
            "Julia Jules",
            None,
            None,
        )


class TestFilters:
    async def test_status_kind_unassigned_and_deadline(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        applicant = await api.person("applicant")
        referral = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        advice = await api.create(
            applicant, {"kind": "housing_advice", "answers": ADVICE, "submit": True}
        )
        unassigned = await api.call(
            "GET", officer, "/caseload", params={"unassigned": "true", "limit": 100}
        )
        ids = [item["id"] for item in unassigned.json()["items"]]
        assert referral["id"] in ids
        assert advice["id"] in ids

        referral = await api.act(officer, referral, "accept")
        referral = await api.change(
            "PUT", officer, referral, "/owner", {"owner_id": officer.user_id}
        )
        started = date.today() - timedelta(days=3)
        referral = await api.act(officer, referral, "start_prevention", on=started.isoformat())
        mine: dict[str, object] = {"owner": officer.user_id}
        assert [i["id"] for i in await caseload_pages(api, officer, mine)] == [referral["id"]]
        by_status = await caseload_pages(api, officer, {**mine, "status": "prevention"})
        assert [i["id"] for i in by_status] == [referral["id"]]
        assert await caseload_pages(api, officer, {**mine, "status": "relief"}) == []
        assert await caseload_pages(api, officer, {**mine, "kind": "housing_advice"}) == []
        due = await caseload_pages(api, officer, {**mine, "due_within": 53})
        assert [i["next_deadline"] for i in due] == [(started + timedelta(days=56)).isoformat()]
        assert await caseload_pages(api, officer, {**mine, "due_within": 52}) == []
        advice_only = await api.call(
            "GET", officer, "/caseload", params={"kind": "housing_advice", "limit": 100}
        )
        assert all(i["kind"] == "housing_advice" for i in advice_only.json()["items"])
        assert advice["id"] in [i["id"] for i in advice_only.json()["items"]]

    async def test_an_owner_and_unassigned_together_are_refused(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        response = await api.call(
            "GET", officer, "/caseload", params={"owner": officer.user_id, "unassigned": "true"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "conflicting_filters"
