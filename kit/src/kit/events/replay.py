"""Command line: move a consumer's dead letters back to its queue."""

import argparse
import asyncio

from kit.events.broker import Broker
from kit.events.consumer import replay_dead_letters


async def _replay(url: str, queue: str, limit: int) -> int:
    broker = Broker(url, service="dead-letter-replay")
    await broker.connect()
    try:
        return await replay_dead_letters(broker, queue=queue, limit=limit)
    finally:
        await broker.close()


def main() -> None:
    """Replay parked messages, e.g. `python -m kit.events.replay cases.timeline`."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("queue", help="the consumer's queue, '<service>.<purpose>'")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--limit", type=int, default=1000)
    arguments = parser.parse_args()
    moved = asyncio.run(_replay(arguments.amqp_url, arguments.queue, arguments.limit))
    print(f"replayed {moved} message(s) to {arguments.queue}")


if __name__ == "__main__":
    main()
