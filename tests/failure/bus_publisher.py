"""A publishing service for the failure tests: writes a burst of events through kit's outbox.

Each event goes out with the change that causes it (an `items` record) in small transactions,
and kit's relay publishes them. Started again after a crash, it writes only the items that
are missing and relays whatever the outbox still holds. Stops cleanly on SIGTERM.
"""

import argparse
import asyncio
import contextlib
import signal

from contracts.events.cases import DraftRemoved
from kit import logs
from kit.events.broker import Broker
from kit.events.outbox import OUTBOX_INDEXES, Outbox
from kit.events.relay import OutboxRelay
from kit.mongo import Mongo, Session

ITEMS = "items"


def burst_event(authority: str, number: int) -> DraftRemoved:
    """The payload of the burst's event number `number`.

    A real contract's event that none of the running portal's services consumes, so that the
    burst loads only the broker and the two services under test, not every service's store.
    """
    return DraftRemoved(
        case_id=f"burst-{number}",
        reference=str(number),
        kind="housing_register",
        status="removed",
        applicant_id="burst-applicant",
    )


async def write_burst(
    mongo: Mongo,
    outbox: Outbox,
    *,
    authority: str,
    count: int,
    per_transaction: int,
    pause: float,
) -> None:
    """Write every item not written yet, each with its event, a few per transaction."""
    written = set(await mongo.db[ITEMS].distinct("number"))
    missing = [number for number in range(count) if number not in written]
    for start in range(0, len(missing), per_transaction):
        numbers = missing[start : start + per_transaction]

        async def change(session: Session, numbers: list[int] = numbers) -> None:
            for number in numbers:
                # Not keyed by number: a killed process's unfinished transaction still holds
                # its writes until the server reaps it, and the same key would wait for that.
                await mongo.db[ITEMS].insert_one({"number": number}, session=session)
                await outbox.add(
                    session,
                    burst_event(authority, number),
                    authority=authority,
                    subject=str(number),
                )

        await mongo.transaction(change)
        await asyncio.sleep(pause)


async def serve(arguments: argparse.Namespace) -> None:
    """Relay and write until told to stop."""
    logs.configure(arguments.service, "INFO")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    mongo = Mongo(arguments.mongo_url, arguments.database)
    await mongo.ensure_indexes(OUTBOX_INDEXES)
    broker = Broker(arguments.amqp_url, service=arguments.service)
    outbox = Outbox(mongo)
    relay = OutboxRelay(mongo, broker, outbox, service=arguments.service, poll_seconds=0.1)
    tasks = [
        asyncio.create_task(relay.run(), name="relay"),
        asyncio.create_task(
            write_burst(
                mongo,
                outbox,
                authority=arguments.authority,
                count=arguments.count,
                per_transaction=arguments.per_transaction,
                pause=arguments.pause,
            ),
            name="writer",
        ),
    ]
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await broker.close()
        await mongo.close()


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--amqp-url", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--authority", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--per-transaction", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.02)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
