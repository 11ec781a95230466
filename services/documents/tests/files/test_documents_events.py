"""Every change to documents and requests reaches the broker as an event matching its contract."""

from tests.support.bus import heard
from tests.support.cases import CasesApi
from tests.support.documents import DocumentsApi, item, pdf, submitted_case

from contracts.payload import EventPayload
from portalstack.endpoints import Stack


def named(payload: EventPayload) -> str:
    """The request a request event names, or the document a document event names."""
    if payload.event_type.startswith("documents.request."):
        return str(getattr(payload, "request_id", None))
    return str(getattr(payload, "document_id", None))


class TestEventsOnTheBroker:
    async def test_requests_uploads_and_decisions_arrive_valid(
        self, cases_api: CasesApi, documents_api: DocumentsApi, stack: Stack
    ) -> None:
        async with heard(stack, "documents.#") as hear:
            applicant = await cases_api.person("applicant")
            officer = await cases_api.person("officer")
            case = await submitted_case(cases_api, applicant)
            wanted = await documents_api.request(officer, case["id"], due_on="2027-02-01")
            [supplied, other, gone] = await documents_api.upload(
                applicant,
                case["id"],
                [
                    ("a.pdf", pdf(), {"request_id": wanted["id"]}),
                    ("b.pdf", pdf(), item(sensitive=True)),
                    ("c.pdf", pdf(), item()),
                ],
            )
            await documents_api.change("POST", officer, supplied, "/verify")
            await documents_api.change("POST", officer, other, "/reject", {"reason": "Unreadable"})
            await documents_api.change("DELETE", applicant, gone, status=204)
            expected = {
                ("documents.request.created", wanted["id"]),
                ("documents.document.uploaded", supplied["id"]),
                ("documents.request.fulfilled", wanted["id"]),
                ("documents.document.uploaded", other["id"]),
                ("documents.document.uploaded", gone["id"]),
                ("documents.document.verified", supplied["id"]),
                ("documents.document.rejected", other["id"]),
                ("documents.document.withdrawn", gone["id"]),
            }
            ids = {str(one) for _, one in expected}
            # The copy of the application the portal keeps is another document: left out.
            events = await hear(
                case["id"], len(expected), keep=lambda _, payload: named(payload) in ids
            )
        for envelope, _ in events:
            assert envelope.authority == "watford"
            assert envelope.subject == case["id"]
        assert {(envelope.type, named(payload)) for envelope, payload in events} == expected
        sides = {
            named(payload): getattr(payload, "uploader_role", None)
            for envelope, payload in events
            if envelope.type == "documents.document.uploaded"
        }
        assert sides == {
            supplied["id"]: "applicant",
            other["id"]: "applicant",
            gone["id"]: "applicant",
        }
