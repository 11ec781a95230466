"""All access to the stored browser sessions."""

import datetime

from kit.mongo import Index, Mongo
from web.sessions.models import BrowserSession, SignedIn

COLLECTION = "browser_sessions"
SESSION_INDEXES = [
    # Ended sessions are removed by the store once their absolute limit has passed.
    Index(
        COLLECTION,
        [("expires_at", 1)],
        "browser_sessions_expiry",
        options={"expireAfterSeconds": 0},
    ),
]


class SessionRepository:
    """Reads and writes browser sessions by the hash of their id."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[COLLECTION]

    async def add(self, session: BrowserSession) -> None:
        """Store a new session."""
        await self.collection.insert_one(session.model_dump(by_alias=True))

    async def find(self, id_hash: str) -> BrowserSession | None:
        """The session with this id hash, if it is stored."""
        found = await self.collection.find_one({"_id": id_hash})
        return BrowserSession.model_validate(found) if found is not None else None

    async def seen(self, id_hash: str, at: datetime.datetime) -> None:
        """Note that the session was used."""
        await self.collection.update_one({"_id": id_hash}, {"$set": {"seen_at": at}})

    async def sign_in(self, id_hash: str, signed_in: SignedIn | None) -> None:
        """Keep (or forget, with None) the person's tokens on the session."""
        value = signed_in.model_dump() if signed_in is not None else None
        await self.collection.update_one({"_id": id_hash}, {"$set": {"signed_in": value}})

    async def keep(self, id_hash: str, changes: dict[str, object]) -> None:
        """Set (or, with None, forget) what a journey carries between its pages."""
        await self.collection.update_one({"_id": id_hash}, {"$set": changes})

    async def note(self, id_hash: str, notice: str | None) -> None:
        """Keep (or forget, with None) the notice for the next page."""
        await self.collection.update_one({"_id": id_hash}, {"$set": {"notice": notice}})

    async def remove(self, id_hash: str) -> None:
        """Forget a session."""
        await self.collection.delete_one({"_id": id_hash})
