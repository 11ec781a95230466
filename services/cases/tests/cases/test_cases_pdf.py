"""Any application as a tagged PDF, opened and read back."""

import io
from typing import Any

import pypdf
from tests.support.cases import HOUSEHOLD, REFERRAL, Caller, CasesApi, Json


def structure_tags(node: Any, found: set[str]) -> set[str]:
    """Every structure element type under a node of the structure tree."""
    if isinstance(node, pypdf.generic.IndirectObject):
        node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            structure_tags(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            structure_tags(node["/K"], found)
    return found


def opened(content: bytes) -> tuple[str, pypdf.generic.DictionaryObject, pypdf.PdfReader]:
    """A PDF's words (whatever lines table cells wrapped them onto), its catalogue, itself."""
    pdf = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    root = pdf.trailer["/Root"].get_object()
    assert isinstance(root, pypdf.generic.DictionaryObject)
    return text, root, pdf


async def in_prevention(
    api: CasesApi, applicant: Caller, officer: Caller, *, language: str = "en"
) -> Json:
    """A referral with a household, accepted, its prevention duty begun on 1 December 2026."""
    case = await api.create(
        applicant,
        {
            "kind": "homelessness",
            "answers": REFERRAL,
            "household": HOUSEHOLD,
            "submit": True,
            "language": language,
        },
    )
    case = await api.act(officer, case, "accept")
    return await api.act(officer, case, "start_prevention", on="2026-12-01")


class TestApplicationPdf:
    async def test_it_holds_the_answers_household_status_and_deadlines(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await in_prevention(api, applicant, officer)

        response = await api.call("GET", applicant, f"/cases/{case['id']}/pdf")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        text, root, pdf = opened(response.content)
        expected = [
            f"Homelessness referral {case['reference']}",
            "Watford",
            "Prevention duty",
            "Detail the reason for approaching for assistance today",
            "Fell out with my mate",
            "Have you been homeless before?",
            "Julia Jules",
            "******34D",
            "26 January 2027",
        ]
        assert [words for words in expected if words not in text] == []
        assert "NS819834D" not in text
        assert str(root["/Lang"]) == "en"
        mark_info = root["/MarkInfo"].get_object()
        assert isinstance(mark_info, pypdf.generic.DictionaryObject)
        assert bool(mark_info["/Marked"])
        tags = structure_tags(root["/StructTreeRoot"], set())
        assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= tags
        assert pdf.metadata is not None
        assert pdf.metadata.title == f"Homelessness referral {case['reference']}: " + str(
            pdf.metadata.author
        )

        officers = await api.call("GET", officer, f"/cases/{case['id']}/pdf")
        officer_text = " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(officers.content)).pages
        )
        assert "NS819834D" in officer_text

    async def test_it_is_in_the_applicants_language_unless_another_is_asked_for(
        self, api: CasesApi
    ) -> None:
        applicant = await api.person("applicant")
        case = await in_prevention(api, applicant, await api.person("officer"), language="cy")

        welsh = await api.call("GET", applicant, f"/cases/{case['id']}/pdf")
        english = await api.call(
            "GET", applicant, f"/cases/{case['id']}/pdf", params={"language": "en"}
        )

        cy_text, cy_root, _ = opened(welsh.content)
        expected = [
            f"Atgyfeiriad digartrefedd {case['reference']}",
            "Dyletswydd atal",
            "Ydych chi wedi bod yn ddigartref o'r blaen?",
            "Y ddyletswydd atal yn dod i ben",
            "26 Ionawr 2027",
            "Aelwyd",
        ]
        assert [words for words in expected if words not in cy_text] == []
        assert "Household" not in cy_text
        assert str(cy_root["/Lang"]) == "cy"
        en_text, _, _ = opened(english.content)
        assert "Household" in en_text
        assert "Aelwyd" not in en_text

    async def test_nobody_else_gets_it(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        case = await api.create(applicant, {"kind": "homelessness", "answers": REFERRAL})
        stranger = await api.person("applicant")
        response = await api.call("GET", stranger, f"/cases/{case['id']}/pdf")
        assert response.status_code == 404, response.text
