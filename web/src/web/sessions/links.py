"""Tokens of emailed links, held on the server for the browser's session until they are used.

Opening a link moves its token here and the page's address loses it at once: it is then in
no address bar, history, Referer or page the browser keeps.
"""

import datetime

from fastapi import Request

from kit.mongo import Index, Mongo
from web.sessions.service import OpenSession

COLLECTION = "held_link_tokens"
LINK_INDEXES = [
    Index(
        COLLECTION,
        [("expires_at", 1)],
        "held_link_tokens_expiry",
        options={"expireAfterSeconds": 0},
    ),
]
# Long enough to read the page and choose a password; the link itself lasts days.
HOLD_FOR = datetime.timedelta(hours=1)
# Identity's link tokens are far shorter; anything longer is no link of ours.
LONGEST_TOKEN = 128


def _key(session: OpenSession, purpose: str) -> str:
    return f"{session.record.id_hash}:{purpose}"


class HeldLinks:
    """The link tokens each browser session holds, one per purpose."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[COLLECTION]

    async def hold(self, session: OpenSession, purpose: str, token: str) -> None:
        """Keep the link's token for the session, in place of any held before."""
        expires_at = datetime.datetime.now(datetime.UTC) + HOLD_FOR
        await self.collection.replace_one(
            {"_id": _key(session, purpose)},
            {"token": token, "expires_at": expires_at},
            upsert=True,
        )

    async def held(self, session: OpenSession, purpose: str) -> str | None:
        """The token the session holds for the purpose, unless it has lapsed."""
        found = await self.collection.find_one({"_id": _key(session, purpose)})
        if found is None:
            return None
        expires_at = found["expires_at"].replace(tzinfo=datetime.UTC)
        if expires_at <= datetime.datetime.now(datetime.UTC):
            return None
        token = found.get("token")
        return token if isinstance(token, str) else None

    async def drop(self, session: OpenSession, purpose: str) -> None:
        """Forget the session's token for the purpose (it was used)."""
        await self.collection.delete_one({"_id": _key(session, purpose)})


def held_links(request: Request) -> HeldLinks:
    """This worker's held link tokens."""
    links: HeldLinks = request.app.state.held_links
    return links
