"""Page cursors survive the round trip and refuse anything the API did not hand out."""

from datetime import UTC, datetime, timedelta

import pytest

from kit.mongo import Index, Mongo
from kit.pagination import InvalidCursor, Position, decode_cursor, encode_cursor, newest_first


class TestCursors:
    def test_a_position_round_trips(self) -> None:
        position = Position(at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), id="abc")
        assert Position.decode(position.encode()) == position

    def test_values_round_trip(self) -> None:
        assert decode_cursor(encode_cursor(["watford"]), parts=1) == ["watford"]

    @pytest.mark.parametrize(
        "cursor",
        [
            "%%%",
            "bm90IGpzb24",  # "not json"
            encode_cursor(["2026-11-25T09:30:00", "abc"]),  # a time without its zone
            encode_cursor(["yesterday", "abc"]),
            encode_cursor(["2026-11-25T09:30:00+00:00"]),  # one part, two expected
            encode_cursor(["2026-11-25T09:30:00+00:00", "x" * 500]),
        ],
    )
    def test_a_forged_cursor_is_refused(self, cursor: str) -> None:
        with pytest.raises(InvalidCursor):
            Position.decode(cursor)

    def test_the_refusal_is_a_client_error(self) -> None:
        assert InvalidCursor().status == 400
        assert InvalidCursor().code == "invalid_cursor"


class TestNewestFirst:
    """Paging by (time, id) walks every record once, ties in time included, from index ranges."""

    async def test_pages_cover_every_record_once(self, mongo: Mongo) -> None:
        await mongo.ensure_indexes(
            [Index("notes", [("owner", 1), ("at", -1), ("_id", -1)], name="by_owner_newest")]
        )
        start = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
        # Three at one moment, so pages break inside a tie; another owner's are never shown.
        moments = [start, start, start, start + timedelta(seconds=1), start - timedelta(days=1)]
        records = [{"_id": f"note-{n}", "owner": "me", "at": at} for n, at in enumerate(moments)]
        await mongo.db["notes"].insert_many(
            [*records, {"_id": "theirs", "owner": "them", "at": start}]
        )
        seen: list[str] = []
        after = None
        while True:
            page = await newest_first(
                mongo.db["notes"], {"owner": "me"}, field="at", after=after, limit=2
            )
            seen += [record["_id"] for record in page]
            if len(page) < 2:
                break
            after = Position(at=page[-1]["at"], id=page[-1]["_id"])
        expected = sorted(records, key=lambda r: (r["at"], r["_id"]), reverse=True)
        assert seen == [record["_id"] for record in expected]
