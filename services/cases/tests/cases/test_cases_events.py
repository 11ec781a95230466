"""Every change reaches the broker as an event that matches its contract."""

import asyncio

import aio_pika
from tests.support.cases import REGISTER, CasesApi

from contracts.registry import parse_message
from kit.events.broker import declare_exchange
from portalstack.endpoints import Stack

LIVE = {
    "bidding_reference": "WBC-1",
    "registration_date": "2026-11-02",
    "band": 2,
    "review_date": "2027-11-02",
}


class TestEventsOnTheBroker:
    async def test_a_register_application_s_events_arrive_valid_and_in_order(
        self, api: CasesApi, stack: Stack
    ) -> None:
        connection = await aio_pika.connect(stack.amqp_url)
        try:
            channel = await connection.channel()
            exchange = await declare_exchange(channel)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.bind(exchange, routing_key="cases.#")
            applicant = await api.person("applicant")
            officer = await api.person("officer")
            case = await api.create(
                applicant, {"kind": "housing_register", "answers": REGISTER, "submit": True}
            )
            case = await api.act(officer, case, "assess")
            case = await api.act(officer, case, "set_live", register_details=LIVE)
            case = await api.change(
                "POST", applicant, case, "/circumstances", {"note": "A new baby"}
            )
            case = await api.change("POST", officer, case, "/circumstances/verification")
            expected = [
                "cases.case.created",
                "cases.case.status_changed",
                "cases.case.submitted",
                "cases.case.status_changed",
                "cases.case.status_changed",
                "cases.case.status_changed",
                "cases.case.suspended",
                "cases.circumstances.submitted",
                "cases.case.status_changed",
                "cases.case.reinstated",
                "cases.circumstances.verified",
            ]
            arrived: list[str] = []
            async with asyncio.timeout(20):
                async with queue.iterator() as messages:
                    async for message in messages:
                        async with message.process():
                            envelope, payload = parse_message(message.body)
                        if getattr(payload, "case_id", None) != case["id"]:
                            continue
                        assert envelope.authority == "watford"
                        assert envelope.subject == case["id"]
                        arrived.append(envelope.type)
                        if len(arrived) == len(expected):
                            break
            assert sorted(arrived) == sorted(expected)
            assert arrived.index("cases.case.submitted") < arrived.index("cases.case.suspended")
        finally:
            await connection.close()
