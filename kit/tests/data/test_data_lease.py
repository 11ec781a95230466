"""A lease in MongoDB: one holder at a time, handed over on release or expiry."""

import asyncio

from kit.lease import Lease
from kit.mongo import Mongo


class TestLease:
    async def test_only_one_of_two_holders_holds_it(self, mongo: Mongo) -> None:
        first = Lease(mongo, "outbox-relay:cases")
        second = Lease(mongo, "outbox-relay:cases")

        assert await first.hold() is True
        assert await second.hold() is False
        # Renewing keeps it with the holder.
        assert await first.hold() is True
        assert await second.hold() is False

    async def test_only_one_of_many_racing_holders_takes_it(self, mongo: Mongo) -> None:
        holders = [Lease(mongo, "outbox-relay:documents") for _ in range(8)]

        results = await asyncio.gather(*(holder.hold() for holder in holders))

        assert results.count(True) == 1
        (winner,) = [h for h, held in zip(holders, results, strict=True) if held]
        record = await mongo.db[Lease.collection_name].find_one({"_id": winner.name})
        assert record is not None
        assert record["holder"] == winner.holder

    async def test_the_other_takes_it_after_release(self, mongo: Mongo) -> None:
        first = Lease(mongo, "outbox-relay:identity")
        second = Lease(mongo, "outbox-relay:identity")
        assert await first.hold() is True

        await first.release()

        assert await second.hold() is True
        assert await first.hold() is False

    async def test_release_by_a_non_holder_changes_nothing(self, mongo: Mongo) -> None:
        first = Lease(mongo, "outbox-relay:gateway")
        second = Lease(mongo, "outbox-relay:gateway")
        assert await first.hold() is True

        await second.release()

        assert await second.hold() is False
        assert await first.hold() is True

    async def test_the_other_takes_it_after_expiry(self, mongo: Mongo) -> None:
        first = Lease(mongo, "outbox-relay:notifications", seconds=2.0)
        # Long enough that the first cannot win it back while the test runs.
        second = Lease(mongo, "outbox-relay:notifications", seconds=30)
        assert await first.hold() is True
        assert await second.hold() is False

        await asyncio.sleep(2.2)

        assert await second.hold() is True
        assert await first.hold() is False

    async def test_renewal_pushes_expiry_back(self, mongo: Mongo) -> None:
        first = Lease(mongo, "outbox-relay:renewed", seconds=1.0)
        second = Lease(mongo, "outbox-relay:renewed", seconds=1.0)
        assert await first.hold() is True

        # Renewed every 0.4 s, it is still held well past its first 1 s.
        for _ in range(4):
            await asyncio.sleep(0.4)
            assert await first.hold() is True
            assert await second.hold() is False

    async def test_leases_with_different_names_are_independent(self, mongo: Mongo) -> None:
        cases = Lease(mongo, "outbox-relay:cases")
        documents = Lease(mongo, "outbox-relay:documents")

        assert await cases.hold() is True
        assert await documents.hold() is True

    async def test_quick_calls_write_only_when_a_third_has_gone_by(self, mongo: Mongo) -> None:
        holder = Lease(mongo, "outbox-relay:quiet", seconds=3.0)
        other = Lease(mongo, "outbox-relay:quiet", seconds=3.0)
        leases = mongo.db[Lease.collection_name]
        assert await holder.hold() is True
        written = await leases.find_one({"_id": holder.name})
        assert written is not None

        for _ in range(5):
            assert await holder.hold() is True
            assert await other.hold() is False
        assert await leases.find_one({"_id": holder.name}) == written

        await asyncio.sleep(1.1)
        assert await holder.hold() is True
        renewed = await leases.find_one({"_id": holder.name})
        assert renewed is not None
        assert renewed["expires_at"] > written["expires_at"]
        assert renewed["holder"] == holder.holder
