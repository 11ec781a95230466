"""Due work under a claim: taken by one worker at a time, given back when the claim lapses,
and a holder's outcome refused once its claim is gone."""

import asyncio
from datetime import UTC, datetime, timedelta

from kit.claims import claim_due, while_held
from kit.mongo import Mongo

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)
HOLD = timedelta(minutes=1)


async def waiting(mongo: Mongo, count: int) -> None:
    await mongo.db.work.insert_many(
        [
            {"_id": f"work-{n}", "status": "waiting", "due_at": NOW + timedelta(seconds=n)}
            for n in range(count)
        ]
    )


class TestClaims:
    async def test_racing_workers_each_take_different_work(self, mongo: Mongo) -> None:
        await waiting(mongo, 5)
        later = NOW + timedelta(minutes=5)
        taken = await asyncio.gather(
            *(
                claim_due(
                    mongo.db.work,
                    {"status": "waiting"},
                    holding="working",
                    token=f"worker-{n}",
                    now=later,
                    hold_for=HOLD,
                )
                for n in range(8)
            )
        )
        held = [record["_id"] for record in taken if record is not None]
        assert sorted(held) == [f"work-{n}" for n in range(5)]
        for record in taken:
            if record is not None:
                assert record["attempts"] == 1
                assert record["due_at"] == later + HOLD

    async def test_nothing_before_it_is_due(self, mongo: Mongo) -> None:
        await waiting(mongo, 1)
        early = await claim_due(
            mongo.db.work,
            {"status": "waiting"},
            holding="working",
            token="early",
            now=NOW - timedelta(seconds=1),
            hold_for=HOLD,
        )
        assert early is None

    async def test_a_lapsed_claim_is_taken_again_and_the_old_holder_refused(
        self, mongo: Mongo
    ) -> None:
        await waiting(mongo, 1)

        async def take(token: str, now: datetime) -> bool:
            record = await claim_due(
                mongo.db.work,
                {"status": "working"} if token != "first" else {"status": "waiting"},
                holding="working",
                token=token,
                now=now,
                hold_for=HOLD,
            )
            return record is not None

        assert await take("first", NOW)
        assert not await take("second", NOW + HOLD - timedelta(seconds=1))
        assert await take("second", NOW + HOLD)
        first = await mongo.db.work.update_one(
            while_held({"_id": "work-0"}, holding="working", token="first"),
            {"$set": {"status": "done"}},
        )
        assert first.modified_count == 0
        second = await mongo.db.work.update_one(
            while_held({"_id": "work-0"}, holding="working", token="second"),
            {"$set": {"status": "done"}},
        )
        assert second.modified_count == 1
