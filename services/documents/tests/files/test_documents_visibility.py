"""Who sees which documents: sensitive ones only officers and their uploader; landlords only
what was shared with them on their complaint; nobody anything of another authority."""

import uuid
from typing import Any

from tests.support.cases import OMBUDSMAN, Caller, CasesApi
from tests.support.documents import DocumentsApi, item, pdf, submitted_case

COMPLAINT = {
    "complainant_name": "Chris Harrison",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The damp in the bedroom has not been fixed in eight months.",
}


async def downloads(api: DocumentsApi, caller: Caller, document: dict[str, Any]) -> int:
    """The status of the caller's download of a document."""
    response = await api.call(
        "GET", caller, f"/cases/{document['case_id']}/documents/{document['id']}/file"
    )
    return response.status_code


async def complaint(cases_api: CasesApi) -> tuple[Caller, dict[str, Any], Caller]:
    """A complaint sent by a new complainant about a new landlord, and one of its users."""
    organisation = uuid.uuid4().hex[:12]
    complainant = await cases_api.person("applicant", authority=OMBUDSMAN)
    case = await cases_api.create(
        complainant,
        {
            "kind": "complaint",
            "answers": {**COMPLAINT, "landlord_organisation_id": organisation},
            "submit": True,
        },
    )
    landlord = await landlord_user(cases_api, organisation)
    return complainant, case, landlord


async def landlord_user(cases_api: CasesApi, organisation: str) -> Caller:
    """A user of a landlord organisation at the ombudsman."""
    return await cases_api.person("landlord_user", authority=OMBUDSMAN, organisation=organisation)


class TestSensitiveDocuments:
    async def test_seen_only_by_officers_and_the_uploader(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        [mine] = await documents_api.upload(
            applicant, case["id"], [("medical.pdf", pdf(), item(sensitive=True))]
        )
        [theirs, open_one] = await documents_api.upload(
            officer,
            case["id"],
            [
                ("safeguarding.pdf", pdf(), item(sensitive=True)),
                ("letter.pdf", pdf(), item()),
            ],
        )
        officer_sees = {d["id"] for d in await documents_api.listed(officer, case["id"])}
        applicant_sees = {d["id"] for d in await documents_api.listed(applicant, case["id"])}
        assert officer_sees == {mine["id"], theirs["id"], open_one["id"]}
        assert applicant_sees == {mine["id"], open_one["id"]}
        assert await downloads(documents_api, applicant, theirs) == 404
        read = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents/{theirs['id']}"
        )
        assert read.status_code == 404
        assert read.json()["error"]["code"] == "document_not_found"
        assert await downloads(documents_api, applicant, mine) == 200
        assert await downloads(documents_api, officer, mine) == 200

    async def test_another_applicant_or_authority_sees_nothing(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        [document] = await documents_api.upload(applicant, case["id"], [("a.pdf", pdf(), item())])
        stranger = await cases_api.person("applicant")
        elsewhere = await cases_api.person("officer", authority="kingston")
        for caller in (stranger, elsewhere):
            listed = await documents_api.call("GET", caller, f"/cases/{case['id']}/documents")
            assert listed.status_code == 404, listed.text
            assert listed.json()["error"]["code"] == "case_not_found"
            assert await downloads(documents_api, caller, document) == 404
        # Naming the case's own authority with a token of another is refused by the gateway.
        foreign = await documents_api.call(
            "GET", elsewhere, f"/cases/{case['id']}/documents", authority="watford"
        )
        assert foreign.status_code in (401, 403, 404)


class TestListing:
    async def test_pages_follow_the_cursor_newest_first_and_skip_what_is_hidden(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await submitted_case(cases_api, applicant)
        uploaded = []
        for number in range(5):
            uploaded += await documents_api.upload(
                applicant, case["id"], [(f"{number}.pdf", pdf(), item())]
            )
        await documents_api.upload(officer, case["id"], [("note.pdf", pdf(), item(sensitive=True))])
        paged = await documents_api.listed(applicant, case["id"], limit=2)
        assert [d["file_name"] for d in paged] == ["4.pdf", "3.pdf", "2.pdf", "1.pdf", "0.pdf"]
        assert len(await documents_api.listed(officer, case["id"], limit=2)) == 6
        forged = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents", params={"cursor": "bm9wZQ"}
        )
        assert forged.status_code == 400
        assert forged.json()["error"]["code"] == "invalid_cursor"


class TestLandlords:
    async def test_see_only_what_was_shared_with_them_and_their_own(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        complainant, case, landlord = await complaint(cases_api)
        officer = await cases_api.person("officer", authority=OMBUDSMAN)
        colleague = await landlord_user(cases_api, str(case["organisation_id"]))
        [evidence] = await documents_api.upload(
            complainant, case["id"], [("damp.jpg.pdf", pdf(), item(person="Chris Harrison"))]
        )
        [shared, sensitive_shared] = await documents_api.upload(
            officer,
            case["id"],
            [
                ("summary.pdf", pdf(), item(shared_with_landlord=True)),
                ("medical.pdf", pdf(), item(shared_with_landlord=True, sensitive=True)),
            ],
        )
        [response] = await documents_api.upload(
            landlord, case["id"], [("repairs log.pdf", pdf(), item())]
        )
        assert response["shared_with_landlord"] is True
        for user in (landlord, colleague):
            seen = {d["id"] for d in await documents_api.listed(user, case["id"])}
            assert seen == {shared["id"], response["id"]}
        assert await downloads(documents_api, landlord, evidence) == 404
        assert await downloads(documents_api, landlord, sensitive_shared) == 404
        assert await downloads(documents_api, colleague, shared) == 200
        complainant_sees = {d["id"] for d in await documents_api.listed(complainant, case["id"])}
        assert complainant_sees == {evidence["id"], shared["id"], response["id"]}
        other_landlord = await landlord_user(cases_api, uuid.uuid4().hex[:12])
        refused = await documents_api.call("GET", other_landlord, f"/cases/{case['id']}/documents")
        assert refused.status_code == 404


class TestSharingAfterUpload:
    async def test_an_officer_shares_a_document_with_the_landlord_and_stops(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        complainant, case, landlord = await complaint(cases_api)
        officer = await cases_api.person("officer", authority=OMBUDSMAN)
        [evidence, medical] = await documents_api.upload(
            complainant,
            case["id"],
            [("damp.pdf", pdf(seed="damp"), item()), ("gp.pdf", pdf(), item(sensitive=True))],
        )
        [theirs] = await documents_api.upload(
            landlord, case["id"], [("repairs log.pdf", pdf(), item())]
        )
        sharing = "/sharing"
        assert await downloads(documents_api, landlord, evidence) == 404

        by_complainant = await documents_api.change(
            "PUT", complainant, evidence, sharing, {"shared_with_landlord": True}, status=403
        )
        unmatched = await documents_api.call(
            "PUT",
            officer,
            f"/cases/{case['id']}/documents/{evidence['id']}{sharing}",
            json={"shared_with_landlord": True},
        )
        shared = (
            await documents_api.change(
                "PUT", officer, evidence, sharing, {"shared_with_landlord": True}
            )
        ).json()
        stale = await documents_api.change(
            "PUT", officer, evidence, sharing, {"shared_with_landlord": False}, status=412
        )
        refused = await documents_api.change(
            "PUT", officer, medical, sharing, {"shared_with_landlord": True}, status=409
        )
        kept = await documents_api.change(
            "PUT", officer, theirs, sharing, {"shared_with_landlord": False}, status=409
        )

        assert by_complainant.json()["error"]["code"] == "not_allowed_on_document"
        assert unmatched.status_code == 428
        assert shared["shared_with_landlord"] is True
        assert shared["version"] == evidence["version"] + 1
        assert stale.json()["error"]["code"] == "precondition_failed"
        assert refused.json()["error"]["code"] == "sensitive_document_not_shared"
        assert kept.json()["error"]["code"] == "landlord_document_stays_shared"
        seen = {d["id"] for d in await documents_api.listed(landlord, case["id"])}
        assert seen == {evidence["id"], theirs["id"]}
        assert await downloads(documents_api, landlord, evidence) == 200
        assert await downloads(documents_api, landlord, medical) == 404

        await documents_api.change("PUT", officer, shared, sharing, {"shared_with_landlord": False})
        assert await downloads(documents_api, landlord, evidence) == 404
        seen = {d["id"] for d in await documents_api.listed(landlord, case["id"])}
        assert seen == {theirs["id"]}
