"""Stored organisations."""

import uuid
from datetime import UTC, datetime

from kit.mongo import Document, Index, Session
from kit.repository import AuthorityRepository

ORGANISATIONS = "organisations"

INDEXES = [
    Index(
        ORGANISATIONS,
        [("authority", 1), ("name_key", 1)],
        name="organisations_by_name",
        unique=True,
    ),
]


def name_key(name: str) -> str:
    """The form names are compared in: case and spacing do not make a different organisation."""
    return " ".join(name.split()).casefold()


class Organisations(AuthorityRepository):
    """Organisations of one authority."""

    collection_name = ORGANISATIONS

    async def create(
        self, authority: str, *, name: str, kind: str, created_by: str, session: Session
    ) -> Document:
        """Insert an organisation (DuplicateKeyError if the name is taken here)."""
        return await self.insert(
            authority,
            {
                "_id": uuid.uuid4().hex,
                "name": " ".join(name.split()),
                "name_key": name_key(name),
                "kind": kind,
                "created_by": created_by,
                "created_at": datetime.now(UTC),
            },
            session=session,
        )

    async def get(
        self, authority: str, organisation_id: str, *, session: Session | None = None
    ) -> Document | None:
        """One organisation of this authority."""
        return await self.find_one(authority, {"_id": organisation_id}, session=session)

    async def listing(self, authority: str) -> list[Document]:
        """Every organisation of this authority, by name."""
        return await self.find_many(authority, {}, sort=[("name_key", 1)], limit=1000)
