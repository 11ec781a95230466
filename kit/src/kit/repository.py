"""Data access that is always scoped to one authority."""

from collections.abc import Mapping
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from kit.errors import PreconditionFailed
from kit.mongo import Document, Mongo, Session


class CrossAuthorityQuery(ValueError):
    """A filter tried to name a different authority than the one in scope."""


def scoped(authority: str, query: Mapping[str, Any] | None = None) -> Document:
    """Return the query with the authority filter added; refuse one naming another authority."""
    merged: Document = dict(query or {})
    named = merged.get("authority", authority)
    if named != authority:
        raise CrossAuthorityQuery("a query may not reach another authority's records")
    merged["authority"] = authority
    return merged


def _refuse_authority_change(authority: str, update: Mapping[str, Any]) -> None:
    """Refuse an update that would move a record to another authority or drop its authority."""
    for operator, fields in update.items():
        if not isinstance(fields, Mapping):
            continue
        if operator == "$rename" and "authority" in fields.values():
            raise CrossAuthorityQuery("an update may not change a record's authority")
        if "authority" in fields and not (
            operator in {"$set", "$setOnInsert"} and fields["authority"] == authority
        ):
            raise CrossAuthorityQuery("an update may not change a record's authority")


class AuthorityRepository:
    """Base for a collection whose every record carries `authority`."""

    collection_name: str

    def __init__(self, mongo: Mongo) -> None:
        self.mongo = mongo
        self.collection: AsyncCollection[Document] = mongo.db[self.collection_name]

    async def find_one(
        self, authority: str, query: Mapping[str, Any], *, session: Session | None = None
    ) -> Document | None:
        """The first matching record of this authority."""
        return await self.collection.find_one(scoped(authority, query), session=session)

    async def find_many(
        self,
        authority: str,
        query: Mapping[str, Any] | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 100,
        session: Session | None = None,
    ) -> list[Document]:
        """Matching records of this authority, at most `limit`."""
        cursor = self.collection.find(scoped(authority, query), session=session)
        if sort:
            cursor = cursor.sort(sort)
        return await cursor.limit(limit).to_list(length=limit)

    async def insert(
        self, authority: str, record: Mapping[str, Any], *, session: Session | None = None
    ) -> Document:
        """Insert a record stamped with the authority."""
        stored = scoped(authority, record)
        await self.collection.insert_one(stored, session=session)
        return stored

    async def update_one(
        self,
        authority: str,
        query: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        session: Session | None = None,
    ) -> Document | None:
        """Apply an update to one record of this authority and return it as it is after."""
        _refuse_authority_change(authority, update)
        return await self.collection.find_one_and_update(
            scoped(authority, query),
            dict(update),
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def delete_one(
        self, authority: str, query: Mapping[str, Any], *, session: Session | None = None
    ) -> bool:
        """Delete one record of this authority; say whether one was deleted."""
        result = await self.collection.delete_one(scoped(authority, query), session=session)
        return result.deleted_count == 1

    async def count(self, authority: str, query: Mapping[str, Any] | None = None) -> int:
        """How many records of this authority match."""
        return await self.collection.count_documents(scoped(authority, query))

    async def save_at_version(
        self,
        authority: str,
        record_id: str,
        *,
        changes: Mapping[str, Any],
        expected_version: int,
    ) -> Document:
        """Set fields of one record and bump its version, if nobody changed it since
        `expected_version` (0: never saved, so it is made now); PreconditionFailed otherwise."""
        _refuse_authority_change(authority, {"$set": changes})
        try:
            saved = await self.collection.find_one_and_update(
                scoped(authority, {"_id": record_id, "version": expected_version}),
                {"$set": dict(changes), "$inc": {"version": 1}},
                upsert=expected_version == 0,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            # Someone saved first: the upsert met their record.
            saved = None
        if saved is None:
            raise PreconditionFailed()
        return saved
