"""Page cursors survive the round trip and refuse anything the API did not hand out."""

from datetime import UTC, datetime

import pytest

from kit.pagination import InvalidCursor, Position, decode_cursor, encode_cursor


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
