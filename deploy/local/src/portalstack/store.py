"""SecantusDB as the local stack runs it: its daemon, with the oplog pruned a little at a time.

Run as `python -m portalstack.store --port 27017 --storage-path .data/mongo`.

SecantusDB prunes its oplog by itself once every 1000 writes, deleting in one go every entry
past its caps (100,000 entries or an hour), under the lock every operation takes. Once a busy
store reaches its cap, that is about 1000 deletions each time, and every operation waits them
out: at 200 writes a second, a stall of 50 to 150 ms every five seconds, longer than anything
else the services ask of it. A thread here prunes every `PRUNE_EVERY_SECONDS` instead, so each
prune deletes what that fraction of a second wrote and the store's own finds nothing left.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from secantus import SecantusDBServer

log = logging.getLogger("portalstack.store")

PRUNE_EVERY_SECONDS = 0.1
OPLOG_MAX_ENTRIES = 100_000


class Store:
    """The store's server and the thread pruning its oplog."""

    def __init__(self, server: SecantusDBServer, *, prune_every: float) -> None:
        self.server = server
        self.prune_every = prune_every
        self._stopping = threading.Event()
        self._pruning = threading.Thread(target=self._keep_pruning, name="oplog-pruning")

    def start(self) -> None:
        """Serve, and start pruning."""
        self.server.start()
        self._pruning.start()

    def stop(self) -> None:
        """Stop pruning, then serving (the store checkpoints)."""
        self._stopping.set()
        self._pruning.join()
        self.server.stop()

    def _keep_pruning(self) -> None:
        while not self._stopping.wait(self.prune_every):
            try:
                self.server.storage.prune_oplog()
            except Exception:
                # A write conflict, say: the next turn tries again.
                log.exception("the oplog could not be pruned")


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then stop cleanly."""
    parser = argparse.ArgumentParser(prog="python -m portalstack.store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27017)
    parser.add_argument("--storage-path", required=True)
    parser.add_argument("--oplog-max-entries", type=int, default=OPLOG_MAX_ENTRIES)
    parser.add_argument("--prune-every", type=float, default=PRUNE_EVERY_SECONDS)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = Store(
        # As the store's own daemon runs it: a single-node replica set (so transactions and
        # change streams work), test commands off.
        SecantusDBServer(
            host=args.host,
            port=args.port,
            storage_path=args.storage_path,
            replica_set_name="secantus",
            enable_test_commands=False,
            oplog_max_entries=args.oplog_max_entries,
        ),
        prune_every=args.prune_every,
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        store.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    store.start()
    store.server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
