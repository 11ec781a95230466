"""Every change to documents and requests reaches the broker as an event matching its contract."""

import asyncio

import aio_pika
from tests.support.cases import CasesApi
from tests.support.documents import DocumentsApi, item, pdf, submitted_case

from contracts.registry import parse_message
from kit.events.broker import declare_exchange
from portalstack.endpoints import Stack


class TestEventsOnTheBroker:
    async def test_requests_uploads_and_decisions_arrive_valid(
        self, cases_api: CasesApi, documents_api: DocumentsApi, stack: Stack
    ) -> None:
        connection = await aio_pika.connect(stack.amqp_url)
        try:
            channel = await connection.channel()
            exchange = await declare_exchange(channel)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.bind(exchange, routing_key="documents.#")
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
            arrived: set[tuple[str, str]] = set()
            async with asyncio.timeout(20):
                async with queue.iterator() as messages:
                    async for message in messages:
                        async with message.process():
                            envelope, payload = parse_message(message.body)
                        if getattr(payload, "case_id", None) != case["id"]:
                            continue
                        assert envelope.authority == "watford"
                        assert envelope.subject == case["id"]
                        named = getattr(payload, "document_id", None)
                        if envelope.type.startswith("documents.request."):
                            named = getattr(payload, "request_id", None)
                        if str(named) not in {str(one) for _, one in expected}:
                            continue  # the copy of the application the portal keeps
                        arrived.add((envelope.type, str(named)))
                        if len(arrived) == len(expected):
                            break
            assert arrived == expected
        finally:
            await connection.close()
