"""The applicant's documents pages: what is asked for, uploading, the list, withdrawing."""

import re

import httpx
from tests.support.cases import Caller, CasesApi
from tests.support.documents import DocumentsApi, DocumentsStore, pdf, png, program, submitted_case
from tests.support.portal import Person
from tests.support.web_pages import FormFiles, send_form

HOME = "/watford/applications"
KEY = re.compile(r'name="key" value="([0-9a-f]+)"')
SUMMARY_LINK = re.compile(r'<a href="#([a-z0-9-]+)">')


async def own_case(cases_api: CasesApi, applicant: Person) -> tuple[dict[str, object], Caller]:
    """A submitted referral of the signed-in applicant, with a household of two."""
    token = await cases_api.mint(
        authority="watford", roles=("applicant",), user=applicant.user_id, lifetime=600
    )
    own = Caller(user_id=applicant.user_id, authority="watford", token=token)
    return await submitted_case(cases_api, own), own


async def upload(
    portal: httpx.AsyncClient, page: str, fields: dict[str, str], files: FormFiles
) -> httpx.Response:
    """Send the upload form on `page` as a browser would, with the key it carries."""
    form = await portal.get(page)
    found = KEY.search(form.text)
    assert found is not None, form.text
    path = page.split("?")[0]
    return await send_form(portal, path, {**fields, "key": found.group(1)}, page=page, files=files)


class TestDocumentsPage:
    async def test_it_counts_what_was_asked_for_and_lists_what_was_sent(
        self,
        portal: httpx.AsyncClient,
        applicant: Person,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
    ) -> None:
        case, _ = await own_case(cases_api, applicant)
        officer = await cases_api.person("officer", authority="watford")
        asked = await documents_api.request(officer, str(case["id"]), person="Julia Jules")
        await documents_api.request(officer, str(case["id"]), classification="proof_of_address")
        documents = f"{HOME}/{case['id']}/documents"

        before = await portal.get(documents)
        assert before.status_code == 200
        assert "0 of 2 supplied" in before.text
        sent = await upload(
            portal,
            f"{documents}/upload?request={asked['id']}",
            {"description-1": "March payslip", "request-1": str(asked["id"])},
            [("file-1", ("payslip.pdf", pdf(3000, seed="march"), "application/pdf"))],
        )
        assert sent.status_code == 303, sent.text
        after = await portal.get(sent.headers["location"])

        assert "1 of 2 supplied" in after.text
        assert "Your documents were sent" in after.text
        assert "payslip.pdf" in after.text
        assert "March payslip" in after.text
        link = re.search(r'href="([^"]+/file)"', after.text)
        assert link is not None
        download = await portal.get(link.group(1))
        assert download.content == pdf(3000, seed="march")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert "payslip.pdf" in download.headers["content-disposition"]

    async def test_each_file_is_sent_with_its_own_person_type_and_request(
        self,
        portal: httpx.AsyncClient,
        applicant: Person,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
        documents_store: DocumentsStore,
    ) -> None:
        case, _ = await own_case(cases_api, applicant)
        officer = await cases_api.person("officer", authority="watford")
        payslip = await documents_api.request(officer, str(case["id"]), person="Julia Jules")
        address = await documents_api.request(
            officer, str(case["id"]), classification="proof_of_address"
        )
        await documents_api.request(officer, str(case["id"]), classification="proof_of_address")
        documents = f"{HOME}/{case['id']}/documents"
        sent = await upload(
            portal,
            f"{documents}/upload",
            {
                "rows": "3",
                "request-1": str(payslip["id"]),
                "request-2": str(address["id"]),
                "person-2": "Jamie Jules",
                "sensitive-2": "yes",
                "person-3": "Jamie Jules",
                "classification-3": "proof_of_identity",
                "description-3": "Passport",
            },
            [
                ("file-1", ("payslip.pdf", pdf(2500, seed="pay"), "application/pdf")),
                ("file-2", ("bill.pdf", pdf(2500, seed="bill"), "application/pdf")),
                ("file-3", ("passport.png", png(2500), "image/png")),
            ],
        )
        assert sent.status_code == 303, sent.text
        after = await portal.get(sent.headers["location"])

        assert "2 of 3 supplied" in after.text
        records = {r["file_name"]: r for r in await documents_store.records(str(case["id"]))}
        assert set(records) == {"payslip.pdf", "bill.pdf", "passport.png"}
        assert records["payslip.pdf"]["request_id"] == payslip["id"]
        assert records["payslip.pdf"]["person"] == "Julia Jules"
        assert records["bill.pdf"]["request_id"] == address["id"]
        assert records["bill.pdf"]["classification"] == "proof_of_address"
        assert (records["bill.pdf"]["person"], records["bill.pdf"]["sensitive"]) == (
            "Jamie Jules",
            True,
        )
        passport = records["passport.png"]
        assert passport["request_id"] is None
        assert (passport["classification"], passport["description"]) == (
            "proof_of_identity",
            "Passport",
        )
        assert not passport["sensitive"]

    async def test_a_refused_file_is_named_on_the_field_and_nothing_is_kept(
        self,
        portal: httpx.AsyncClient,
        applicant: Person,
        cases_api: CasesApi,
        documents_store: DocumentsStore,
    ) -> None:
        case, _ = await own_case(cases_api, applicant)
        page = f"{HOME}/{case['id']}/documents/upload"
        fields = {"person": "Julia Jules", "classification": "proof_of_identity"}

        refused = await upload(
            portal,
            page,
            {"rows": "2", **{f"{name}-{row}": v for name, v in fields.items() for row in (1, 2)}},
            [
                ("file-1", ("letter.pdf", pdf(2000), "application/pdf")),
                ("file-2", ("report.pdf", program(2000), "application/pdf")),
            ],
        )
        unchosen = await upload(portal, page, {"rows": "1", "person-1": "Nobody"}, [])
        undescribed = await upload(
            portal,
            page,
            {"rows": "2", "person-2": "Nobody"},
            [("file-2", ("letter.pdf", pdf(2000), "application/pdf"))],
        )

        assert refused.status_code == 400
        assert "report.pdf must be a" in refused.text
        assert 'href="#file-2"' in refused.text
        assert 'id="file-2-error"' in refused.text
        assert await documents_store.records(str(case["id"])) == []
        assert unchosen.status_code == 400
        assert SUMMARY_LINK.findall(unchosen.text) == ["file-1"]
        assert undescribed.status_code == 400
        assert SUMMARY_LINK.findall(undescribed.text) == [
            "person-2",
            "classification-2",
        ]

    async def test_a_document_not_yet_checked_can_be_withdrawn(
        self,
        portal: httpx.AsyncClient,
        applicant: Person,
        cases_api: CasesApi,
        documents_store: DocumentsStore,
    ) -> None:
        case, _ = await own_case(cases_api, applicant)
        documents = f"{HOME}/{case['id']}/documents"
        await upload(
            portal,
            f"{documents}/upload",
            {"person-1": "Julia Jules", "classification-1": "proof_of_identity"},
            [("file-1", ("tenancy.pdf", pdf(2000, seed="tenancy"), "application/pdf"))],
        )
        (record,) = await documents_store.records(str(case["id"]))
        withdraw = f"{documents}/{record['_id']}/withdraw"

        confirm = await portal.get(withdraw)
        assert "Withdraw tenancy.pdf?" in confirm.text
        version = re.search(r'name="version" value="([^"]*)"', confirm.text)
        assert version is not None
        done = await send_form(
            portal, withdraw, {"version": version.group(1).replace("&#34;", '"')}
        )

        assert done.status_code == 303
        assert done.headers["location"].endswith("withdrawn=yes")
        assert await documents_store.records(str(case["id"])) == []
        assert not documents_store.has_file(record["key"])

    async def test_someone_else_s_documents_are_not_found(
        self, portal: httpx.AsyncClient, applicant: Person, cases_api: CasesApi
    ) -> None:
        other = await cases_api.person("applicant", authority="watford")
        theirs = await submitted_case(cases_api, other)
        for path in ("", "/upload"):
            page = await portal.get(f"{HOME}/{theirs['id']}/documents{path}")
            assert page.status_code == 404
