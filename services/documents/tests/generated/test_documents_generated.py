"""Generated documents (letters, plans, copies of applications) stored by the portal's own
services through the internal route, then listed and downloaded like any other."""

import httpx
from tests.support.cases import CasesApi
from tests.support.documents import DocumentsApi, DocumentsStore, pdf, program, submitted_case

from documents.config import Settings
from portalstack.endpoints import Stack


def internal(stack: Stack) -> httpx.AsyncClient:
    """The documents service at its internal address, as the cases service calls it."""
    return httpx.AsyncClient(base_url=stack.service_urls["documents"], timeout=30)


class TestGeneratedDocuments:
    async def test_a_generated_letter_is_listed_and_downloaded_like_any_document(
        self,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
        documents_store: DocumentsStore,
        stack: Stack,
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        letter = pdf(120_000, seed="letter")
        headers = {
            "X-Internal-Key": Settings().internal_key,
            "X-Authority": "watford",
            "Content-Type": "application/pdf",
            "Idempotency-Key": f"letter-{case['id']}",
        }
        params = {"kind": "letter", "file_name": "Decision letter.pdf"}
        path = f"/internal/cases/{case['id']}/documents"
        async with internal(stack) as client:
            stored = await client.post(path, content=letter, headers=headers, params=params)
            repeated = await client.post(path, content=letter, headers=headers, params=params)
        assert stored.status_code == 201, stored.text
        assert repeated.json() == stored.json()
        document = stored.json()
        assert document["source"] == "generated"
        assert document["classification_label"] == "Letter"
        listed = await documents_api.listed(applicant, case["id"], copies=True)
        assert document["id"] in [item["id"] for item in listed]
        response = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents/{document['id']}/file"
        )
        assert response.content == letter
        # The letter, and the copy of the application kept when it was submitted.
        assert len(await documents_store.records(case["id"], copies=True)) == 2

    async def test_only_the_portal_s_services_may_store_them(
        self, cases_api: CasesApi, documents_api: DocumentsApi, stack: Stack
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        path = f"/internal/cases/{case['id']}/documents"
        params = {"kind": "letter", "file_name": "x.pdf"}
        # Through the gateway, with the applicant's token and no key: refused.
        through_gateway = await documents_api.call(
            "POST", applicant, path, params=params, content=pdf()
        )
        assert through_gateway.status_code == 401
        async with internal(stack) as client:
            wrong_key = await client.post(
                path,
                content=pdf(),
                params=params,
                headers={"X-Internal-Key": "guess", "X-Authority": "watford"},
            )
            assert wrong_key.status_code == 401
            not_a_pdf = await client.post(
                path,
                content=program(),
                params=params,
                headers={"X-Internal-Key": Settings().internal_key, "X-Authority": "watford"},
            )
            assert not_a_pdf.status_code == 415, not_a_pdf.text
        assert await documents_api.listed(applicant, case["id"]) == []
