"""The connection to RabbitMQ and the one topic exchange every event goes through."""

import asyncio

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractRobustConnection

from kit import logs

EXCHANGE = "portal.events"

log = logs.get_logger("kit.events")


class Broker:
    """A robust connection that reconnects and restores what was declared on it."""

    def __init__(self, url: str, *, service: str) -> None:
        self.url = url
        self.service = service
        self.connection: AbstractRobustConnection | None = None
        self.connected = asyncio.Event()

    async def connect(self, *, retry_seconds: float = 1.0) -> AbstractRobustConnection:
        """Connect, retrying until the broker answers."""
        while self.connection is None:
            try:
                self.connection = await aio_pika.connect_robust(
                    self.url,
                    client_properties={"connection_name": self.service},
                    reconnect_interval=1,
                )
            except (OSError, aio_pika.exceptions.AMQPError) as exc:
                log.warning("broker not reachable, retrying", extra={"reason": str(exc)})
                await asyncio.sleep(retry_seconds)
        self.connected.set()
        return self.connection

    def is_open(self) -> bool:
        """Whether the connection is up right now."""
        connection = self.connection
        return connection is not None and not connection.is_closed and connection.connected.is_set()

    async def channel(self, *, confirms: bool = True) -> AbstractChannel:
        """A new channel, with publisher confirms unless told otherwise."""
        connection = self.connection or await self.connect()
        return await connection.channel(publisher_confirms=confirms)

    async def close(self) -> None:
        """Close the connection."""
        if self.connection is not None:
            await self.connection.close()
            self.connection = None
        self.connected.clear()


async def declare_exchange(channel: AbstractChannel) -> AbstractExchange:
    """Declare the durable topic exchange (idempotent)."""
    return await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
