"""The event path: from a case event leaving the cases service to the person's notification
being readable, at 200 events a second, against the raw broker in the same run.

Each event is a `cases.message.sent` to a person of its own in the benchmark's authority,
published as the cases service's outbox relay publishes it once the change has committed (the
relay is woken in the same process at that commit, so the path measured here starts where
the broker's part of it starts). Two consumers hear every event:

- the notifications service: publish -> consume -> the notice written. When it was written
  comes from the service's own log: the line "notice recorded", which it writes once the
  store has acknowledged the notice, so the notice is readable by then. Watching the store
  instead (a change stream of the notices) cost the store a getMore for most events, a third
  of its operations in the run, and so slowed the very path it timed;
- the raw figure: a bare consumer of a queue of the benchmark's own of the kind every
  service consumes from (durable, quorum, persistent messages, acked one by one), so that
  what the ratio measures is what the service adds to the broker's own path.

The benchmark's own work in the measured window is only publishing: every message is made and
checked against its contract before the clock starts, and the broker serves nobody else.
A thousand events go first, untimed, until every one was heard of: the first events after the
services start open connections and fill caches, and the target is the steady stream's.

Target: the notice's p99 at most 3 times the raw p99. Results, with the store operations the
run cost per event, are printed and written to bench/results/ as JSON.
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aio_pika
import httpx
from aio_pika.abc import AbstractIncomingMessage
from bench.cases_load import AUTHORITY, ensure_authority, tokens
from bench.results import record
from bench.sampling import summary
from pymongo import AsyncMongoClient

from contracts.envelope import Envelope
from contracts.events.casework_tasks import MessageSent
from contracts.registry import validate_envelope
from kit.events.broker import declare_exchange
from kit.events.consumer import BATCH_PREFETCH
from notifications.config import Settings as NotificationsSettings
from notifications.inbox.models import NOTIFICATIONS
from portalstack.endpoints import current_stack
from portalstack.settings import StackSettings

TARGET = 3.0
# How often the service's log is read for the notices recorded.
LOG_POLL_SECONDS = 0.1
# How many events' notices one delete removes once the run is over.
REMOVE_EVENTS = 200


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


def message_of(envelope: Envelope) -> aio_pika.Message:
    """The event as the outbox relay publishes it, once checked against its contract."""
    body = envelope.model_dump(mode="json")
    validate_envelope(body)
    return aio_pika.Message(
        json.dumps(body).encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(envelope.id),
        type=envelope.type,
    )


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
    """When each published event was consumed raw, and when its notice became readable: wall
    clock seconds, shared by every process on the machine."""

    def __init__(self) -> None:
        self.published: dict[str, float] = {}
        self.consumed: dict[str, float] = {}
        self.readable: dict[str, float] = {}
        # Set while every event published so far was both consumed raw and made a notice.
        self.heard_all = asyncio.Event()

    def sent(self, event_id: str) -> None:
        """An event leaves now."""
        self.published[event_id] = time.time()
        self.heard_all.clear()

    def heard(self, times: dict[str, float], event_id: str, at: float) -> None:
        """An event was consumed, or its notice recorded, at `at`."""
        if event_id in self.published:
            times.setdefault(event_id, at)
        if len(self.readable) == len(self.consumed) == len(self.published):
            self.heard_all.set()

    def all_readable(self) -> bool:
        """Whether every event published so far has its notice."""
        return len(self.readable) == len(self.published)


def recorded(line: bytes) -> tuple[str, float] | None:
    """The event and the time of a log line telling of a notice recorded; None for others."""
    if b'"notice recorded"' not in line:
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if entry.get("message") != "notice recorded" or "event_id" not in entry:
        return None
    return str(entry["event_id"]), datetime.fromisoformat(entry["time"]).timestamp()


async def watch_log(log: Path, start: int, watch: Watch, *, done: asyncio.Event) -> None:
    """Note when each event's notice was recorded, from the service's log lines written
    after `start`, until every event published has its notice."""
    with log.open("rb") as lines:
        lines.seek(start)
        partial = b""
        while not (done.is_set() and watch.all_readable()):
            chunk = lines.read()
            if not chunk:
                await asyncio.sleep(LOG_POLL_SECONDS)
                continue
            *complete, partial = (partial + chunk).split(b"\n")
            for line in complete:
                found = recorded(line)
                if found is not None:
                    watch.heard(watch.readable, *found)


def consumer_noting(watch: Watch) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
    """A bare consumer noting when each message arrived, acking it as a service does."""

    async def consume(message: AbstractIncomingMessage) -> None:
        watch.heard(watch.consumed, str(message.message_id), time.time())
        await message.ack()

    return consume


async def remove_notices(store: AsyncMongoClient[dict[str, Any]], event_ids: list[str]) -> None:
    """Remove the run's notices, a few hundred events at a time: the store checks each
    candidate against the whole `$in` list, so one delete of them all cost it seconds."""
    notices = store[NotificationsSettings().mongo_db][NOTIFICATIONS]
    for start in range(0, len(event_ids), REMOVE_EVENTS):
        chunk = event_ids[start : start + REMOVE_EVENTS]
        await notices.delete_many({"authority": AUTHORITY, "event_id": {"$in": chunk}})


async def publish_paced(
    exchange: aio_pika.abc.AbstractExchange,
    messages: list[aio_pika.Message],
    *,
    rate: int,
    watch: Watch,
) -> None:
    """Publish the messages at the rate, noting when each left."""
    interval = 1 / rate
    began = time.perf_counter()
    for number, message in enumerate(messages):
        # Paced against the start, so a late send does not slow every later one.
        await asyncio.sleep(max(0.0, began + number * interval - time.perf_counter()))
        watch.sent(str(message.message_id))
        await exchange.publish(message, routing_key=MessageSent.event_type)


async def store_operations(store: AsyncMongoClient[dict[str, Any]]) -> int:
    """How many operations the store has served since it started."""
    status = await store.admin.command("serverStatus")
    return sum(int(count) for count in status["opcounters"].values())


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Publish at the rate asked, time both consumers, print, and return the results."""
    stack = current_stack()
    store: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
    run = uuid.uuid4().hex[:8]
    watch = Watch()
    connection = await aio_pika.connect(stack.amqp_url)
    raw: aio_pika.abc.AbstractQueue | None = None
    try:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60.0) as http:
            await ensure_authority(http)
            await notifications_serve(http)
        channel = await connection.channel(publisher_confirms=False)
        exchange = await declare_exchange(channel)
        # As a service's consumer: its own channel, the consumers' prefetch, a quorum queue.
        raw_channel = await connection.channel(publisher_confirms=False)
        await raw_channel.set_qos(prefetch_count=BATCH_PREFETCH)
        raw = await raw_channel.declare_queue(
            f"bench.notice-path.{run}", durable=True, arguments={"x-queue-type": "quorum"}
        )
        await raw.bind(exchange, routing_key=MessageSent.event_type)
        await raw.consume(consumer_noting(watch))
        log = StackSettings.from_env().log_path("notifications")
        done = asyncio.Event()
        watcher = asyncio.create_task(watch_log(log, log.stat().st_size, watch, done=done))
        # Made and checked against their contract before the clock starts: the run's own
        # work in the measured window is only the publishing.
        warming = [message_of(event_for(n, f"{run}-w")) for n in range(arguments.warm_up)]
        messages = [message_of(event_for(number, run)) for number in range(arguments.events)]
        # The services' first events after a start open connections and fill caches: a
        # steady stream's figures come after the first few seconds of one.
        await publish_paced(exchange, warming, rate=arguments.rate, watch=watch)
        async with asyncio.timeout(arguments.warm_up / 10 + 60):
            await watch.heard_all.wait()
        measured = len(watch.published)
        operations_before = await store_operations(store)
        began = time.perf_counter()
        await publish_paced(exchange, messages, rate=arguments.rate, watch=watch)
        sent_in = time.perf_counter() - began
        done.set()
        async with asyncio.timeout(arguments.events / 10 + 60):
            await watcher
        operations = await store_operations(store) - operations_before
    finally:
        if raw is not None:
            await raw.delete(if_unused=False, if_empty=False)
        await connection.close()
        await remove_notices(store, list(watch.published))
        await store.close()
    timed = list(watch.published.items())[measured:]
    raw_ms = [(watch.consumed[e] - at) * 1000 for e, at in timed]
    notice_ms = [(watch.readable[e] - at) * 1000 for e, at in timed]
    raw_figures, notice_figures = summary(raw_ms), summary(notice_ms)
    ratio = round(notice_figures["p99_ms"] / raw_figures["p99_ms"], 2)
    print(f"published {arguments.events} events in {sent_in:.1f} s ({arguments.rate}/s asked)")
    print(f"raw broker publish -> consume, quorum queue: {raw_figures}")
    print(f"publish -> notice readable: {notice_figures}")
    print(f"p99 ratio {ratio} (target <= {TARGET})")
    per_event = round(operations / arguments.events, 2)
    print(f"store operations per event, the whole stack's included: {per_event}")
    return {
        "authority": AUTHORITY,
        "events": arguments.events,
        "warm_up_events": arguments.warm_up,
        "rate_asked": arguments.rate,
        "rate_sent": round(arguments.events / sent_in, 1),
        "store_operations_per_event": per_event,
        "raw": raw_figures,
        "notice": notice_figures,
        "p99_ratio": ratio,
        "within_target": ratio <= TARGET,
    }


def main() -> int:
    """Measure, print and record; fail when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=200, help="events a second")
    parser.add_argument("--events", type=int, default=3000, help="events timed")
    parser.add_argument(
        "--warm-up", type=int, default=1000, help="events published first, not timed"
    )
    results = asyncio.run(measure(parser.parse_args()))
    record("notice_path", results)
    return 0 if results["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
