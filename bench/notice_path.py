"""The event path: from a case event leaving the cases service to the person's notification
being readable, at 200 events a second, against the raw broker in the same run.

Each event is a `cases.message.sent` to a person of its own in the benchmark's authority,
published as the cases service's outbox relay publishes it once the change has committed (the
relay is woken in the same process at that commit, so the path measured here starts where
the broker's part of it starts). Two consumers hear every event: a bare queue of the
benchmark's own (the raw figure: publish -> consume) and the notifications service (publish ->
consume -> the notice committed, found in the store by a poll every few milliseconds).
Target: the notice's p99 at most 3 times the raw p99. Results are printed and written to
bench/results/ as JSON.
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from typing import Any

import aio_pika
import httpx
from bench.cases_load import AUTHORITY, ensure_authority, tokens
from bench.results import record
from bench.sampling import summary
from pymongo import AsyncMongoClient

from contracts.envelope import Envelope
from contracts.events.casework_tasks import MessageSent
from contracts.registry import validate_envelope
from kit.events.broker import declare_exchange
from notifications.config import Settings as NotificationsSettings
from notifications.inbox.models import NOTIFICATIONS
from portalstack.endpoints import current_stack

TARGET = 3.0
# How often the store is asked which notices exist yet, and for how many of the events still
# waiting (the oldest): the poll shares the store with the path it measures, so it stays small.
POLL_SECONDS = 0.01
POLL_EVENTS = 100


def event_for(number: int, run: str) -> Envelope:
    """One message sent to a person of its own."""
    person = f"bench-{run}-{number}"
    payload = MessageSent(
        case_id=f"bench-case-{run}-{number}",
        reference="9999999",
        applicant_id=person,
        language="en",
        message_id=uuid.uuid4().hex,
        subject="A message",
        sender_id="bench-officer-1",
        recipient_ids=[person],
        recipient="applicant",
    )
    return Envelope.for_event(payload, authority=AUTHORITY, actor="bench-officer-1")


async def notifications_serve(http: httpx.AsyncClient) -> None:
    """Wait until the notifications service knows the benchmark's authority."""
    token = (await tokens([("bench-probe", ("applicant",))]))["bench-probe"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = await http.get(
            f"/{AUTHORITY}/api/notifications/notifications/unread",
            headers={"Authorization": f"Bearer {token}"},
        )
        if answer.status_code == 200:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the notifications service never served {AUTHORITY}")


class Watch:
    """When each published event was consumed raw, and when its notice became readable."""

    def __init__(self) -> None:
        self.published: dict[str, float] = {}
        self.consumed: dict[str, float] = {}
        self.readable: dict[str, float] = {}

    def pending(self) -> list[str]:
        """The events whose notice was not found yet, oldest first."""
        return [event for event in self.published if event not in self.readable]


async def poll_store(
    store: AsyncMongoClient[dict[str, Any]], watch: Watch, done: asyncio.Event
) -> None:
    """Note when each event's notice is first found, until every one is."""
    notices = store[NotificationsSettings().mongo_db][NOTIFICATIONS]
    while not (done.is_set() and not watch.pending()):
        waiting = watch.pending()[:POLL_EVENTS]
        if waiting:
            found = notices.find(
                {"authority": AUTHORITY, "event_id": {"$in": waiting}}, {"event_id": 1}
            )
            now = time.perf_counter()
            async for notice in found:
                watch.readable.setdefault(notice["event_id"], now)
        await asyncio.sleep(POLL_SECONDS)


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Publish at the rate asked, time both consumers, print, and return the results."""
    stack = current_stack()
    store: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
    run = uuid.uuid4().hex[:8]
    watch = Watch()
    connection = await aio_pika.connect(stack.amqp_url)
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60.0) as http:
            await ensure_authority(http)
            await notifications_serve(http)
        channel = await connection.channel(publisher_confirms=False)
        exchange = await declare_exchange(channel)
        raw = await channel.declare_queue(exclusive=True, auto_delete=True)
        await raw.bind(exchange, routing_key=MessageSent.event_type)

        async def on_raw(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            watch.consumed.setdefault(str(message.message_id), time.perf_counter())
            await message.ack()

        await raw.consume(on_raw)
        done = asyncio.Event()
        poller = asyncio.create_task(poll_store(store, watch, done))
        interval = 1 / arguments.rate
        began = time.perf_counter()
        for number in range(arguments.events):
            # Paced against the start, so a late send does not slow every later one.
            await asyncio.sleep(max(0.0, began + number * interval - time.perf_counter()))
            envelope = event_for(number, run)
            body = envelope.model_dump(mode="json")
            validate_envelope(body)
            watch.published[str(envelope.id)] = time.perf_counter()
            await exchange.publish(
                aio_pika.Message(
                    json.dumps(body).encode(),
                    content_type="application/json",
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=str(envelope.id),
                    type=envelope.type,
                ),
                routing_key=envelope.type,
            )
        sent_in = time.perf_counter() - began
        done.set()
        async with asyncio.timeout(arguments.events / 10 + 60):
            await poller
    finally:
        await connection.close()
        await store[NotificationsSettings().mongo_db][NOTIFICATIONS].delete_many(
            {"authority": AUTHORITY, "event_id": {"$in": list(watch.published)}}
        )
        await store.close()
    raw_ms = [(watch.consumed[e] - at) * 1000 for e, at in watch.published.items()]
    notice_ms = [(watch.readable[e] - at) * 1000 for e, at in watch.published.items()]
    raw_figures, notice_figures = summary(raw_ms), summary(notice_ms)
    ratio = round(notice_figures["p99_ms"] / raw_figures["p99_ms"], 2)
    print(f"published {arguments.events} events in {sent_in:.1f} s ({arguments.rate}/s asked)")
    print(f"raw broker publish -> consume: {raw_figures}")
    print(f"publish -> notice readable: {notice_figures}")
    print(f"p99 ratio {ratio} (target <= {TARGET})")
    return {
        "authority": AUTHORITY,
        "events": arguments.events,
        "rate_asked": arguments.rate,
        "rate_sent": round(arguments.events / sent_in, 1),
        "poll_ms": POLL_SECONDS * 1000,
        "poll_events": POLL_EVENTS,
        "raw": raw_figures,
        "notice": notice_figures,
        "p99_ratio": ratio,
        "within_target": ratio <= TARGET,
    }


def main() -> int:
    """Measure, print and record; fail when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=200, help="events a second")
    parser.add_argument("--events", type=int, default=3000)
    results = asyncio.run(measure(parser.parse_args()))
    record("notice_path", results)
    return 0 if results["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
