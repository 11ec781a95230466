"""A case's documents in its history: asked for, sent, verified, not accepted, withdrawn; a
sensitive document's entries only for staff and whoever sent it."""

import uuid

from tests.support.cases import OMBUDSMAN, Caller, CasesApi, Json
from tests.support.casework import complaint_about
from tests.support.documents import DocumentsApi, item, pdf, submitted_case
from tests.support.polling import eventually


async def history_of(cases_api: CasesApi, caller: Caller, case_id: str) -> list[Json]:
    """The case's history as the caller sees it."""
    response = await cases_api.call("GET", caller, f"/cases/{case_id}/history")
    assert response.status_code == 200, response.text
    items: list[Json] = response.json()["items"]
    return items


class TestDocumentsInTheHistory:
    async def test_each_step_of_a_document_is_an_entry(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        asked = await documents_api.request(officer, case["id"])
        sent, private = await documents_api.upload(
            applicant,
            case["id"],
            [
                ("payslip.pdf", pdf(seed="p"), {"request_id": asked["id"]}),
                ("letter.pdf", pdf(seed="l"), item(sensitive=True)),
            ],
        )
        await documents_api.change("POST", officer, sent, "/reject", {"reason": "Unreadable"})
        (hidden,) = await documents_api.upload(
            officer, case["id"], [("note.pdf", pdf(seed="n"), item(sensitive=True))]
        )

        async def documents_entries() -> list[Json] | None:
            entries = [
                entry
                for entry in await history_of(cases_api, officer, case["id"])
                if entry["action"].startswith("document_")
            ]
            return entries if len(entries) >= 5 else None

        entries = await eventually(documents_entries, within=20, what="the documents' entries")
        actions = [(entry["action"], entry["actor"]) for entry in entries]
        assert ("document_requested", "staff") in actions
        assert actions.count(("document_uploaded", "applicant")) == 2
        assert ("document_rejected", "staff") in actions
        assert ("document_uploaded", "staff") in actions
        rejected = next(entry for entry in entries if entry["action"] == "document_rejected")
        assert rejected["reason"] == "Unreadable"
        assert rejected["to_status"] == case["status"]

        seen_by_applicant = [
            entry
            for entry in await history_of(cases_api, applicant, case["id"])
            if entry["action"].startswith("document_")
        ]
        # Their own sensitive letter, but not the officer's sensitive note.
        assert len(seen_by_applicant) == len(entries) - 1
        assert ("document_uploaded", "staff") not in [
            (entry["action"], entry["actor"]) for entry in seen_by_applicant
        ]
        assert hidden["sensitive"]
        assert private["sensitive"]

    async def test_a_landlord_s_upload_is_the_landlord_s(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        organisation = uuid.uuid4().hex[:12]
        officer = await cases_api.person("officer", authority=OMBUDSMAN)
        landlord = await cases_api.person(
            "landlord_user", authority=OMBUDSMAN, organisation=organisation
        )
        case = await complaint_about(cases_api, organisation)
        await documents_api.upload(landlord, case["id"], [("repairs.pdf", pdf(), item())])
        await documents_api.upload(officer, case["id"], [("summary.pdf", pdf(), item())])

        async def uploads() -> list[str] | None:
            actors = [
                entry["actor"]
                for entry in await history_of(cases_api, officer, case["id"])
                if entry["action"] == "document_uploaded"
            ]
            return actors if len(actors) >= 2 else None

        actors = await eventually(uploads, within=20, what="the uploads' entries")
        assert sorted(actors) == ["landlord", "staff"]
