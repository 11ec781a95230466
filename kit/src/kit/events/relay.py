"""The relay that publishes outbox records with publisher confirms and marks them sent."""

import asyncio
import contextlib
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange

from kit import logs
from kit.events.broker import Broker, declare_exchange
from kit.events.outbox import FORGET_SENT_EVERY, OUTBOX, SENT_KEPT_FOR, Outbox
from kit.lease import Lease
from kit.loops import finish_before_stopping, keep_working
from kit.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from kit.mongo import Document, Mongo

PUBLISH_TIMEOUT_SECONDS = 10.0

log = logs.get_logger("kit.events.relay")


def to_message(record: Document) -> aio_pika.Message:
    """The AMQP message for an outbox record."""
    message: dict[str, Any] = record["message"]
    return aio_pika.Message(
        json.dumps(message, separators=(",", ":")).encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(record["_id"]),
        type=str(record["type"]),
        correlation_id=message.get("correlation_id"),
        timestamp=record["created_at"],
    )


class OutboxRelay:
    """Publishes outbox records with many confirms in flight, each record exactly once.

    Each process publishes the events it wrote as soon as their transaction commits. One
    process at a time (the lease holder) also sweeps the outbox every `poll_seconds` for what
    was left behind: events of a process that stopped, or whose publishing failed. Either way
    a record is first claimed with an atomic update, so two relays never send the same one; a
    claim lapses, so a record claimed by a relay that died is sent by the next sweep.
    """

    def __init__(
        self,
        mongo: Mongo,
        broker: Broker,
        outbox: Outbox,
        *,
        service: str,
        batch_size: int = 200,
        poll_seconds: float = 10.0,
        claim_seconds: float = 30.0,
    ) -> None:
        self.mongo = mongo
        self.broker = broker
        self.outbox = outbox
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.claim_for = timedelta(seconds=claim_seconds)
        self.lease = Lease(mongo, f"outbox-relay:{service}", seconds=max(10.0, 3 * poll_seconds))
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._swept_at = 0.0
        self._forgot_at: float | None = None

    async def run(self) -> None:
        """Publish until cancelled; survive broker and store outages."""

        async def publish() -> bool:
            more = await self.publish_own()
            if time.monotonic() - self._swept_at >= self.poll_seconds:
                self._swept_at = time.monotonic()
                more = await self.publish_pending() >= self.batch_size or more
            return more

        try:
            await keep_working(
                publish,
                name="outbox relay",
                wake=self.outbox.pending,
                poll_seconds=self.poll_seconds,
                after_failure=self._drop_channel,
            )
        finally:
            with contextlib.suppress(Exception):
                await self.lease.release()
            await self._drop_channel()

    async def publish_own(self) -> bool:
        """Publish what this process wrote; say whether more of it is waiting."""
        added = self.outbox.take_added()
        if not added:
            return False
        try:
            await finish_before_stopping(self._publish(added[: self.batch_size]))
        except BaseException:
            self.outbox.give_back(added)  # tried again next turn, or by the sweep
            raise
        self.outbox.give_back(added[self.batch_size :])
        return len(added) > self.batch_size

    async def publish_pending(self) -> int:
        """Sweep: publish one batch of pending records if this worker holds the relay lease."""
        if not await self.lease.hold():
            return 0
        outbox = self.mongo.db[OUTBOX]
        now = datetime.now(UTC)
        waiting = (
            await outbox.find(
                {
                    "sent_at": None,
                    "$or": [{"claimed_until": None}, {"claimed_until": {"$lt": now}}],
                },
                projection={"_id": 1},
            )
            .sort([("created_at", 1), ("_id", 1)])
            .limit(self.batch_size)
            .to_list(length=self.batch_size)
        )
        ids = [str(record["_id"]) for record in waiting]
        sent = await finish_before_stopping(self._publish(ids)) if ids else 0
        OUTBOX_BACKLOG.labels(self.service).set(
            await outbox.count_documents({"sent_at": None}) if len(waiting) else 0
        )
        since = None if self._forgot_at is None else time.monotonic() - self._forgot_at
        if since is None or since >= FORGET_SENT_EVERY.total_seconds():
            self._forgot_at = time.monotonic()
            await self.forget_sent(now=now)
        return sent

    async def forget_sent(self, *, now: datetime) -> int:
        """Drop the records published longer ago than they are kept; how many went. Only
        those are examined: a range of the pending index, where pending ones have no date."""
        result = await self.mongo.db[OUTBOX].delete_many({"sent_at": {"$lt": now - SENT_KEPT_FOR}})
        if result.deleted_count:
            log.info("old published events forgotten", extra={"forgotten": result.deleted_count})
        return result.deleted_count

    async def _publish(self, ids: list[str]) -> int:
        """Claim these records, publish the ones claimed, mark them sent; return how many."""
        outbox = self.mongo.db[OUTBOX]
        now = datetime.now(UTC)
        claim = uuid.uuid4().hex
        claimed = await outbox.update_many(
            {
                "_id": {"$in": ids},
                "sent_at": None,
                "$or": [{"claimed_until": None}, {"claimed_until": {"$lt": now}}],
            },
            {"$set": {"claim": claim, "claimed_until": now + self.claim_for}},
        )
        if claimed.modified_count == 0:
            return 0
        batch = (
            await outbox.find({"_id": {"$in": ids}, "claim": claim})
            .sort([("created_at", 1), ("_id", 1)])
            .to_list(length=len(ids))
        )
        if not batch:
            return 0
        exchange = await self._exchange_for_publishing()
        results = await asyncio.gather(
            *(
                asyncio.wait_for(
                    exchange.publish(to_message(record), routing_key=str(record["type"])),
                    PUBLISH_TIMEOUT_SECONDS,
                )
                for record in batch
            ),
            return_exceptions=True,
        )
        sent = [
            record
            for record, result in zip(batch, results, strict=True)
            if not isinstance(result, BaseException)
        ]
        if sent:
            await outbox.update_many(
                {"_id": {"$in": [record["_id"] for record in sent]}, "claim": claim},
                {"$set": {"sent_at": datetime.now(UTC)}},
            )
            for record in sent:
                EVENTS_PUBLISHED.labels(self.service, str(record["type"])).inc()
        failed = [result for result in results if isinstance(result, BaseException)]
        if failed:
            # Free the claim so that the next sweep tries again without waiting for it to lapse.
            await outbox.update_many(
                {"_id": {"$in": ids}, "claim": claim, "sent_at": None},
                {"$set": {"claim": None, "claimed_until": None}},
            )
            raise RuntimeError(f"{len(failed)} of {len(batch)} events not confirmed: {failed[0]!r}")
        return len(sent)

    async def _exchange_for_publishing(self) -> AbstractExchange:
        if self._exchange is None or self._channel is None or self._channel.is_closed:
            self._channel = await self.broker.channel(confirms=True)
            self._exchange = await declare_exchange(self._channel)
        return self._exchange

    async def _drop_channel(self) -> None:
        channel, self._channel, self._exchange = self._channel, None, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()
