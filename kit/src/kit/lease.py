"""A lease in MongoDB so that one worker among many runs a singleton loop."""

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from kit.mongo import Mongo


class Lease:
    """Held by one holder at a time until it lapses; renewed by calling `hold` again."""

    collection_name = "leases"

    def __init__(self, mongo: Mongo, name: str, *, seconds: float = 10.0) -> None:
        self.mongo = mongo
        self.name = name
        self.duration = timedelta(seconds=seconds)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def hold(self) -> bool:
        """Take or renew the lease; say whether this holder has it now."""
        now = datetime.now(UTC)
        try:
            await self.mongo.db[self.collection_name].find_one_and_update(
                {"_id": self.name, "$or": [{"holder": self.holder}, {"expires_at": {"$lt": now}}]},
                {
                    "$set": {
                        "holder": self.holder,
                        "expires_at": now + self.duration,
                    }
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def release(self) -> None:
        """Give the lease up so another holder takes over at once."""
        await self.mongo.db[self.collection_name].delete_one(
            {"_id": self.name, "holder": self.holder}
        )
