"""The Mongo wrapper: transactions across collections, declared indexes and client options."""

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from kit.mongo import Index, Mongo, Session
from portalstack.endpoints import Stack


class CaseClosureRefused(Exception):
    """Raised inside a transaction to abandon it."""


class TestTransaction:
    async def test_commits_both_collections_and_returns_the_result(self, mongo: Mongo) -> None:
        async def open_case(session: Session) -> str:
            await mongo.db["cases"].insert_one(
                {"_id": "C-1", "authority": "rugby", "status": "open"}, session=session
            )
            await mongo.db["outbox"].insert_one(
                {"_id": "E-1", "type": "case.opened", "case_id": "C-1"}, session=session
            )
            return "C-1"

        assert await mongo.transaction(open_case) == "C-1"

        assert await mongo.db["cases"].count_documents({"_id": "C-1"}) == 1
        assert await mongo.db["outbox"].count_documents({"_id": "E-1"}) == 1

    async def test_rolls_back_both_collections_when_the_work_fails(self, mongo: Mongo) -> None:
        await mongo.db["cases"].insert_one({"_id": "C-2", "authority": "rugby", "status": "open"})

        async def close_case(session: Session) -> None:
            await mongo.db["cases"].update_one(
                {"_id": "C-2"}, {"$set": {"status": "closed"}}, session=session
            )
            await mongo.db["outbox"].insert_one(
                {"_id": "E-2", "type": "case.closed", "case_id": "C-2"}, session=session
            )
            raise CaseClosureRefused

        with pytest.raises(CaseClosureRefused):
            await mongo.transaction(close_case)

        case = await mongo.db["cases"].find_one({"_id": "C-2"})
        assert case is not None
        assert case["status"] == "open"
        assert await mongo.db["outbox"].count_documents({}) == 0

    async def test_writes_are_invisible_outside_until_commit(self, mongo: Mongo) -> None:
        seen_outside: list[int] = []

        async def open_case(session: Session) -> None:
            await mongo.db["cases"].insert_one(
                {"_id": "C-3", "authority": "rugby"}, session=session
            )
            await mongo.db["outbox"].insert_one({"_id": "E-3", "case_id": "C-3"}, session=session)
            seen_outside.append(await mongo.db["cases"].count_documents({"_id": "C-3"}))
            seen_outside.append(await mongo.db["outbox"].count_documents({"_id": "E-3"}))

        await mongo.transaction(open_case)

        assert seen_outside == [0, 0]
        assert await mongo.db["cases"].count_documents({"_id": "C-3"}) == 1

    async def test_a_failed_write_rolls_back_the_earlier_one(self, mongo: Mongo) -> None:
        await mongo.db["outbox"].insert_one({"_id": "E-4"})

        async def open_case(session: Session) -> None:
            await mongo.db["cases"].insert_one(
                {"_id": "C-4", "authority": "rugby"}, session=session
            )
            await mongo.db["outbox"].insert_one({"_id": "E-4"}, session=session)

        with pytest.raises(DuplicateKeyError):
            await mongo.transaction(open_case)

        assert await mongo.db["cases"].count_documents({}) == 0


CASE_INDEXES = [
    Index("cases", [("authority", 1), ("reference", 1)], name="cases_reference", unique=True),
    Index("cases", [("authority", 1), ("updated_at", -1)], name="cases_recent"),
    Index(
        "sessions",
        [("expires_at", 1)],
        name="sessions_expiry",
        options={"expireAfterSeconds": 0},
    ),
]


def described(index: Mapping[str, Any]) -> tuple[list[tuple[str, int]], bool, Any]:
    """An index's keys, uniqueness and expiry as the server lists them."""
    return (
        [(field, int(order)) for field, order in index["key"].items()],
        bool(index.get("unique", False)),
        index.get("expireAfterSeconds"),
    )


class TestEnsureIndexes:
    async def test_creates_every_declared_index(self, mongo: Mongo) -> None:
        await mongo.ensure_indexes(CASE_INDEXES)

        cases = {ix["name"]: ix async for ix in await mongo.db["cases"].list_indexes()}
        sessions = {ix["name"]: ix async for ix in await mongo.db["sessions"].list_indexes()}
        assert set(cases) == {"_id_", "cases_reference", "cases_recent"}
        assert described(cases["cases_reference"]) == (
            [("authority", 1), ("reference", 1)],
            True,
            None,
        )
        assert described(cases["cases_recent"]) == (
            [("authority", 1), ("updated_at", -1)],
            False,
            None,
        )
        assert set(sessions) == {"_id_", "sessions_expiry"}
        assert described(sessions["sessions_expiry"]) == ([("expires_at", 1)], False, 0)

    async def test_is_idempotent(self, mongo: Mongo) -> None:
        await mongo.ensure_indexes(CASE_INDEXES)
        await mongo.ensure_indexes(CASE_INDEXES)

        names = [ix["name"] async for ix in await mongo.db["cases"].list_indexes()]
        assert sorted(names) == ["_id_", "cases_recent", "cases_reference"]

    async def test_drops_a_retired_index_and_minds_none_gone_already(self, mongo: Mongo) -> None:
        await mongo.ensure_indexes(CASE_INDEXES)
        retired = [replace(index, retired=True) for index in CASE_INDEXES]

        await mongo.ensure_indexes(retired)
        await mongo.ensure_indexes(retired)

        names = [ix["name"] async for ix in await mongo.db["cases"].list_indexes()]
        assert names == ["_id_"]

    async def test_unique_index_rejects_a_duplicate(self, mongo: Mongo) -> None:
        await mongo.ensure_indexes(CASE_INDEXES)
        cases = mongo.db["cases"]
        await cases.insert_one({"authority": "rugby", "reference": "R-1"})

        with pytest.raises(DuplicateKeyError):
            await cases.insert_one({"authority": "rugby", "reference": "R-1"})

        # The same reference is free in another authority.
        await cases.insert_one({"authority": "watford", "reference": "R-1"})
        assert await cases.count_documents({"reference": "R-1"}) == 2


class TestClientOptions:
    async def test_server_selection_timeout_defaults_to_five_seconds(self, stack: Stack) -> None:
        mongo = Mongo(stack.mongo_url, "unused")

        assert mongo.client.options.server_selection_timeout == 5.0
        await mongo.close()

    async def test_server_selection_timeout_in_the_url_wins(self, stack: Stack) -> None:
        mongo = Mongo(f"{stack.mongo_url}&serverSelectionTimeoutMS=500", "unused")

        assert mongo.client.options.server_selection_timeout == 0.5
        await mongo.close()

    async def test_idle_connections_are_dropped_before_the_store_closes_them(
        self, stack: Stack
    ) -> None:
        mongo = Mongo(stack.mongo_url, "unused")
        # The store closes connections idle for 300 s; the driver must not reuse one that old.
        assert mongo.client.options.pool_options.max_idle_time_seconds == 240.0
        await mongo.close()
        chosen = Mongo(f"{stack.mongo_url}&maxIdleTimeMS=1000", "unused")
        assert chosen.client.options.pool_options.max_idle_time_seconds == 1.0
        await chosen.close()

    async def test_stores_timezone_aware_datetimes_and_standard_uuids(self, mongo: Mongo) -> None:
        case_id = uuid.uuid4()
        await mongo.db["cases"].insert_one({"_id": case_id, "authority": "rugby"})

        stored = await mongo.db["cases"].find_one({"_id": case_id})
        await mongo.db["cases"].update_one({"_id": case_id}, {"$currentDate": {"at": True}})
        updated = await mongo.db["cases"].find_one({"_id": case_id})

        assert stored is not None
        assert stored["_id"] == case_id
        assert updated is not None
        assert updated["at"].tzinfo is not None
