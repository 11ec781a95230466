"""Consuming: idempotent handlers, retries with back-off, dead letters and their replay."""

import asyncio
import contextlib
import json
import random
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from prometheus_client import REGISTRY
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.authority import AuthorityUpserted
from contracts.payload import EventPayload
from kit.authorities import AuthorityCopy, authority_subscription
from kit.events.broker import Broker, declare_exchange
from kit.events.consumer import (
    ATTEMPT_HEADER,
    PROCESSED,
    REASON_HEADER,
    REMEMBER_PROCESSED_FOR,
    Event,
    EventConsumer,
    Handler,
    Subscription,
    replay_dead_letters,
    retry_queue_name,
)
from kit.events.outbox import Outbox
from kit.events.relay import OutboxRelay
from kit.mongo import Mongo, Session
from portalstack.endpoints import Stack

MakeEvent = Callable[..., AuthorityUpserted]

ROUTING_KEY = AuthorityUpserted.event_type
RETRY_DELAYS = (0.3, 0.6)
EFFECTS = "effects"


@dataclass
class Bench:
    """Starts consumers of this test's own and publishes straight into their queues."""

    mongo: Mongo
    broker: Broker
    service: str
    consumers: list[EventConsumer] = field(default_factory=list)
    queues: set[str] = field(default_factory=set)
    channel: aio_pika.abc.AbstractChannel | None = None

    async def start(
        self,
        subscription: Subscription,
        *,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        prefetch: int = 32,
    ) -> EventConsumer:
        """Start a consumer; its queues are deleted after the test."""
        consumer = EventConsumer(
            self.mongo,
            self.broker,
            subscription,
            service=self.service,
            retry_delays=retry_delays,
            prefetch=prefetch,
        )
        self.queues |= {consumer.queue, consumer.dead_queue}
        self.queues |= {retry_queue_name(consumer.queue, n + 1) for n in range(len(retry_delays))}
        await consumer.start()
        self.consumers.append(consumer)
        return consumer

    async def send(self, body: bytes, *, queue: str) -> None:
        """Put a message straight into one queue (confirmed), as a redelivery would."""
        if self.channel is None:
            self.channel = await self.broker.channel(confirms=True)
        await self.channel.default_exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=queue,
        )

    async def depth(self, queue: str) -> int:
        """Messages ready in a queue, as the broker counts them now."""
        channel = await self.broker.channel(confirms=False)
        try:
            declared = await channel.declare_queue(queue, passive=True)
            return declared.declaration_result.message_count or 0
        finally:
            await channel.close()

    async def take(self, queue: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
        """Remove and return every message waiting in a queue."""
        channel = await self.broker.channel(confirms=False)
        taken = []
        try:
            declared = await channel.declare_queue(queue, passive=True)
            while (message := await declared.get(no_ack=True, fail=False)) is not None:
                taken.append(message)
        finally:
            await channel.close()
        return taken

    async def close(self) -> None:
        """Stop the consumers and delete every queue they declared."""
        for consumer in self.consumers:
            await consumer.stop()
        if self.channel is not None:
            await self.channel.close()
        channel = await self.broker.channel(confirms=False)
        try:
            for queue in sorted(self.queues):
                await channel.queue_delete(queue)
        finally:
            await channel.close()


@pytest.fixture
async def bench(mongo: Mongo, broker: Broker, tag: str) -> AsyncIterator[Bench]:
    """Consumers named after this test, cleaned up afterwards."""
    setup = Bench(mongo, broker, service=tag)
    yield setup
    await setup.close()


@dataclass
class Recorder:
    """A handler that counts its effect with `$inc` in the consumer's transaction."""

    mongo: Mongo
    authority: str
    fail: Callable[[Envelope], bool] = lambda _: False
    calls: list[tuple[str, float]] = field(default_factory=list)
    # Other tests' events handled (each a new one, counted processed by the consumer).
    others: set[str] = field(default_factory=set)
    # Whether each call was given a transaction.
    in_transaction: list[bool] = field(default_factory=list)

    def effect(self, envelope: Envelope) -> dict[str, Any]:
        """The write an event makes: a count of its effects."""
        return {"$inc": {"count": 1}, "$set": {"authority": envelope.authority}}

    async def __call__(self, envelope: Envelope, payload: EventPayload, session: Session) -> None:
        """Record the call, write the effect, then fail if told to (rolling the effect back)."""
        if envelope.authority != self.authority:
            # Other tests' events reach every queue bound to the type: leave them alone.
            self.others.add(str(envelope.id))
            return
        self.calls.append((str(envelope.id), asyncio.get_running_loop().time()))
        self.in_transaction.append(session.in_transaction)
        await self.mongo.db[EFFECTS].update_one(
            {"_id": str(envelope.id)}, self.effect(envelope), upsert=True, session=session
        )
        if self.fail(envelope):
            raise RuntimeError(f"cannot handle {envelope.subject}")

    def times(self, event_id: str) -> list[float]:
        """When the handler was called for one event (a transient conflict may rerun it)."""
        return [moment for called, moment in self.calls if called == event_id]

    def ids(self) -> set[str]:
        """The events the handler was called for."""
        return {called for called, _ in self.calls}


def subscription(handler: Handler, purpose: str = "effects") -> Subscription:
    """A subscription to the authority events, with its own purpose (so its own queue)."""
    return Subscription(purpose=purpose, bindings=[ROUTING_KEY], handler=handler)


def envelope_for(payload: EventPayload, *, authority: str) -> Envelope:
    """A new envelope as a producer's outbox would write it."""
    return Envelope.for_event(payload, authority=authority, subject=getattr(payload, "slug", None))


def body_of(envelope: Envelope) -> bytes:
    """The message body the relay publishes for an envelope."""
    return envelope.model_dump_json().encode()


def consumed(consumer: EventConsumer, outcome: str) -> float:
    """The consumer's `portal_events_consumed_total` for one outcome."""
    labels = {
        "service": consumer.service,
        "consumer": consumer.queue,
        "type": ROUTING_KEY,
        "outcome": outcome,
    }
    return REGISTRY.get_sample_value("portal_events_consumed_total", labels) or 0.0


def counted(name: str, consumer: EventConsumer) -> float:
    """A per-consumer counter such as retried or dead-lettered."""
    labels = {"service": consumer.service, "consumer": consumer.queue}
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def effects(mongo: Mongo, authority: str) -> dict[str, int]:
    """The committed effect count of every event of one authority."""
    found = await mongo.db[EFFECTS].find({"authority": authority}).to_list()
    return {str(doc["_id"]): int(doc["count"]) for doc in found}


async def test_a_message_delivered_twice_takes_effect_once(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    recorder = Recorder(mongo, tag)
    consumer = await bench.start(subscription(recorder))
    envelopes = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(10)]
    channel = await bench.broker.channel(confirms=True)
    exchange = await declare_exchange(channel)
    for envelope in envelopes:
        # Once through the exchange as published, then twice more straight into the queue,
        # back to back so the copies are handled concurrently (prefetch > 1).
        await exchange.publish(aio_pika.Message(body_of(envelope)), routing_key=ROUTING_KEY)
        await bench.send(body_of(envelope), queue=consumer.queue)
        await bench.send(body_of(envelope), queue=consumer.queue)
    await channel.close()

    await eventually(lambda: consumed(consumer, "duplicate") == 20, what="20 repeats seen")

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == 10

    await eventually(all_done, what="10 effects")
    assert await effects(mongo, tag) == {str(e.id): 1 for e in envelopes}
    markers = await mongo.db[PROCESSED].count_documents(
        {"_id": {"$in": [f"{consumer.queue}:{e.id}" for e in envelopes]}}
    )
    assert markers == 10
    assert await bench.depth(consumer.dead_queue) == 0


async def test_a_consumer_forgets_its_own_markers_once_they_are_a_month_old(
    mongo: Mongo, bench: Bench, tag: str
) -> None:
    queue, other = f"{tag}.effects", f"{tag}.others"
    now = datetime.now(UTC)
    ages = {"old": REMEMBER_PROCESSED_FOR + timedelta(minutes=1), "recent": timedelta(days=29)}
    await mongo.db[PROCESSED].insert_many(
        [
            {
                "_id": f"{consumer}:{age}",
                "consumer": consumer,
                "type": ROUTING_KEY,
                "processed_at": now - by,
            }
            for consumer in (queue, other)
            for age, by in ages.items()
        ]
    )

    consumer = await bench.start(subscription(Recorder(mongo, tag)))
    assert consumer.queue == queue

    async def forgotten() -> bool:
        return await mongo.db[PROCESSED].find_one({"_id": f"{queue}:old"}) is None

    await eventually(forgotten, what="the month-old marker forgotten")
    left = await mongo.db[PROCESSED].distinct("_id", {"consumer": {"$in": [queue, other]}})
    assert sorted(left) == sorted([f"{queue}:recent", f"{other}:old", f"{other}:recent"])
    # The store's own expiry would walk every marker once a minute: no index expires them.
    indexes = [ix async for ix in await mongo.db[PROCESSED].list_indexes()]
    assert not [ix["name"] for ix in indexes if "expireAfterSeconds" in ix]


async def test_a_failing_handler_is_retried_with_back_off_then_parked_while_others_flow(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    poison = envelope_for(make_event(f"{tag}-poison"), authority=tag)
    recorder = Recorder(mongo, tag, fail=lambda envelope: envelope.id == poison.id)
    consumer = await bench.start(subscription(recorder))
    after = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(20)]
    await bench.send(body_of(poison), queue=consumer.queue)
    for envelope in after:
        await bench.send(body_of(envelope), queue=consumer.queue)

    await eventually(lambda: consumer.dead_letter_count(), what="the poison message parked")
    assert await consumer.dead_letter_count() == 1
    assert consumed(consumer, "failed") == 1 + len(RETRY_DELAYS)
    attempts = recorder.times(str(poison.id))
    # The broker held it for each delay in turn (less a little for its timer's granularity).
    assert attempts[-1] - attempts[0] >= sum(RETRY_DELAYS) - 0.05, attempts

    # Every message behind it was handled before the poison message's last attempt.
    assert await effects(mongo, tag) == {str(e.id): 1 for e in after}
    last_good = max(moment for event_id, moment in recorder.calls if event_id != str(poison.id))
    assert last_good < attempts[-1]
    # The failed attempts' effects were rolled back with their transactions.
    assert await mongo.db[PROCESSED].find_one({"_id": f"{consumer.queue}:{poison.id}"}) is None

    assert counted("portal_events_retried_total", consumer) == len(RETRY_DELAYS)
    assert counted("portal_events_dead_lettered_total", consumer) == 1
    for attempt in range(1, len(RETRY_DELAYS) + 1):
        assert await bench.depth(retry_queue_name(consumer.queue, attempt)) == 0
    [parked] = await bench.take(consumer.dead_queue)
    assert parked.body == body_of(poison)
    headers = parked.headers or {}
    assert headers[ATTEMPT_HEADER] == len(RETRY_DELAYS)
    assert headers[REASON_HEADER] == f"RuntimeError: cannot handle {tag}-poison"


def _bad_bodies(tag: str, make_event: MakeEvent) -> dict[str, bytes]:
    valid: dict[str, Any] = envelope_for(make_event(tag), authority=tag).model_dump(mode="json")
    return {
        "not json": b"this is not json",
        "not an object": b"[1, 2, 3]",
        "payload breaks the contract": json.dumps(
            {**valid, "id": str(uuid.uuid4()), "data": {**valid["data"], "revision": 0}}
        ).encode(),
        "unknown version": json.dumps({**valid, "id": str(uuid.uuid4()), "version": 99}).encode(),
        "unknown envelope field": json.dumps(
            {**valid, "id": str(uuid.uuid4()), "extra": True}
        ).encode(),
    }


@dataclass
class BatchRecorder(Recorder):
    """A recorder that also takes events in batches, holding the first call until released,
    so that what arrives meanwhile waits and is handled together."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    batches: list[list[str]] = field(default_factory=list)

    async def __call__(self, envelope: Envelope, payload: EventPayload, session: Session) -> None:
        """Wait for the release, then record as the plain recorder does."""
        await self.release.wait()
        await super().__call__(envelope, payload, session)

    async def many(self, events: Sequence[Event], session: Session) -> None:
        """Handle the batch's events in their order, noting the batch."""
        self.batches.append([str(envelope.id) for envelope, _ in events])
        for envelope, payload in events:
            await self(envelope, payload, session)

    def subscription(self) -> Subscription:
        return Subscription(
            purpose="batches", bindings=[ROUTING_KEY], handler=self, batch_handler=self.many
        )


async def test_events_waiting_together_are_handled_in_one_transaction_once_each(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    recorder = BatchRecorder(mongo, tag)
    consumer = await bench.start(recorder.subscription())
    envelopes = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(30)]
    for envelope in envelopes:
        await bench.send(body_of(envelope), queue=consumer.queue)
    # Repeats of the first ten, some of them in the same batch as the event itself.
    for envelope in envelopes[:10]:
        await bench.send(body_of(envelope), queue=consumer.queue)
    recorder.release.set()

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == 30 and consumed(consumer, "duplicate") == 10

    await eventually(all_done, what="30 effects and 10 repeats")
    assert await effects(mongo, tag) == {str(e.id): 1 for e in envelopes}
    assert max(len(batch) for batch in recorder.batches) > 1, recorder.batches
    # No batch failed and went again: each event's handler ran once.
    assert sorted(called for called, _ in recorder.calls) == sorted(str(e.id) for e in envelopes)
    assert all(recorder.in_transaction)

    async def each_counted_once() -> bool:
        # Other tests' events of the type, registering authorities meanwhile, count too.
        return consumed(consumer, "processed") == 30 + len(recorder.others)

    await eventually(each_counted_once, what="30 events counted as processed")
    markers = await mongo.db[PROCESSED].count_documents(
        {"_id": {"$in": [f"{consumer.queue}:{e.id}" for e in envelopes]}}
    )
    assert markers == 30


async def test_a_batch_may_hold_more_events_than_the_prefetch_asked_for(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    # The broker hands a consumer no more than its prefetch unacked: were that the batch's
    # bound, a busy queue could be drained no faster than `prefetch` events a commit.
    recorder = BatchRecorder(mongo, tag)
    consumer = await bench.start(recorder.subscription(), prefetch=4)
    envelopes = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(40)]
    for envelope in envelopes:
        await bench.send(body_of(envelope), queue=consumer.queue)
    # The first event is held meanwhile: the others are delivered, as many as may be.
    await asyncio.sleep(0.5)
    recorder.release.set()

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == 40

    await eventually(all_done, what="40 effects")
    assert max(len(batch) for batch in recorder.batches) > 4, recorder.batches
    assert await effects(mongo, tag) == {str(e.id): 1 for e in envelopes}


async def test_a_batch_with_a_failing_event_is_handled_again_one_at_a_time(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    poison = envelope_for(make_event(f"{tag}-poison"), authority=tag)
    recorder = BatchRecorder(mongo, tag, fail=lambda envelope: envelope.id == poison.id)
    consumer = await bench.start(recorder.subscription())
    others = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(20)]
    for envelope in [others[0], poison, *others[1:]]:
        await bench.send(body_of(envelope), queue=consumer.queue)
    recorder.release.set()

    await eventually(lambda: consumer.dead_letter_count(), what="the poison message parked")

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == 20

    await eventually(all_done, what="the 20 others handled")
    # The batch that held the poison rolled back whole, then each of its events went alone.
    assert any(str(poison.id) in batch and len(batch) > 1 for batch in recorder.batches)
    assert await effects(mongo, tag) == {str(e.id): 1 for e in others}
    assert await consumer.dead_letter_count() == 1


@dataclass
class OwnWrites(BatchRecorder):
    """A batch recorder whose write is idempotent by itself: it sets the effect, which no
    rollback undoes should the handler then fail."""

    def effect(self, envelope: Envelope) -> dict[str, Any]:
        return {"$set": {"count": 1, "authority": envelope.authority}}

    def subscription(self) -> Subscription:
        return Subscription(
            purpose="own-writes",
            bindings=[ROUTING_KEY],
            handler=self,
            batch_handler=self.many,
            idempotent=True,
        )


async def test_a_subscription_idempotent_by_itself_keeps_no_markers_and_no_transaction(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    poison = envelope_for(make_event(f"{tag}-poison"), authority=tag)
    recorder = OwnWrites(mongo, tag, fail=lambda envelope: envelope.id == poison.id)
    consumer = await bench.start(recorder.subscription())
    envelopes = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(20)]
    for envelope in [envelopes[0], poison, *envelopes[1:], *envelopes[:5]]:
        await bench.send(body_of(envelope), queue=consumer.queue)
    recorder.release.set()

    await eventually(lambda: consumer.dead_letter_count(), what="the poison message parked")

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == 21

    await eventually(all_done, what="the 20 others handled, and the poison's write kept")
    # The poison's own write committed before it failed: no transaction rolled it back.
    assert await effects(mongo, tag) == {str(e.id): 1 for e in [*envelopes, poison]}
    assert recorder.in_transaction
    assert not any(recorder.in_transaction)
    assert max(len(batch) for batch in recorder.batches) > 1, recorder.batches
    # Each repeat was handled again, by its own idempotent write, and no marker was kept.
    assert len(recorder.times(str(envelopes[0].id))) >= 2
    assert await mongo.db[PROCESSED].count_documents({"consumer": consumer.queue}) == 0


async def test_a_delivery_whose_channel_is_gone_does_not_stop_the_batches(
    mongo: Mongo, bench: Bench, broker: Broker, tag: str, make_event: MakeEvent
) -> None:
    recorder = BatchRecorder(mongo, tag)
    recorder.release.set()
    consumer = await bench.start(recorder.subscription())
    # A delivery taken on a channel that then closes, as when the broker restarts: its ack
    # can only fail.
    orphan = envelope_for(make_event(f"{tag}-orphan"), authority=tag)
    channel = await broker.channel(confirms=True)
    holding = await channel.declare_queue(exclusive=True)
    await channel.default_exchange.publish(
        aio_pika.Message(body_of(orphan)), routing_key=holding.name
    )
    taken = await holding.get(no_ack=False, timeout=5)
    await channel.close()
    waiting = consumer._waiting
    assert waiting is not None
    waiting.put_nowait((taken, orphan, AuthorityUpserted.model_validate(orphan.data)))

    after = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(5)]
    for envelope in after:
        await bench.send(body_of(envelope), queue=consumer.queue)

    async def all_done() -> bool:
        return {str(e.id) for e in after} <= set(await effects(mongo, tag))

    await eventually(all_done, what="the events after the orphan handled")


async def test_a_message_that_breaks_its_contract_is_parked_at_once(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    recorder = Recorder(mongo, tag)
    consumer = await bench.start(subscription(recorder))
    bad = _bad_bodies(tag, make_event)
    for body in bad.values():
        await bench.send(body, queue=consumer.queue)
    good = envelope_for(make_event(f"{tag}-good"), authority=tag)
    await bench.send(body_of(good), queue=consumer.queue)

    async def parked_all() -> bool:
        return await bench.depth(consumer.dead_queue) == len(bad)

    await eventually(parked_all, what="every bad message parked")
    await eventually(lambda: str(good.id) in recorder.ids(), what="the good one handled")
    # Straight to the dead letters: no retries, and the handler never saw them.
    assert counted("portal_events_retried_total", consumer) == 0
    assert recorder.ids() == {str(good.id)}
    parked = await bench.take(consumer.dead_queue)
    assert sorted(message.body for message in parked) == sorted(bad.values())
    for message in parked:
        headers = message.headers or {}
        assert headers[ATTEMPT_HEADER] == 0
        assert str(headers[REASON_HEADER]).startswith("contract: ")


async def test_messages_waiting_before_the_consumer_starts_are_handled_or_parked(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    recorder = Recorder(mongo, tag)
    first = await bench.start(subscription(recorder))
    await first.stop()
    # While nobody consumes, a backlog builds up, bad messages included (as after a restart).
    good = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(40)]
    bad = _bad_bodies(tag, make_event)
    for body in [*bad.values(), *(body_of(e) for e in good)]:
        await bench.send(body, queue=first.queue)

    second = await bench.start(subscription(recorder))

    async def all_done() -> bool:
        return len(await effects(mongo, tag)) == len(good) and (
            await bench.depth(second.dead_queue) == len(bad)
        )

    await eventually(all_done, what="backlog handled")
    assert set((await effects(mongo, tag)).values()) == {1}


async def test_parked_messages_are_replayed_and_handled_once_the_handler_is_fixed(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    broken = True
    recorder = Recorder(mongo, tag, fail=lambda _: broken)
    consumer = await bench.start(subscription(recorder), retry_delays=(0.1,))
    envelopes = [envelope_for(make_event(f"{tag}-{n}"), authority=tag) for n in range(3)]
    for envelope in envelopes:
        await bench.send(body_of(envelope), queue=consumer.queue)

    async def parked() -> bool:
        return await consumer.dead_letter_count() == 3

    await eventually(parked, what="3 parked")
    assert await effects(mongo, tag) == {}

    broken = False
    assert await replay_dead_letters(bench.broker, queue=consumer.queue) == 3

    async def handled() -> bool:
        return len(await effects(mongo, tag)) == 3

    await eventually(handled, what="replayed messages handled")
    assert await effects(mongo, tag) == {str(e.id): 1 for e in envelopes}
    assert await consumer.dead_letter_count() == 0
    assert await replay_dead_letters(bench.broker, queue=consumer.queue) == 0


async def test_the_replay_command_moves_parked_messages_back(
    mongo: Mongo,
    bench: Bench,
    stack: Stack,
    tag: str,
    make_event: MakeEvent,
) -> None:
    broken = True
    recorder = Recorder(mongo, tag, fail=lambda _: broken)
    consumer = await bench.start(subscription(recorder), retry_delays=())
    envelope = envelope_for(make_event(tag), authority=tag)
    await bench.send(body_of(envelope), queue=consumer.queue)

    async def parked() -> bool:
        return await consumer.dead_letter_count() == 1

    await eventually(parked, what="parked")
    broken = False
    command = [sys.executable, "-m", "kit.events.replay", consumer.queue]
    process = await asyncio.create_subprocess_exec(
        *command, "--amqp-url", stack.amqp_url, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert output.decode().strip() == f"replayed 1 message(s) to {consumer.queue}"

    async def handled() -> bool:
        return await effects(mongo, tag) == {str(envelope.id): 1}

    await eventually(handled, what="replayed message handled")


async def test_the_authority_copy_keeps_the_highest_revision_whatever_the_order(
    mongo: Mongo,
    bench: Bench,
    broker: Broker,
    tag: str,
    make_event: MakeEvent,
) -> None:
    consumer = await bench.start(authority_subscription(mongo))
    copy = AuthorityCopy(mongo)
    outbox = Outbox(mongo)
    relay = OutboxRelay(mongo, broker, outbox, service=tag, poll_seconds=0.05)
    relay_task = asyncio.create_task(relay.run())
    try:
        # End to end: outbox, relay, exchange, binding, consumer; one revision at a time.
        for revision, expected in [(3, 3), (1, 3), (5, 5), (2, 5), (4, 5)]:
            payload = make_event(tag, revision=revision, name=f"Revision {revision}")

            async def publish(session: Session, payload: AuthorityUpserted = payload) -> str:
                envelope = await outbox.add(session, payload, authority=tag)
                return str(envelope.id)

            event_id = await mongo.transaction(publish)
            marker = f"{consumer.queue}:{event_id}"

            async def handled(marker: str = marker) -> bool:
                return await mongo.db[PROCESSED].find_one({"_id": marker}) is not None

            await eventually(handled, what=f"revision {revision} handled")
            record = await copy.get(tag)
            assert record is not None
            assert (record.revision, record.name) == (expected, f"Revision {expected}")
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task


async def test_the_authority_copy_keeps_the_highest_revision_when_they_race(
    mongo: Mongo, bench: Bench, tag: str, make_event: MakeEvent
) -> None:
    consumer = await bench.start(authority_subscription(mongo))
    revisions = list(range(1, 31))
    random.shuffle(revisions)
    envelopes = [
        envelope_for(make_event(tag, revision=r, name=f"Revision {r}"), authority=tag)
        for r in revisions
    ]
    # All at once: the consumer handles up to its prefetch concurrently, so updates race.
    for envelope in envelopes:
        await bench.send(body_of(envelope), queue=consumer.queue)
    markers = [f"{consumer.queue}:{e.id}" for e in envelopes]

    async def all_handled() -> bool:
        return await mongo.db[PROCESSED].count_documents({"_id": {"$in": markers}}) == 30

    await eventually(all_handled, within=20.0, what="30 revisions handled")
    record = await AuthorityCopy(mongo).get(tag)
    assert record is not None
    assert (record.revision, record.name) == (30, "Revision 30")
    assert await bench.depth(consumer.dead_queue) == 0
