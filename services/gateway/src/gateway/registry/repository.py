"""Storage of the authority registry."""

from typing import Any

from gateway.registry.models import Authority
from kit.mongo import Document, Index, Mongo, Session

AUTHORITIES = "authorities"

INDEXES = [Index(AUTHORITIES, [("hosts", 1)], name="by_host")]


def to_record(authority: Authority) -> Document:
    """The stored form of an authority."""
    record: dict[str, Any] = authority.model_dump(mode="json")
    record["_id"] = authority.slug
    record["authority"] = authority.slug
    return record


def from_record(record: Document) -> Authority:
    """An authority from its stored form."""
    fields = {key: value for key, value in record.items() if key not in {"_id", "authority"}}
    return Authority.model_validate(fields)


class AuthorityStore:
    """Reads and writes registry records; the registry is the one collection keyed by slug."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[AUTHORITIES]

    async def all(self) -> list[Authority]:
        """Every authority, by slug."""
        records = await self.collection.find({}).sort("_id", 1).to_list(length=None)
        return [from_record(record) for record in records]

    async def get(self, slug: str, *, session: Session | None = None) -> Authority | None:
        """One authority by slug."""
        record = await self.collection.find_one({"_id": slug}, session=session)
        return from_record(record) if record else None

    async def page(self, *, after: str | None, limit: int) -> list[Authority]:
        """Up to `limit` authorities whose slug sorts after `after`."""
        query = {"_id": {"$gt": after}} if after else {}
        records = await self.collection.find(query).sort("_id", 1).limit(limit).to_list(limit)
        return [from_record(record) for record in records]

    async def by_host(self, host: str, *, session: Session | None = None) -> Authority | None:
        """The authority that answers at this host name."""
        record = await self.collection.find_one({"hosts": host}, session=session)
        return from_record(record) if record else None

    async def replace(self, authority: Authority, revision: int, *, session: Session) -> bool:
        """Store a new revision if the stored one is still `revision`."""
        result = await self.collection.replace_one(
            {"_id": authority.slug, "revision": revision}, to_record(authority), session=session
        )
        return result.modified_count == 1

    async def insert(self, authority: Authority, *, session: Session) -> None:
        """Add a new authority (fails with DuplicateKeyError if the slug exists)."""
        await self.collection.insert_one(to_record(authority), session=session)
