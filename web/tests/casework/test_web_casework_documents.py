"""The documents of a case on the casework pages: an officer asks for one, verifies or rejects
what was sent; a landlord's users see only what was shared with them."""

import datetime
import re

import httpx
from tests.support.cases import Caller, CasesApi
from tests.support.casework import Signed, complaint_about, referral
from tests.support.documents import DocumentsApi, item, pdf
from tests.support.web_sessions import send_form

KINGSTON = "kingston"
NEXT_MONTH = datetime.date.today() + datetime.timedelta(days=30)


async def referral_with_document(
    cases: CasesApi, documents_api: DocumentsApi
) -> tuple[dict[str, object], Caller, dict[str, object]]:
    """A referral at Kingston whose applicant has sent one document."""
    applicant = await cases.person("applicant", authority=KINGSTON)
    case = await referral(cases, applicant)
    (document,) = await documents_api.upload(
        applicant, str(case["id"]), [("tenancy.pdf", pdf(2000, seed="t"), item())]
    )
    return case, applicant, document


def version_of(page: str, document_id: str) -> str:
    """The version the page's verify form for a document carries."""
    form = re.search(
        rf'action="[^"]+/{document_id}/verify".*?name="version" value="([^"]+)"', page, re.S
    )
    assert form is not None, page
    return form.group(1).replace("&#34;", '"').replace("&quot;", '"')


class TestOfficersDocuments:
    async def test_an_officer_asks_for_a_document_with_a_date_and_a_note(
        self, cases: CasesApi, signed_in: Signed, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases.person("applicant", authority=KINGSTON)
        case = await referral(cases, applicant)
        _, browser = await signed_in("officer", KINGSTON)
        page = f"/kingston/caseload/{case['id']}/documents"

        asked = await send_form(
            browser,
            page,
            {
                "key": "a" * 32,
                "classification": "proof_of_income",
                "person": "Julia Jules",
                "note": "Your last three payslips",
                "due_on-day": NEXT_MONTH.day,
                "due_on-month": NEXT_MONTH.month,
                "due_on-year": NEXT_MONTH.year,
            },
        )
        assert asked.status_code == 303
        shown = await browser.get(asked.headers["location"])
        refused = await send_form(
            browser, page, {"key": "b" * 32, "classification": "teleport", "due_on-day": "31"}
        )

        assert "The document was asked for" in shown.text
        assert "0 of 1 supplied" in shown.text
        (request,) = (await documents_api.requests(applicant, str(case["id"])))["items"]
        assert request["classification"] == "proof_of_income"
        assert request["person"] == "Julia Jules"
        assert request["due_on"] == NEXT_MONTH.isoformat()
        assert request["note"] == "Your last three payslips"
        assert refused.status_code == 400
        assert 'href="#classification"' in refused.text
        assert 'href="#due_on-day"' in refused.text

    async def test_an_officer_verifies_a_document_once(
        self, cases: CasesApi, signed_in: Signed, documents_api: DocumentsApi
    ) -> None:
        case, applicant, document = await referral_with_document(cases, documents_api)
        _, browser = await signed_in("officer", KINGSTON)
        page = f"/kingston/caseload/{case['id']}/documents"
        opened = await browser.get(page)
        version = version_of(opened.text, str(document["id"]))

        verified = await send_form(
            browser, f"{page}/{document['id']}/verify", {"version": version}, page=page
        )
        again = await send_form(
            browser, f"{page}/{document['id']}/verify", {"version": version}, page=page
        )

        assert verified.status_code == 303
        (now,) = await documents_api.listed(applicant, str(case["id"]))
        assert now["state"] == "verified"
        assert again.status_code == 303
        assert "had changed since you opened the page" in (await browser.get(page)).text

    async def test_a_rejection_needs_a_reason_which_the_applicant_reads(
        self, cases: CasesApi, signed_in: Signed, documents_api: DocumentsApi
    ) -> None:
        case, applicant, document = await referral_with_document(cases, documents_api)
        _, browser = await signed_in("officer", KINGSTON)
        reject = f"/kingston/caseload/{case['id']}/documents/{document['id']}/reject"
        opened = await browser.get(reject)
        version = re.search(r'name="version" value="([^"]+)"', opened.text)
        assert version is not None
        etag = version.group(1).replace("&#34;", '"')

        empty = await send_form(browser, reject, {"version": etag, "reason": ""})
        rejected = await send_form(
            browser, reject, {"version": etag, "reason": "The page with the dates is missing"}
        )

        assert empty.status_code == 400
        assert 'href="#reason"' in empty.text
        assert rejected.status_code == 303
        (now,) = await documents_api.listed(applicant, str(case["id"]))
        assert now["state"] == "rejected"
        assert now["rejection_reason"] == "The page with the dates is missing"

    async def test_an_applicant_finds_no_officers_documents_page(
        self, cases: CasesApi, signed_in: Signed, documents_api: DocumentsApi
    ) -> None:
        case, _, document = await referral_with_document(cases, documents_api)
        _, browser = await signed_in("applicant", KINGSTON)
        for path in ("", f"/{document['id']}/reject", f"/{document['id']}/file"):
            page = await browser.get(f"/kingston/caseload/{case['id']}/documents{path}")
            assert page.status_code == 404


class TestLandlordsDocuments:
    async def test_a_landlord_sees_only_what_was_shared_and_can_download_it(
        self,
        cases: CasesApi,
        signed_in: Signed,
        documents_api: DocumentsApi,
        landlord_organisation: str,
    ) -> None:
        case = await complaint_about(cases, landlord_organisation)
        officer = await cases.person("officer", authority="housing-ombudsman")
        shared, private = await documents_api.upload(
            officer,
            str(case["id"]),
            [
                ("shared.pdf", pdf(2000, seed="s"), item(shared_with_landlord=True)),
                ("private.pdf", pdf(2000, seed="p"), item()),
            ],
        )
        _, browser = await signed_in("landlord_user", "housing-ombudsman")
        page = f"/housing-ombudsman/complaints/{case['id']}/documents"

        listed = await browser.get(page)
        shared_file = await browser.get(f"{page}/{shared['id']}/file")
        private_file = await browser.get(f"{page}/{private['id']}/file")

        assert listed.status_code == 200
        assert "shared.pdf" in listed.text
        assert "private.pdf" not in listed.text
        assert "/verify" not in listed.text
        assert shared_file.content == pdf(2000, seed="s")
        assert private_file.status_code == 404

    async def test_an_officer_shares_a_document_then_stops_sharing_it(
        self,
        cases: CasesApi,
        signed_in: Signed,
        documents_api: DocumentsApi,
        landlord_organisation: str,
    ) -> None:
        case = await complaint_about(cases, landlord_organisation)
        complainant = Caller(
            user_id=str(case["applicant_id"]),
            authority="housing-ombudsman",
            token=await cases.mint(
                authority="housing-ombudsman",
                roles=("applicant",),
                user=str(case["applicant_id"]),
                lifetime=600,
            ),
        )
        evidence, medical = await documents_api.upload(
            complainant,
            str(case["id"]),
            [
                ("evidence.pdf", pdf(2000, seed="e"), item()),
                ("medical.pdf", pdf(2000, seed="m"), item(sensitive=True)),
            ],
        )
        _, officer = await signed_in("officer", "housing-ombudsman")
        _, landlord = await signed_in("landlord_user", "housing-ombudsman")
        officers_page = f"/housing-ombudsman/caseload/{case['id']}/documents"
        landlords_file = (
            f"/housing-ombudsman/complaints/{case['id']}/documents/{evidence['id']}/file"
        )
        sharing = f"{officers_page}/{evidence['id']}/sharing"

        before = await officers_page_text(officer, officers_page)
        unshared_file = await landlord.get(landlords_file)
        shared = await send_form(
            officer,
            sharing,
            {"version": f'"{evidence["version"]}"', "shared": "yes"},
            page=officers_page,
        )
        after = await officers_page_text(officer, shared.headers["location"])
        shared_file = await landlord.get(landlords_file)
        stale = await send_form(
            officer,
            sharing,
            {"version": f'"{evidence["version"]}"', "shared": "no"},
            page=officers_page,
        )
        stale_notice = await officers_page_text(officer, stale.headers["location"])

        assert f"{medical['id']}/sharing" not in before
        assert "Share with the landlord" in before
        assert unshared_file.status_code == 404
        assert shared.status_code == 303
        assert "The document was shared with the landlord" in after
        assert "Stop sharing with the landlord" in after
        assert shared_file.content == pdf(2000, seed="e")
        assert "The document had changed since you opened the page" in stale_notice
        assert (await landlord.get(landlords_file)).status_code == 200


async def officers_page_text(browser: httpx.AsyncClient, path: str) -> str:
    """The page's text, checked to have opened."""
    page = await browser.get(path)
    assert page.status_code == 200, page.text
    return page.text
