"""The statutory clocks of a homelessness case (Housing Act 1996 Part 7, as amended in 2017).

The law counts all three periods in calendar days:
- the prevention duty lasts 56 days from the day it began (s.195(8)(b));
- the relief duty lasts 56 days from the day it began (s.189B(7)(b));
- a review of a decision must be asked for within 21 days of being notified of it (s.202(3)).

Each clock also says how many working days are left before its date: Monday to Friday,
without the England and Wales bank holidays (the `holidays` package's rules, no network), as
offices count the time they have left to act.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

import holidays

ClockName = Literal["prevention", "relief", "review"]

# (calendar days, what people see)
PERIODS: dict[ClockName, tuple[int, str]] = {
    "prevention": (56, "Prevention duty ends"),
    "relief": (56, "Relief duty ends"),
    "review": (21, "Last day to ask for a review"),
}
# Which clock runs in which status, and the stage date it runs from.
RUNNING: dict[str, tuple[ClockName, str]] = {
    "prevention": ("prevention", "prevention_started_on"),
    "relief": ("relief", "relief_started_on"),
    "decision": ("review", "decision_notified_on"),
}


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of a year (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


@dataclass(frozen=True)
class Clock:
    """One statutory period: when it began, its last day, and what is left of it today."""

    name: ClockName
    label: str
    started_on: date
    due_on: date
    days_remaining: int
    working_days_remaining: int
    period_days: int


def clock(name: ClockName, started_on: date, *, today: date) -> Clock:
    """The clock begun on a day, as it stands today.

    `due_on` is `started_on` plus the period in calendar days; `days_remaining` counts calendar
    days from today to `due_on` (negative once passed); `working_days_remaining` counts the
    working days after today up to and including `due_on`.
    """
    period, label = PERIODS[name]
    due_on = started_on + timedelta(days=period)
    return Clock(
        name=name,
        label=label,
        started_on=started_on,
        due_on=due_on,
        days_remaining=(due_on - today).days,
        working_days_remaining=working_days_between(today, due_on),
        period_days=period,
    )


def clocks(stages: dict[str, date | None], *, today: date) -> list[Clock]:
    """Every clock a case's stage dates have started, oldest first."""
    found = []
    for name, started_field in RUNNING.values():
        started = stages.get(started_field)
        if started is not None:
            found.append(clock(name, started, today=today))
    return found


def running_due_on(status: str, stages: dict[str, date | None]) -> date | None:
    """The last day of the clock that runs in this status, if one does."""
    running = RUNNING.get(status)
    if running is None:
        return None
    name, started_field = running
    started = stages.get(started_field)
    if started is None:
        return None
    return started + timedelta(days=PERIODS[name][0])
