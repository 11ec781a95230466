"""A copy of each application as submitted is kept with the case's documents, in the
applicant's language, once."""

import io

import pypdf
from tests.support.cases import HOUSEHOLD, REFERRAL, CasesApi
from tests.support.documents import DocumentsApi, DocumentsStore
from tests.support.polling import eventually


class TestApplicationCopies:
    async def test_a_submitted_application_s_copy_is_among_its_documents(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        draft = await cases_api.create(
            applicant,
            {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "language": "cy"},
        )
        await cases_api.call("GET", applicant, f"/cases/{draft['id']}")
        assert await documents_store.records(str(draft["id"])) == []  # none while a draft

        case = await cases_api.act(applicant, draft, "submit")
        (copy,) = await eventually(
            lambda: documents_api.listed(applicant, str(case["id"]), copies=True),
            within=30,
            what="the application's copy among its documents",
        )

        assert copy["source"] == "generated"
        assert copy["classification"] == "application"
        assert copy["file_name"] == f"application-{case['reference']}.pdf"
        file = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents/{copy['id']}/file"
        )
        pdf = pypdf.PdfReader(io.BytesIO(file.content))
        text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert f"Atgyfeiriad digartrefedd {case['reference']}" in text
        assert "******34D" in text  # shown as to the applicant: the number masked
        assert "NS819834D" not in text
        assert len(await documents_store.records(str(case["id"]), copies=True)) == 1
