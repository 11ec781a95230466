"""A consuming service for the failure tests: kit's consumer counting each event's effect.

The handler adds one to a counter per envelope id (`$inc`) in the consumer's transaction, so
a counter above one would mean an effect committed twice. Events whose subject is listed in
`--fail-subject` always fail. Stops cleanly on SIGTERM.
"""

import argparse
import asyncio
import os
import signal
from datetime import UTC, datetime

from contracts.envelope import Envelope
from contracts.events.cases import DraftRemoved
from contracts.payload import EventPayload
from kit import logs
from kit.events.broker import Broker
from kit.events.consumer import PROCESSED_INDEXES, EventConsumer, Subscription
from kit.mongo import Mongo, Session

EFFECTS = "effects"
STATUS = "status"
PURPOSE = "burst"


async def serve(arguments: argparse.Namespace) -> None:
    """Consume until told to stop."""
    logs.configure(arguments.service, "INFO")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    mongo = Mongo(arguments.mongo_url, arguments.database)
    await mongo.ensure_indexes(PROCESSED_INDEXES)
    failing = set(arguments.fail_subject)

    async def count_effect(envelope: Envelope, _: EventPayload, session: Session) -> None:
        if envelope.authority != arguments.authority:
            # The running portal's own events of this type reach this queue too.
            return
        if envelope.subject in failing:
            raise RuntimeError(f"cannot handle event {envelope.subject}")
        await mongo.db[EFFECTS].update_one(
            {"_id": str(envelope.id)},
            {"$inc": {"count": 1}, "$set": {"subject": envelope.subject}},
            upsert=True,
            session=session,
        )

    broker = Broker(arguments.amqp_url, service=arguments.service)
    await broker.connect()
    consumer = EventConsumer(
        mongo,
        broker,
        Subscription(purpose=PURPOSE, bindings=[DraftRemoved.event_type], handler=count_effect),
        service=arguments.service,
        retry_delays=arguments.retry_delays,
    )
    await consumer.start()
    await mongo.db[STATUS].update_one(
        {"_id": "consumer"},
        {"$set": {"pid": os.getpid(), "started_at": datetime.now(UTC)}},
        upsert=True,
    )
    try:
        await stop.wait()
    finally:
        await consumer.stop()
        await broker.close()
        await mongo.close()


def delays(text: str) -> tuple[float, ...]:
    """Retry delays written as `0.2,0.4`."""
    return tuple(float(part) for part in text.split(",") if part)


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--amqp-url", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--authority", required=True)
    parser.add_argument("--retry-delays", type=delays, default=(0.2, 0.4))
    parser.add_argument("--fail-subject", action="append", default=[])
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
