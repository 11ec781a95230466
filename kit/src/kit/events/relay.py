"""The relay that publishes outbox records with publisher confirms and marks them sent."""

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange

from kit.events.broker import Broker, declare_exchange
from kit.events.outbox import OUTBOX, Outbox
from kit.lease import Lease
from kit.loops import keep_working
from kit.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from kit.mongo import Document, Mongo

PUBLISH_TIMEOUT_SECONDS = 10.0


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
    """Publishes pending outbox records in batches, many confirms in flight, in one worker."""

    def __init__(
        self,
        mongo: Mongo,
        broker: Broker,
        outbox: Outbox,
        *,
        service: str,
        batch_size: int = 200,
        poll_seconds: float = 0.25,
    ) -> None:
        self.mongo = mongo
        self.broker = broker
        self.outbox = outbox
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.lease = Lease(mongo, f"outbox-relay:{service}")
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None

    async def run(self) -> None:
        """Publish until cancelled; survive broker and store outages."""

        async def publish() -> bool:
            return await self.publish_pending() >= self.batch_size

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

    async def publish_pending(self) -> int:
        """Publish one batch if this worker holds the relay lease; return how many were sent."""
        if not await self.lease.hold():
            return 0
        outbox = self.mongo.db[OUTBOX]
        batch = (
            await outbox.find({"sent_at": None})
            .sort([("created_at", 1), ("_id", 1)])
            .limit(self.batch_size)
            .to_list(length=self.batch_size)
        )
        if not batch:
            OUTBOX_BACKLOG.labels(self.service).set(0)
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
                {"_id": {"$in": [record["_id"] for record in sent]}},
                {"$set": {"sent_at": datetime.now(UTC)}},
            )
            for record in sent:
                EVENTS_PUBLISHED.labels(self.service, str(record["type"])).inc()
        OUTBOX_BACKLOG.labels(self.service).set(await outbox.count_documents({"sent_at": None}))
        failed = [result for result in results if isinstance(result, BaseException)]
        if failed:
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
