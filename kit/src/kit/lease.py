"""A lease in MongoDB so that one worker among many runs a singleton loop."""

import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from kit.loops import finish_before_stopping
from kit.mongo import Mongo


class Lease:
    """Held by one holder at a time until it lapses; renewed by calling `hold` again.

    Loops call `hold` every time round, often several times a second in every worker. Only
    what is needed reaches the store: the holder renews once a third of the lease has gone
    by, and the others read the lease at most every tenth of its length (sooner if it is due
    to lapse) until it is free or has lapsed. Renewing on every call made an idle portal
    write to its store dozens of times a second, and every write is also a change-log entry.
    """

    collection_name = "leases"

    def __init__(self, mongo: Mongo, name: str, *, seconds: float = 10.0) -> None:
        self.mongo = mongo
        self.name = name
        self.duration = timedelta(seconds=seconds)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._held = False
        self._renew_after = 0.0
        self._look_again_at = 0.0

    async def hold(self) -> bool:
        """Take or renew the lease; say whether this holder has it now."""
        started = time.monotonic()
        if self._held and started < self._renew_after:
            return True  # renewed recently: at least two thirds of the lease remain
        if not self._held and started < self._look_again_at:
            return False  # another holder had it a moment ago
        now = datetime.now(UTC)
        collection = self.mongo.db[self.collection_name]
        if not self._held:
            current = await collection.find_one({"_id": self.name})
            if (
                current is not None
                and current["holder"] != self.holder
                and current["expires_at"] >= now
            ):
                remaining = (current["expires_at"] - now).total_seconds()
                self._look_again_at = started + min(self.duration.total_seconds() / 10, remaining)
                return False  # someone else's and still running: no write needed
        try:
            # A holder stopped mid-write still lands the write first, so `release` after it
            # removes the lease rather than racing it.
            await finish_before_stopping(
                collection.find_one_and_update(
                    {
                        "_id": self.name,
                        "$or": [{"holder": self.holder}, {"expires_at": {"$lt": now}}],
                    },
                    {"$set": {"holder": self.holder, "expires_at": now + self.duration}},
                    upsert=True,
                )
            )
        except DuplicateKeyError:
            self._held = False
            return False
        self._held = True
        self._renew_after = started + self.duration.total_seconds() / 3
        return True

    async def release(self) -> None:
        """Give the lease up so another holder takes over at once."""
        self._held = False
        self._look_again_at = 0.0
        await self.mongo.db[self.collection_name].delete_one(
            {"_id": self.name, "holder": self.holder}
        )
