"""Any application as a tagged PDF, opened and read back."""

import io
from typing import Any

import pypdf
from tests.support.cases import HOUSEHOLD, REFERRAL, CasesApi


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


class TestApplicationPdf:
    async def test_it_holds_the_answers_household_status_and_deadlines(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant,
            {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "submit": True},
        )
        case = await api.act(officer, case, "accept")
        case = await api.act(officer, case, "start_prevention", on="2026-12-01")

        response = await api.call("GET", applicant, f"/cases/{case['id']}/pdf")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        pdf = pypdf.PdfReader(io.BytesIO(response.content))
        # Words, whatever lines the table cells wrapped them onto.
        text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        for expected in (
            f"Homelessness referral {case['reference']}",
            "Watford",
            "Prevention duty",
            "Detail the reason for approaching for assistance today",
            "Fell out with my mate",
            "Have you been homeless before?",
            "Julia Jules",
            "******34D",
            "26 January 2027",
        ):
            assert expected in text, expected
        assert "NS819834D" not in text

        root = pdf.trailer["/Root"].get_object()
        assert isinstance(root, pypdf.generic.DictionaryObject)
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

    async def test_nobody_else_gets_it(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        case = await api.create(applicant, {"kind": "homelessness", "answers": REFERRAL})
        stranger = await api.person("applicant")
        response = await api.call("GET", stranger, f"/cases/{case['id']}/pdf")
        assert response.status_code == 404, response.text
