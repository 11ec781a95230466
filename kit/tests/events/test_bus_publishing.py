"""Publishing: the transactional outbox and its relay, against real MongoDB and RabbitMQ."""

import asyncio
import contextlib
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage
from pydantic import ValidationError
from tests.support.polling import eventually

from contracts.events.authority import AuthorityUpserted
from contracts.registry import ContractError
from kit.events.broker import Broker, declare_exchange
from kit.events.outbox import OUTBOX, SENT_KEPT_FOR, Outbox, OutboxOutsideTransaction
from kit.events.relay import OutboxRelay
from kit.lease import Lease
from kit.mongo import Mongo, Session

MakeEvent = Callable[..., AuthorityUpserted]

ROUTING_KEY = AuthorityUpserted.event_type


class Tap:
    """A throwaway queue bound to the exchange that records every message routed to it."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.messages: list[AbstractIncomingMessage] = []
        self.queue_name = ""
        self._channel: aio_pika.abc.AbstractChannel | None = None

    async def open(self, routing_key: str = ROUTING_KEY) -> None:
        """Declare the queue, bind it and start recording."""
        self._channel = await self.broker.channel(confirms=True)
        exchange = await declare_exchange(self._channel)
        queue = await self._channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key=routing_key)
        self.queue_name = queue.name
        await queue.consume(self._record, no_ack=True)

    async def _record(self, message: AbstractIncomingMessage) -> None:
        self.messages.append(message)

    def bodies(self, authority: str) -> list[dict[str, Any]]:
        """Decoded messages of one authority, in arrival order (others' traffic is ignored)."""
        found = []
        for message in self.messages:
            with contextlib.suppress(ValueError):
                body = json.loads(message.body)
                if isinstance(body, dict) and body.get("authority") == authority:
                    found.append(body)
        return found

    def ids(self, authority: str) -> list[str]:
        """Envelope ids of one authority's messages, repeats included."""
        return [str(body["id"]) for body in self.bodies(authority)]

    async def barrier(self) -> None:
        """Return once everything enqueued before now has been recorded (the queue is FIFO)."""
        assert self._channel is not None
        marker = uuid.uuid4().hex
        await self._channel.default_exchange.publish(
            aio_pika.Message(b"{}", message_id=marker), routing_key=self.queue_name
        )
        await eventually(
            lambda: any(message.message_id == marker for message in self.messages),
            what="tap barrier",
        )

    async def close(self) -> None:
        """Delete the queue."""
        if self._channel is not None:
            await self._channel.queue_delete(self.queue_name)
            await self._channel.close()


@pytest.fixture
async def tap(broker: Broker) -> AsyncIterator[Tap]:
    """Records the `gateway.authority.upserted` messages the exchange routes."""
    recorder = Tap(broker)
    await recorder.open()
    yield recorder
    await recorder.close()


@contextlib.asynccontextmanager
async def running(*relays: OutboxRelay) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Run relays in the background; cancel them on the way out (which releases their lease)."""
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def commit_events(
    mongo: Mongo, outbox: Outbox, payloads: Sequence[AuthorityUpserted], *, authority: str
) -> list[str]:
    """Write a state change and its events in one transaction; return the event ids."""

    async def work(session: Session) -> list[str]:
        await mongo.db["changes"].insert_one(
            {"_id": uuid.uuid4().hex, "slugs": [p.slug for p in payloads]}, session=session
        )
        ids = []
        for payload in payloads:
            envelope = await outbox.add(session, payload, authority=authority, subject=payload.slug)
            ids.append(str(envelope.id))
        return ids

    return await mongo.transaction(work)


async def pending(mongo: Mongo) -> int:
    """Outbox records not yet marked sent."""
    return await mongo.db[OUTBOX].count_documents({"sent_at": None})


async def _none_pending(mongo: Mongo) -> bool:
    return await pending(mongo) == 0


async def test_committed_events_are_published_once_confirmed_and_marked_sent(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    payloads = [make_event(f"{tag}-{n}") for n in range(3)]
    ids = await commit_events(mongo, outbox, payloads, authority=tag)
    assert await pending(mongo) == 3

    relay = OutboxRelay(mongo, broker, outbox, service=tag, poll_seconds=0.1)
    async with running(relay):
        await eventually(lambda: sorted(tap.ids(tag)) == sorted(ids), what="events on the queue")
        await eventually(lambda: _none_pending(mongo), what="all marked sent")

    records = await mongo.db[OUTBOX].find({}).to_list()
    assert sorted(record["_id"] for record in records) == sorted(ids)
    assert all(isinstance(record["sent_at"], datetime) for record in records)
    by_id = {str(body["id"]): body for body in tap.bodies(tag)}
    for record in records:
        # What arrives is exactly the envelope the transaction wrote.
        assert by_id[record["_id"]] == record["message"]
    messages = [m for m in tap.messages if m.message_id in ids]
    assert all(m.type == ROUTING_KEY and m.routing_key == ROUTING_KEY for m in messages)
    assert all(m.delivery_mode == aio_pika.DeliveryMode.PERSISTENT for m in messages)
    assert all(m.content_type == "application/json" for m in messages)
    # A cancelled relay gives its lease up so another worker can take over at once.
    assert await mongo.db[Lease.collection_name].count_documents({}) == 0


async def test_a_record_the_broker_does_not_confirm_stays_pending(
    mongo: Mongo, broker: Broker, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    [good_id] = await commit_events(mongo, outbox, [make_event(f"{tag}-ok")], authority=tag)
    # A queue that refuses every message makes the broker answer the publish with a nack.
    refused_key = f"kittest.refused.{uuid.uuid4().hex}"
    channel = await broker.channel()
    refusing = await channel.declare_queue(
        f"{tag}.refusing", arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
    )
    await refusing.bind(await declare_exchange(channel), routing_key=refused_key)
    refused_id = str(uuid.uuid4())
    await mongo.db[OUTBOX].insert_one(
        {
            "_id": refused_id,
            "type": refused_key,
            "authority": tag,
            "message": {"id": refused_id, "type": refused_key, "authority": tag},
            "created_at": datetime.now(UTC),
            "sent_at": None,
        }
    )
    relay = OutboxRelay(mongo, broker, outbox, service=tag)
    try:
        with pytest.raises(RuntimeError, match="1 of 2 events not confirmed"):
            await relay.publish_pending()
        sent = {r["_id"]: r["sent_at"] for r in await mongo.db[OUTBOX].find({}).to_list()}
        assert sent[refused_id] is None
        assert isinstance(sent[good_id], datetime)

        await refusing.delete(if_unused=False, if_empty=False)
        # Once the broker accepts it, the next pass publishes only what is still pending.
        assert await relay.publish_pending() == 1
        assert await pending(mongo) == 0
    finally:
        await channel.queue_delete(f"{tag}.refusing")
        await channel.close()
        await relay.lease.release()


async def test_a_rolled_back_transaction_publishes_nothing(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    relay = OutboxRelay(mongo, broker, outbox, service=tag, poll_seconds=0.1)
    added: list[str] = []

    async def change_then_fail(session: Session) -> None:
        await mongo.db["changes"].insert_one({"_id": "doomed"}, session=session)
        for n in range(3):
            envelope = await outbox.add(session, make_event(f"{tag}-{n}"), authority=tag)
            added.append(str(envelope.id))
        raise RuntimeError("the change failed after its events were added")

    async with running(relay):
        with pytest.raises(RuntimeError, match="the change failed"):
            await mongo.transaction(change_then_fail)
        assert len(added) == 3
        assert await mongo.db[OUTBOX].count_documents({}) == 0
        assert await mongo.db["changes"].count_documents({}) == 0

        # A committed event after the rolled-back ones shows the relay and the queue work.
        [sentinel] = await commit_events(mongo, outbox, [make_event(f"{tag}-s")], authority=tag)
        await eventually(lambda: sentinel in tap.ids(tag), what="the committed event")
        await tap.barrier()
    assert tap.ids(tag) == [sentinel]
    assert await mongo.db[OUTBOX].count_documents({}) == 1


async def test_adding_outside_a_transaction_is_refused(
    mongo: Mongo, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    async with mongo.client.start_session() as session:
        with pytest.raises(OutboxOutsideTransaction):
            await outbox.add(session, make_event(tag), authority=tag)

        async def noop(_: Session) -> None:
            return None

        # Nor after its transaction has ended.
        await session.with_transaction(noop)
        assert not session.in_transaction
        with pytest.raises(OutboxOutsideTransaction):
            await outbox.add(session, make_event(tag), authority=tag)
    assert await mongo.db[OUTBOX].count_documents({}) == 0


@pytest.mark.parametrize(
    "breach",
    [
        {"revision": 0},
        {"slug": "Not A Slug"},
        {"kind": "parish"},
        {"name": ""},
        {"modules": ["homelessness", "homelessness"]},
    ],
)
async def test_an_event_that_breaks_its_contract_is_refused_at_add(
    mongo: Mongo, tag: str, make_event: MakeEvent, breach: dict[str, Any]
) -> None:
    outbox = Outbox(mongo)
    # model_copy skips validation, as a payload built by mistake or mutated would.
    payload = make_event(tag).model_copy(update=breach)

    async def add(session: Session) -> None:
        await mongo.db["changes"].insert_one({"_id": "change"}, session=session)
        await outbox.add(session, payload, authority=tag)

    with pytest.raises(ContractError, match=r"invalid data for gateway\.authority\.upserted"):
        await mongo.transaction(add)
    assert await mongo.db[OUTBOX].count_documents({}) == 0
    assert await mongo.db["changes"].count_documents({}) == 0


async def test_an_envelope_with_an_invalid_authority_is_refused_at_add(
    mongo: Mongo, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)

    async def add(session: Session) -> None:
        await outbox.add(session, make_event(tag), authority="Not An Authority")

    with pytest.raises(ValidationError, match="authority"):
        await mongo.transaction(add)
    assert await mongo.db[OUTBOX].count_documents({}) == 0


async def test_two_relays_on_one_database_never_publish_the_same_batch(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    first = OutboxRelay(mongo, broker, outbox, service=tag, poll_seconds=0.05)
    second = OutboxRelay(mongo, broker, Outbox(mongo), service=tag, poll_seconds=0.05)
    assert first.lease.holder != second.lease.holder
    ids: list[str] = []
    for batch in range(3):
        payloads = [make_event(f"{tag}-a{batch}-{n}") for n in range(10)]
        ids += await commit_events(mongo, outbox, payloads, authority=tag)

    # Both reach for the same pending batch at the same moment: only the lease holder sends.
    counts = await asyncio.gather(first.publish_pending(), second.publish_pending())
    assert sorted(counts) == [0, 30]
    holder = first if counts[0] == 30 else second
    other = second if holder is first else first
    await eventually(lambda: len(tap.ids(tag)) >= 30, what="the first batch")

    # Both running while transactions keep committing: still every event exactly once.
    async with running(first, second) as tasks:
        for batch in range(6):
            payloads = [make_event(f"{tag}-b{batch}-{n}") for n in range(5)]
            ids += await commit_events(mongo, outbox, payloads, authority=tag)
        await eventually(lambda: set(tap.ids(tag)) == set(ids), what="all 60 events")
        lease = await mongo.db[Lease.collection_name].find_one({})
        assert lease is not None
        assert lease["holder"] == holder.lease.holder

        # The holder stops (and releases): the other relay takes over without waiting it out.
        holder_task = tasks[0] if holder is first else tasks[1]
        holder_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holder_task
        later = await commit_events(mongo, outbox, [make_event(f"{tag}-c")], authority=tag)
        ids += later
        await eventually(lambda: later[0] in tap.ids(tag), within=5.0, what="takeover")
        # The broker confirms before the relay marks the record sent: wait for that too.
        await eventually(lambda: _none_pending(mongo), what="all marked sent")

        # The new event may go out by its writer's own relay, which needs no lease; the
        # other relay's next sweep takes the released lease all the same.
        async def taken_by_the_other() -> bool:
            taken = await mongo.db[Lease.collection_name].find_one({})
            return taken is not None and taken["holder"] == other.lease.holder

        await eventually(taken_by_the_other, what="the other relay holding the lease")
    await tap.barrier()

    repeats = {i: n for i, n in Counter(tap.ids(tag)).items() if n > 1}
    assert repeats == {}
    assert sorted(tap.ids(tag)) == sorted(ids)
    assert await pending(mongo) == 0


async def test_one_relay_takes_over_once_a_crashed_holders_lease_lapses(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    relays = [OutboxRelay(mongo, broker, outbox, service=tag) for _ in range(3)]
    # A relay that took the lease and died: it neither renews nor releases it.
    crashed = Lease(mongo, relays[0].lease.name, seconds=60.0)
    assert await crashed.hold()
    ids = await commit_events(
        mongo, outbox, [make_event(f"{tag}-{n}") for n in range(10)], authority=tag
    )
    assert await asyncio.gather(*(relay.publish_pending() for relay in relays)) == [0, 0, 0]

    # Its minute passes (the record's expiry is moved back, as waiting would): one takes over.
    lapsed = await mongo.db[Lease.collection_name].update_one(
        {"_id": crashed.name, "holder": crashed.holder},
        {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    assert lapsed.modified_count == 1
    published: list[int] = []

    async def taken_over() -> bool:
        published.extend(await asyncio.gather(*(relay.publish_pending() for relay in relays)))
        return sum(published) >= 10

    # Each relay looks at the lease again within a tenth of its own lease's length.
    await eventually(taken_over, what="a relay taking over")
    assert [count for count in published if count] == [10]
    await eventually(lambda: len(tap.ids(tag)) >= 10, what="the events")
    await tap.barrier()
    assert sorted(tap.ids(tag)) == sorted(ids)
    for relay in relays:
        await relay.lease.release()


async def test_the_relay_catches_up_with_what_was_written_before_it_started(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    ids: list[str] = []
    for batch in range(4):
        ids += await commit_events(
            mongo, outbox, [make_event(f"{tag}-{batch}-{n}") for n in range(25)], authority=tag
        )
    # A small batch size makes the relay loop several times. Its next poll is far beyond the
    # test: the whole backlog goes out only if it keeps going while batches come back full.
    relay = OutboxRelay(mongo, broker, outbox, service=tag, batch_size=16, poll_seconds=600.0)
    async with running(relay):
        await eventually(lambda: sorted(tap.ids(tag)) == sorted(ids), what="backlog")
        await eventually(lambda: _none_pending(mongo), what="all marked sent")
    await tap.barrier()
    assert len(tap.ids(tag)) == 100


async def test_an_event_is_published_when_it_commits_without_the_sweep(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    relay = OutboxRelay(mongo, broker, outbox, service=tag, poll_seconds=600.0)
    # Another worker holds the sweep: this relay can only publish what its process wrote.
    sweeper = Lease(mongo, relay.lease.name, seconds=600.0)
    assert await sweeper.hold()
    try:
        async with running(relay):
            ids = await commit_events(mongo, outbox, [make_event(f"{tag}-now")], authority=tag)

            await eventually(lambda: tap.ids(tag) == ids, within=5.0, what="the event")
            await eventually(lambda: _none_pending(mongo), what="marked sent")
    finally:
        await sweeper.release()
    await tap.barrier()
    assert tap.ids(tag) == ids


async def test_a_relay_publishes_another_process_events_only_at_its_sweep(
    mongo: Mongo, broker: Broker, tap: Tap, tag: str, make_event: MakeEvent
) -> None:
    elsewhere = Outbox(mongo)
    ids = await commit_events(mongo, elsewhere, [make_event(f"{tag}-there")], authority=tag)
    relay = OutboxRelay(mongo, broker, Outbox(mongo), service=tag, poll_seconds=600.0)

    assert await relay.publish_own() is False
    assert await pending(mongo) == 1
    assert await relay.publish_pending() == 1
    await eventually(lambda: tap.ids(tag) == ids, what="the swept event")
    await relay.lease.release()


async def test_the_wake_up_comes_after_the_commit_and_never_after_a_rollback(
    mongo: Mongo, tag: str, make_event: MakeEvent
) -> None:
    outbox = Outbox(mongo)
    seen_inside: list[bool] = []

    async def add(session: Session) -> None:
        await outbox.add(session, make_event(f"{tag}-a"), authority=tag)
        seen_inside.append(outbox.pending.is_set())

    await mongo.transaction(add)
    assert (seen_inside, outbox.pending.is_set()) == ([False], True)

    outbox.pending.clear()

    async def add_then_fail(session: Session) -> None:
        await add(session)
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await mongo.transaction(add_then_fail)
    assert outbox.pending.is_set() is False


async def test_the_sweep_forgets_what_was_published_a_week_ago_and_keeps_the_rest(
    mongo: Mongo, broker: Broker, tag: str
) -> None:
    now = datetime.now(UTC)
    records: dict[str, dict[str, Any]] = {
        f"{tag}-old": {"sent_at": now - SENT_KEPT_FOR - timedelta(minutes=1)},
        f"{tag}-recent": {"sent_at": now - SENT_KEPT_FOR + timedelta(hours=1)},
        # Never published, however old: held meanwhile by another relay's claim.
        f"{tag}-pending": {"sent_at": None, "claimed_until": now + timedelta(days=1)},
    }
    await mongo.db[OUTBOX].insert_many(
        [
            {"_id": key, "type": ROUTING_KEY, "created_at": now - timedelta(days=30), **fields}
            for key, fields in records.items()
        ]
    )
    relay = OutboxRelay(mongo, broker, Outbox(mongo), service=tag)
    assert await relay.publish_pending() == 0
    left = await mongo.db[OUTBOX].distinct("_id", {"_id": {"$in": list(records)}})
    assert sorted(left) == sorted([f"{tag}-recent", f"{tag}-pending"])
    # The store's own expiry would walk the whole outbox once a minute: no index expires it.
    indexes = [index async for index in await mongo.db[OUTBOX].list_indexes()]
    assert not [index["name"] for index in indexes if "expireAfterSeconds" in index]
