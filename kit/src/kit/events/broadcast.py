"""Copies held in each worker's memory, kept current by events that reach every worker.

A durable consumer is shared by a service's workers: each event reaches one of them. What every
worker must know at once (an ended session, a changed authority, a blocked member) comes instead
through a queue of each worker's own, which lives as long as its connection. A worker loads its
copies from the store when it starts and after the broker connection comes back (events sent
while it was away went nowhere), and again now and then in case an event arrived before the
store had it.
"""

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit import logs
from kit.events.broker import Broker, declare_exchange

log = logs.get_logger("kit.events.broadcast")

RELOAD_SECONDS = 300.0


class MemoryCopy(Protocol):
    """Something a worker holds in memory: loaded from the store, changed by events."""

    @property
    def event_types(self) -> Sequence[str]:
        """The event types that change it."""
        ...

    async def load(self) -> None:
        """Read the whole copy from the store again."""
        ...

    def apply(self, envelope: Envelope, payload: EventPayload) -> None:
        """Take in one event."""
        ...


class Broadcast:
    """This worker's own queue for the events that change its memory copies."""

    def __init__(
        self,
        broker: Broker,
        copies: Sequence[MemoryCopy],
        *,
        service: str,
        reload_seconds: float = RELOAD_SECONDS,
    ) -> None:
        self.broker = broker
        self.copies = list(copies)
        self.queue = f"{service}.memory.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        self.reload_seconds = reload_seconds
        self._by_type: dict[str, list[MemoryCopy]] = {}
        for copy in self.copies:
            for event_type in copy.event_types:
                self._by_type.setdefault(event_type, []).append(copy)
        self._channel: AbstractChannel | None = None
        self.loaded = asyncio.Event()

    async def start(self) -> None:
        """Bind this worker's queue, then load every copy (so nothing falls between)."""
        if not self._by_type:
            return
        connection = await self.broker.connect()
        channel = await self.broker.channel(confirms=False)
        exchange = await declare_exchange(channel)
        queue = await channel.declare_queue(
            self.queue, exclusive=True, auto_delete=True, arguments={"x-queue-type": "classic"}
        )
        for event_type in self._by_type:
            await queue.bind(exchange, routing_key=event_type)
        await queue.consume(self._on_message, no_ack=True)
        self._channel = channel
        connection.reconnect_callbacks.add(self._on_reconnect)
        await self.reload()

    async def reload(self) -> None:
        """Load every copy from the store; a copy that fails keeps what it had."""
        for copy in self.copies:
            try:
                await copy.load()
            except Exception as exc:
                log.warning(
                    "memory copy not reloaded",
                    extra={"copy": type(copy).__name__, "reason": repr(exc)},
                )
                continue
        self.loaded.set()

    async def keep_reloading(self) -> None:
        """Reload now and then until cancelled."""
        while True:
            await asyncio.sleep(self.reload_seconds)
            await self.reload()

    async def stop(self) -> None:
        """Close this worker's channel; its queue goes with it."""
        channel, self._channel = self._channel, None
        if self.broker.connection is not None:
            self.broker.connection.reconnect_callbacks.discard(self._on_reconnect)
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()

    async def _on_reconnect(self, *_: Any) -> None:
        await self.reload()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope, payload = validate_envelope(json.loads(message.body))
        except (ValueError, TypeError) as exc:
            log.warning("broadcast event refused", extra={"reason": str(exc)[:500]})
            return
        for copy in self._by_type.get(envelope.type, []):
            try:
                copy.apply(envelope, payload)
            except Exception as exc:
                log.error(
                    "memory copy could not apply an event",
                    extra={"copy": type(copy).__name__, "type": envelope.type, "reason": repr(exc)},
                )
