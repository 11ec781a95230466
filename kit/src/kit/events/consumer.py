"""Consumers: manual ack after commit, idempotent on the envelope id (or by their own
writes), retries, dead letters."""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from pymongo.errors import DuplicateKeyError

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit import logs
from kit.events.broker import Broker, declare_exchange
from kit.loops import keep_working
from kit.metrics import (
    DEAD_LETTER_DEPTH,
    EVENT_BATCHES,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_RETRIED,
)
from kit.mongo import Index, Mongo, Session

log = logs.get_logger("kit.events.consumer")

PROCESSED = "processed_events"
# How long a handled event's id is remembered; a broker redelivers far sooner than this.
REMEMBER_PROCESSED_FOR = timedelta(days=30)
# How often a consumer forgets the markers older than that.
FORGET_PROCESSED_EVERY = timedelta(minutes=10)
PROCESSED_INDEXES = [
    # A consumer's markers, oldest first: what it forgets, a range at a time.
    Index(PROCESSED, [("consumer", 1), ("processed_at", 1)], name="by_consumer"),
    # Retired: the store's expiry sweep walks every document of a collection with an expiring
    # index, once a minute, holding up every other operation meanwhile. With the markers of a
    # month that walk took seconds; the consumers forget their own markers by `by_consumer`.
    Index(
        PROCESSED,
        [("processed_at", 1)],
        name="processed_expiry",
        options={"expireAfterSeconds": int(REMEMBER_PROCESSED_FOR.total_seconds())},
        retired=True,
    ),
]

ATTEMPT_HEADER = "x-portal-attempt"
REASON_HEADER = "x-portal-failure"

# Most events a batch handler is given at once.
BATCH_LIMIT = 128
# Fewest unacked deliveries a batching consumer holds: a batch can be no larger than what the
# broker has handed over, and the next batch gathers while one commits. At 32, a consumer
# whose batches took more than 0.16 s could not keep up with 200 events a second.
BATCH_PREFETCH = 2 * BATCH_LIMIT

Handler = Callable[[Envelope, EventPayload, Session], Awaitable[None]]
Event = tuple[Envelope, EventPayload]
BatchHandler = Callable[[Sequence[Event], Session], Awaitable[None]]
Delivery = tuple[AbstractIncomingMessage, Envelope, EventPayload]


@dataclass(frozen=True)
class Subscription:
    """What one consumer wants: a purpose, the event types it binds to, and its handler.

    A subscription whose events come faster than one transaction each can keep up with may
    also give a batch handler: the same effect for several events, in the order they
    arrived, in one transaction. The events that arrive while one batch commits are the next
    batch, so a quiet queue is handled an event at a time and a busy one in batches. Should a
    batch fail, its events are handled again one at a time by `handler`, each with its own
    retries, so one bad event holds none of the others back.

    A subscription whose every write is idempotent by itself (a unique key that refuses a
    second copy, an update that leaves what a later event wrote alone) may say so: its
    consumer then keeps no markers and opens no transaction, each write committing on its
    own, so an event handled again after a failure part way adds only what is missing. That
    saves a batch three round trips to the store: the markers' read and write, and the commit.
    """

    purpose: str
    bindings: Sequence[str]
    handler: Handler
    batch_handler: BatchHandler | None = None
    idempotent: bool = False


def queue_names(service: str, purpose: str) -> tuple[str, str]:
    """The main queue and the dead-letter queue of a consumer."""
    main = f"{service}.{purpose}"
    return main, f"{main}.dead"


def retry_queue_name(queue: str, attempt: int) -> str:
    """The queue where a message waits before its `attempt`-th retry."""
    return f"{queue}.retry.{attempt}"


def attempts_so_far(message: AbstractIncomingMessage) -> int:
    """How many times the message has failed before."""
    value = (message.headers or {}).get(ATTEMPT_HEADER, 0)
    return value if isinstance(value, int) else 0


class EventConsumer:
    """Consumes one durable quorum queue; each message's effect commits once, then it is acked."""

    def __init__(
        self,
        mongo: Mongo,
        broker: Broker,
        subscription: Subscription,
        *,
        service: str,
        retry_delays: Sequence[float] = (1.0, 5.0, 30.0),
        prefetch: int = 32,
    ) -> None:
        self.mongo = mongo
        self.broker = broker
        self.subscription = subscription
        self.service = service
        self.retry_delays = tuple(retry_delays)
        batching = subscription.batch_handler is not None
        self.prefetch = max(prefetch, BATCH_PREFETCH) if batching else prefetch
        self.queue, self.dead_queue = queue_names(service, subscription.purpose)
        self._channel: AbstractChannel | None = None
        self._main: AbstractQueue | None = None
        self._dead: AbstractQueue | None = None
        self._waiting: asyncio.Queue[Delivery] | None = None
        self._batches: asyncio.Task[None] | None = None
        self._forgetting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Declare the queues this consumer uses and start consuming."""
        channel = await self.broker.channel(confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        exchange = await declare_exchange(channel)
        self._dead = await channel.declare_queue(
            self.dead_queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        for attempt, delay in enumerate(self.retry_delays, start=1):
            await channel.declare_queue(
                retry_queue_name(self.queue, attempt),
                durable=True,
                arguments={
                    "x-message-ttl": max(1, int(delay * 1000)),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.queue,
                },
            )
        self._main = await channel.declare_queue(
            self.queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        for pattern in self.subscription.bindings:
            await self._main.bind(exchange, routing_key=pattern)
        if self.subscription.batch_handler is not None:
            self._waiting = asyncio.Queue()
            self._batches = asyncio.create_task(
                self._handle_batches(), name=f"{self.queue}:batches"
            )
        await self._main.consume(self._on_message)
        self._channel = channel
        self._forgetting = asyncio.create_task(
            keep_working(
                self._forget_step,
                name=f"{self.queue}: forgetting old markers",
                wake=asyncio.Event(),
                poll_seconds=FORGET_PROCESSED_EVERY.total_seconds(),
            ),
            name=f"{self.queue}:forgetting",
        )

    async def stop(self) -> None:
        """Stop consuming; unacked messages go back to the queue."""
        for task in (self._batches, self._forgetting):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._batches = self._forgetting = None
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()

    async def forget_processed(self, *, now: datetime) -> int:
        """Drop this consumer's markers of events handled longer ago than they are
        remembered; how many went. Only the old markers are examined: a range of
        `by_consumer`."""
        result = await self.mongo.db[PROCESSED].delete_many(
            {"consumer": self.queue, "processed_at": {"$lt": now - REMEMBER_PROCESSED_FOR}}
        )
        return result.deleted_count

    async def _forget_step(self) -> bool:
        forgotten = await self.forget_processed(now=datetime.now(UTC))
        if forgotten:
            log.info("old processed markers forgotten", extra={"forgotten": forgotten})
        return False

    async def dead_letter_count(self) -> int:
        """How many messages wait in the dead-letter queue (also exported as a metric)."""
        if self._channel is None or self._channel.is_closed or self._dead is None:
            return 0
        # Declaring again asks the broker; a passive declare on a robust channel would return
        # the queue object cached at start-up, with the count it had then.
        declared = await self._dead.declare()
        count = declared.message_count or 0
        DEAD_LETTER_DEPTH.labels(self.service, self.queue).set(count)
        return count

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope, payload = validate_envelope(json.loads(message.body))
        except (ValueError, TypeError) as exc:
            # A message that breaks its contract will never succeed: park it at once.
            await self._park(message, reason=f"contract: {exc}")
            return
        if self._waiting is not None:
            # Acked by the batch loop once the batch has committed.
            self._waiting.put_nowait((message, envelope, payload))
            return
        await self._handle(message, envelope, payload)

    async def _handle(
        self, message: AbstractIncomingMessage, envelope: Envelope, payload: EventPayload
    ) -> None:
        """Handle one event in a transaction of its own (or, for an idempotent subscription,
        write by write), then ack; retry or park on failure."""
        try:
            if self.subscription.idempotent:
                async with self.mongo.client.start_session() as session:
                    await self.subscription.handler(envelope, payload, session)
                done = True
            else:
                done = await self.mongo.transaction(
                    lambda session: self._apply(session, envelope, payload)
                )
        except DuplicateKeyError:
            done = False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._retry_or_park(message, envelope=envelope, error=exc)
            return
        outcome = "processed" if done else "duplicate"
        EVENTS_CONSUMED.labels(self.service, self.queue, envelope.type, outcome).inc()
        await message.ack()

    async def _apply(self, session: Session, envelope: Envelope, payload: EventPayload) -> bool:
        # The marker goes in first: an event handled before fails here with a duplicate key,
        # which `_on_message` takes as "done already", before any of its work is repeated.
        marker = f"{self.queue}:{envelope.id}"
        await self.mongo.db[PROCESSED].insert_one(
            {
                "_id": marker,
                "consumer": self.queue,
                "type": envelope.type,
                "processed_at": datetime.now(UTC),
            },
            session=session,
        )
        await self.subscription.handler(envelope, payload, session)
        return True

    async def _handle_batches(self) -> None:
        """Handle what waits, a batch at a time, until stopped."""
        waiting = self._waiting
        if waiting is None:
            raise RuntimeError("the consumer has no batch handler")
        while True:
            batch = [await waiting.get()]
            while len(batch) < BATCH_LIMIT and not waiting.empty():
                batch.append(waiting.get_nowait())
            try:
                await self._handle_batch(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Most likely the channel went with the broker: what was not acked is
                # delivered again on the new one, and the markers (or, for an idempotent
                # subscription, its own writes) make that harmless.
                log.warning(
                    "a batch of events was left unfinished",
                    extra={"events": len(batch), "reason": f"{type(exc).__name__}: {exc}"[:500]},
                )

    async def _handle_batch(self, batch: Sequence[Delivery]) -> None:
        """Handle a batch in one transaction and ack it; one at a time if there is one event,
        or if the batch fails."""
        if len(batch) == 1:
            await self._handle(*batch[0])
            return
        try:
            fresh = await self._commit_batch(batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "a batch of events failed; handling them one at a time",
                extra={"events": len(batch), "reason": f"{type(exc).__name__}: {exc}"[:500]},
            )
            for delivery in batch:
                await self._handle(*delivery)
            return
        EVENT_BATCHES.labels(self.service, self.queue).inc()
        for (message, envelope, _), done in zip(batch, fresh, strict=True):
            outcome = "processed" if done else "duplicate"
            EVENTS_CONSUMED.labels(self.service, self.queue, envelope.type, outcome).inc()
            await message.ack()

    async def _commit_batch(self, batch: Sequence[Delivery]) -> list[bool]:
        """Handle a batch in one transaction (or, for an idempotent subscription, write by
        write); which of its events were new, as far as the consumer can tell."""
        handler = self.subscription.batch_handler
        if self.subscription.idempotent and handler is not None:
            async with self.mongo.client.start_session() as session:
                await handler([(envelope, payload) for _, envelope, payload in batch], session)
            return [True] * len(batch)

        async def apply(session: Session) -> list[bool]:
            return await self._apply_batch(session, batch)

        return await self.mongo.transaction(apply)

    async def _apply_batch(self, session: Session, batch: Sequence[Delivery]) -> list[bool]:
        """Mark and handle the batch's events not handled before; which of them were new."""
        handler = self.subscription.batch_handler
        if handler is None:
            raise RuntimeError("the consumer has no batch handler")
        processed = self.mongo.db[PROCESSED]
        markers = [f"{self.queue}:{envelope.id}" for _, envelope, _ in batch]
        seen = {
            str(marker["_id"])
            async for marker in processed.find(
                {"_id": {"$in": markers}}, {"_id": 1}, session=session
            )
        }
        fresh: list[bool] = []
        for marker in markers:
            # An event delivered twice within one batch is new only the first time.
            fresh.append(marker not in seen)
            seen.add(marker)
        now = datetime.now(UTC)
        new = [delivery for delivery, done in zip(batch, fresh, strict=True) if done]
        if new:
            await processed.insert_many(
                [
                    {
                        "_id": f"{self.queue}:{envelope.id}",
                        "consumer": self.queue,
                        "type": envelope.type,
                        "processed_at": now,
                    }
                    for _, envelope, _ in new
                ],
                session=session,
            )
            await handler([(envelope, payload) for _, envelope, payload in new], session)
        return fresh

    async def _retry_or_park(
        self, message: AbstractIncomingMessage, *, envelope: Envelope, error: Exception
    ) -> None:
        attempt = attempts_so_far(message) + 1
        reason = f"{type(error).__name__}: {error}"[:500]
        EVENTS_CONSUMED.labels(self.service, self.queue, envelope.type, "failed").inc()
        if attempt > len(self.retry_delays):
            log.error(
                "event failed for the last time, dead-lettered",
                extra={"event_id": str(envelope.id), "type": envelope.type, "reason": reason},
            )
            await self._park(message, reason=reason)
            return
        log.warning(
            "event failed, will retry",
            extra={"event_id": str(envelope.id), "attempt": attempt, "reason": reason},
        )
        await self._republish(
            message, retry_queue_name(self.queue, attempt), attempt=attempt, reason=reason
        )
        EVENTS_RETRIED.labels(self.service, self.queue).inc()
        await message.ack()

    async def _park(self, message: AbstractIncomingMessage, *, reason: str) -> None:
        attempt = attempts_so_far(message)
        await self._republish(message, self.dead_queue, attempt=attempt, reason=reason[:500])
        EVENTS_DEAD_LETTERED.labels(self.service, self.queue).inc()
        await message.ack()

    async def _republish(
        self, message: AbstractIncomingMessage, queue: str, *, attempt: int, reason: str
    ) -> None:
        """Copy the message to another queue, confirmed, before the original is acked."""
        channel = self._channel
        if channel is None:
            raise RuntimeError("consumer is not started")
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        headers[REASON_HEADER] = reason
        await channel.default_exchange.publish(
            aio_pika.Message(
                message.body,
                headers=headers,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                type=message.type,
                correlation_id=message.correlation_id,
            ),
            routing_key=queue,
        )


async def replay_dead_letters(broker: Broker, *, queue: str, limit: int = 1000) -> int:
    """Move up to `limit` parked messages back to their consumer's queue; return how many."""
    channel = await broker.channel(confirms=True)
    try:
        dead = await channel.declare_queue(f"{queue}.dead", passive=True)
        moved = 0
        while moved < limit:
            message = await dead.get(no_ack=False, fail=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            headers[ATTEMPT_HEADER] = 0
            headers.pop(REASON_HEADER, None)
            await channel.default_exchange.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    content_type=message.content_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=message.message_id,
                    type=message.type,
                    correlation_id=message.correlation_id,
                ),
                routing_key=queue,
            )
            await message.ack()
            moved += 1
        return moved
    finally:
        await channel.close()
