"""Data access scoped to one authority never reaches another authority's records."""

from typing import Any

import pytest

from kit.mongo import Mongo
from kit.repository import AuthorityRepository, CrossAuthorityQuery, scoped


class CaseRepository(AuthorityRepository):
    """Housing cases, one set per authority."""

    collection_name = "cases"


class TestScoped:
    def test_adds_the_authority_to_the_query(self) -> None:
        query = {"status": "open"}

        assert scoped("rugby", query) == {"status": "open", "authority": "rugby"}
        assert query == {"status": "open"}

    def test_no_query_means_every_record_of_the_authority(self) -> None:
        assert scoped("rugby") == {"authority": "rugby"}

    def test_naming_the_same_authority_is_allowed(self) -> None:
        assert scoped("rugby", {"authority": "rugby", "ref": "R-1"}) == {
            "authority": "rugby",
            "ref": "R-1",
        }

    @pytest.mark.parametrize(
        "named",
        ["watford", {"$in": ["rugby", "watford"]}, {"$ne": "rugby"}, {"$exists": True}, None],
    )
    def test_naming_another_authority_is_refused(self, named: Any) -> None:
        with pytest.raises(CrossAuthorityQuery):
            scoped("rugby", {"authority": named, "status": "open"})


@pytest.fixture
async def cases(mongo: Mongo) -> CaseRepository:
    """Cases for two authorities with the same references."""
    repository = CaseRepository(mongo)
    for authority in ("rugby", "watford"):
        for number in range(3):
            await repository.insert(
                authority,
                {"_id": f"{authority}-{number}", "ref": f"R-{number}", "status": "open"},
            )
    return repository


class TestAuthorityRepository:
    async def test_insert_stamps_the_authority(self, cases: CaseRepository) -> None:
        stored = await cases.insert("rugby", {"_id": "rugby-9", "ref": "R-9"})

        assert stored["authority"] == "rugby"
        assert await cases.collection.find_one({"_id": "rugby-9"}) == {
            "_id": "rugby-9",
            "ref": "R-9",
            "authority": "rugby",
        }

    async def test_insert_for_another_authority_is_refused(self, cases: CaseRepository) -> None:
        with pytest.raises(CrossAuthorityQuery):
            await cases.insert("rugby", {"_id": "x", "authority": "watford"})

        assert await cases.collection.find_one({"_id": "x"}) is None

    async def test_find_one_sees_only_its_authority(self, cases: CaseRepository) -> None:
        found = await cases.find_one("rugby", {"ref": "R-1"})

        assert found is not None
        assert found["_id"] == "rugby-1"
        assert await cases.find_one("rugby", {"_id": "watford-1"}) is None

    async def test_find_many_sees_only_its_authority(self, cases: CaseRepository) -> None:
        found = await cases.find_many("rugby", sort=[("ref", -1)])

        assert [case["_id"] for case in found] == ["rugby-2", "rugby-1", "rugby-0"]
        assert {case["authority"] for case in found} == {"rugby"}

    async def test_find_many_honours_the_limit(self, cases: CaseRepository) -> None:
        assert len(await cases.find_many("watford", {"status": "open"}, limit=2)) == 2

    async def test_update_cannot_touch_another_authority(self, cases: CaseRepository) -> None:
        updated = await cases.update_one("rugby", {"_id": "watford-0"}, {"$set": {"status": "x"}})

        assert updated is None
        other = await cases.collection.find_one({"_id": "watford-0"})
        assert other is not None
        assert other["status"] == "open"

    async def test_update_returns_the_record_as_it_is_after(self, cases: CaseRepository) -> None:
        updated = await cases.update_one("rugby", {"ref": "R-0"}, {"$set": {"status": "closed"}})

        assert updated is not None
        assert (updated["_id"], updated["status"]) == ("rugby-0", "closed")
        other = await cases.collection.find_one({"_id": "watford-0"})
        assert other is not None
        assert other["status"] == "open"

    @pytest.mark.parametrize(
        "update",
        [
            {"$set": {"authority": "watford"}},
            {"$unset": {"authority": ""}},
            {"$rename": {"ref": "authority"}},
            {"$rename": {"authority": "previous_authority"}},
        ],
    )
    async def test_update_cannot_move_a_record_to_another_authority(
        self, cases: CaseRepository, update: dict[str, Any]
    ) -> None:
        with pytest.raises(CrossAuthorityQuery):
            await cases.update_one("rugby", {"_id": "rugby-0"}, update)

        assert await cases.count("rugby") == 3
        assert await cases.count("watford") == 3

    async def test_update_setting_the_same_authority_is_allowed(
        self, cases: CaseRepository
    ) -> None:
        updated = await cases.update_one(
            "rugby", {"_id": "rugby-0"}, {"$set": {"authority": "rugby", "status": "closed"}}
        )

        assert updated is not None
        assert updated["status"] == "closed"

    async def test_delete_cannot_touch_another_authority(self, cases: CaseRepository) -> None:
        assert await cases.delete_one("rugby", {"_id": "watford-1"}) is False
        assert await cases.count("watford") == 3

        assert await cases.delete_one("rugby", {"ref": "R-1"}) is True
        assert await cases.count("rugby") == 2
        assert await cases.count("watford") == 3

    async def test_count_counts_only_its_authority(self, cases: CaseRepository) -> None:
        await cases.insert("rugby", {"_id": "rugby-closed", "ref": "R-8", "status": "closed"})

        assert await cases.count("rugby") == 4
        assert await cases.count("rugby", {"status": "open"}) == 3
        assert await cases.count("watford") == 3
        assert await cases.count("kingston") == 0

    async def test_every_method_refuses_a_query_naming_another_authority(
        self, cases: CaseRepository
    ) -> None:
        other = {"authority": "watford"}
        with pytest.raises(CrossAuthorityQuery):
            await cases.find_one("rugby", other)
        with pytest.raises(CrossAuthorityQuery):
            await cases.find_many("rugby", other)
        with pytest.raises(CrossAuthorityQuery):
            await cases.update_one("rugby", other, {"$set": {"status": "closed"}})
        with pytest.raises(CrossAuthorityQuery):
            await cases.delete_one("rugby", other)
        with pytest.raises(CrossAuthorityQuery):
            await cases.count("rugby", other)
        assert await cases.count("watford", {"status": "open"}) == 3
