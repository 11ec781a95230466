"""Documents required and supplied: officers ask, uploads supply each request once, verifying
or rejecting shows the applicant where each document stands, and rejecting asks again."""

from datetime import UTC, datetime

from tests.support.cases import CasesApi
from tests.support.documents import DocumentsApi, DocumentsStore, item, pdf, submitted_case


class TestRequests:
    async def test_uploading_against_a_request_supplies_it_once(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        payslips = await documents_api.request(
            officer, case["id"], person="Julia Jules", due_on="2027-01-15", note="Last 3 months"
        )
        await documents_api.request(officer, case["id"], classification="proof_of_identity")
        listed = await documents_api.requests(applicant, case["id"])
        assert (listed["supplied"], listed["total"]) == (0, 2)
        assert listed["items"][0]["note"] == "Last 3 months"
        assert listed["items"][0]["due_on"] == "2027-01-15"
        assert listed["items"][0]["classification_label"] == "Proof of income or benefits"

        [supplied] = await documents_api.upload(
            applicant, case["id"], [("payslip.pdf", pdf(), {"request_id": payslips["id"]})]
        )
        # What the request asks for is what the document is, unless said otherwise.
        assert supplied["classification"] == "proof_of_income"
        assert supplied["person"] == "Julia Jules"
        listed = await documents_api.requests(applicant, case["id"])
        assert (listed["supplied"], listed["total"]) == (1, 2)
        assert listed["items"][0]["status"] == "supplied"
        assert listed["items"][0]["document_id"] == supplied["id"]

        again = await documents_api.send(
            applicant, case["id"], [("payslip2.pdf", pdf(), {"request_id": payslips["id"]})]
        )
        assert again.status_code == 409, again.text
        assert again.json()["error"]["code"] == "request_already_supplied"
        assert len(await documents_store.records(case["id"])) == 1

    async def test_two_files_against_one_request_in_one_upload_keep_nothing(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        wanted = await documents_api.request(officer, case["id"])
        response = await documents_api.send(
            applicant,
            case["id"],
            [
                ("one.pdf", pdf(), {"request_id": wanted["id"]}),
                ("two.pdf", pdf(), {"request_id": wanted["id"]}),
            ],
        )
        assert response.status_code == 409, response.text
        assert await documents_store.records(case["id"]) == []
        assert await documents_store.orphans("watford", since=started) == []
        listed = await documents_api.requests(applicant, case["id"])
        assert listed["supplied"] == 0

    async def test_only_officers_ask_and_what_they_ask_is_checked(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        path = f"/cases/{case['id']}/requests"
        body = {"classification": "proof_of_income"}
        refused = await documents_api.call("POST", applicant, path, json=body)
        assert refused.status_code == 403
        for bad, status in (
            ({**body, "person": "Nobody Here"}, 422),
            ({**body, "classification": "weather"}, 422),
            ({**body, "note": "x" * 2001}, 422),
            ({**body, "extra": 1}, 422),
            ({**body, "due_on": "tomorrow"}, 422),
        ):
            response = await documents_api.call("POST", officer, path, json=bad)
            assert response.status_code == status, (bad, response.text)
        key = {"Idempotency-Key": "ask-1"}
        first = await documents_api.call("POST", officer, path, json=body, headers=key)
        again = await documents_api.call("POST", officer, path, json=body, headers=key)
        assert first.json() == again.json()
        assert (await documents_api.requests(officer, case["id"]))["total"] == 1


class TestVerification:
    async def test_rejecting_reopens_the_request_and_verifying_shows_it_verified(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        wanted = await documents_api.request(officer, case["id"])
        [first] = await documents_api.upload(
            applicant, case["id"], [("blurry.pdf", pdf(), {"request_id": wanted["id"]})]
        )
        await documents_api.change(
            "POST", applicant, first, "/reject", {"reason": "no"}, status=403
        )
        await documents_api.change("POST", officer, first, "/reject", {"reason": ""}, status=422)
        rejected = (
            await documents_api.change(
                "POST", officer, first, "/reject", {"reason": "The photo is too blurry to read."}
            )
        ).json()
        assert rejected["state"] == "rejected"
        request = (await documents_api.requests(applicant, case["id"]))["items"][0]
        assert request["status"] == "open"
        assert request["rejection_reason"] == "The photo is too blurry to read."
        seen = {d["id"]: d for d in await documents_api.listed(applicant, case["id"])}
        assert seen[first["id"]]["state"] == "rejected"
        assert seen[first["id"]]["rejection_reason"] == "The photo is too blurry to read."

        [second] = await documents_api.upload(
            applicant, case["id"], [("clear.pdf", pdf(), {"request_id": wanted["id"]})]
        )
        stale = await documents_api.change(
            "POST", officer, {**second, "version": 7}, "/verify", status=412
        )
        assert stale.json()["error"]["code"] == "precondition_failed"
        verified = (await documents_api.change("POST", officer, second, "/verify")).json()
        assert verified["state"] == "verified"
        assert verified["decided_at"] is not None
        again = await documents_api.change("POST", officer, verified, "/verify", status=409)
        assert again.json()["error"]["code"] == "document_already_decided"
        listed = await documents_api.requests(applicant, case["id"])
        assert (listed["supplied"], listed["total"]) == (1, 1)
        seen = {d["id"]: d for d in await documents_api.listed(applicant, case["id"])}
        assert seen[second["id"]]["state"] == "verified"

    async def test_changes_need_if_match(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        [document] = await documents_api.upload(applicant, case["id"], [("a.pdf", pdf(), item())])
        path = f"/cases/{case['id']}/documents/{document['id']}"
        for method, caller, suffix in (
            ("POST", officer, "/verify"),
            ("DELETE", applicant, ""),
        ):
            response = await documents_api.call(method, caller, path + suffix)
            assert response.status_code == 428, response.text


class TestWithdrawal:
    async def test_the_uploader_withdraws_before_verification_removing_file_and_record(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        wanted = await documents_api.request(officer, case["id"])
        [wrong, kept] = await documents_api.upload(
            applicant,
            case["id"],
            [("wrong.pdf", pdf(), {"request_id": wanted["id"]}), ("kept.pdf", pdf(), item())],
        )
        [record] = [r for r in await documents_store.records(case["id"]) if r["_id"] == wrong["id"]]
        assert documents_store.has_file(record["key"])
        await documents_api.change("DELETE", officer, wrong, status=403)
        await documents_api.change("DELETE", applicant, wrong, status=204)
        assert [r["_id"] for r in await documents_store.records(case["id"])] == [kept["id"]]
        assert not documents_store.has_file(record["key"])
        request = (await documents_api.requests(applicant, case["id"]))["items"][0]
        assert request["status"] == "open"
        verified = (await documents_api.change("POST", officer, kept, "/verify")).json()
        refused = await documents_api.change("DELETE", applicant, verified, status=409)
        assert refused.json()["error"]["code"] == "document_already_decided"
