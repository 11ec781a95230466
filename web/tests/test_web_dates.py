"""Dates and times as people in England and Wales read them, in English and Welsh."""

import datetime

from web.i18n import format_date, format_moment


def test_a_date_is_written_out_in_each_language() -> None:
    day = datetime.date(2026, 3, 1)
    assert format_date(day, language="en") == "1 March 2026"
    assert format_date(day, language="cy") == "1 Mawrth 2026"


def test_a_moment_is_shown_on_uk_clocks() -> None:
    # 15:05 UTC in July is 4:05pm British Summer Time; in January the clocks agree.
    summer = datetime.datetime(2026, 7, 1, 15, 5, tzinfo=datetime.UTC)
    assert format_moment(summer, language="en") == "1 July 2026 at 4:05pm"
    assert format_moment(summer, language="cy") == "1 Gorffennaf 2026 am 4:05yh"
    assert format_moment("2026-01-10T09:30:00", language="en") == "10 January 2026 at 9:30am"
    assert format_moment("2026-01-10T09:30:00+00:00", language="cy") == "10 Ionawr 2026 am 9:30yb"
