"""The days a calendar page shows: a month of weeks, one week, or one day, in London time,
with the addresses of the page before and after; all plain links, no script needed."""

import calendar
import datetime
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
View = Literal["month", "week", "day"]
VIEWS: tuple[View, ...] = ("month", "week", "day")


def today() -> datetime.date:
    """Today in England and Wales."""
    return datetime.datetime.now(LONDON).date()


def chosen_view(text: str | None) -> View:
    """The view asked for; a month unless it names another."""
    for view in VIEWS:
        if text == view:
            return view
    return "month"


def chosen_date(text: str | None) -> datetime.date:
    """The date asked for; today unless it is a date."""
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return today()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, 1)


@dataclass(frozen=True)
class Period:
    """The days one calendar page shows, and the pages either side."""

    view: View
    day: datetime.date
    first: datetime.date
    last: datetime.date
    previous: datetime.date
    following: datetime.date

    @classmethod
    def of(cls, view: View, day: datetime.date) -> "Period":
        """The month, week (Monday to Sunday) or day around a date."""
        if view == "month":
            start = day.replace(day=1)
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            return cls(
                view,
                day,
                start - datetime.timedelta(days=start.weekday()),
                end + datetime.timedelta(days=6 - end.weekday()),
                _add_months(start, -1),
                _add_months(start, 1),
            )
        if view == "week":
            monday = day - datetime.timedelta(days=day.weekday())
            return cls(
                view,
                day,
                monday,
                monday + datetime.timedelta(days=6),
                monday - datetime.timedelta(days=7),
                monday + datetime.timedelta(days=7),
            )
        one = datetime.timedelta(days=1)
        return cls(view, day, day, day, day - one, day + one)

    @property
    def days(self) -> list[datetime.date]:
        """Every day shown, in order."""
        count = (self.last - self.first).days + 1
        return [self.first + datetime.timedelta(days=n) for n in range(count)]

    @property
    def weeks(self) -> list[list[datetime.date]]:
        """The days shown, a week (Monday first) at a time."""
        days = self.days
        return [days[n : n + 7] for n in range(0, len(days), 7)]
