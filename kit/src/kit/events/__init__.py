"""The event bus: outbox, relay, consumers and dead letters on RabbitMQ."""
