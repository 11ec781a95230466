"""Field types of request bodies that every service reads the same way."""

import re
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _calendar_date(value: object) -> object:
    """A day written YYYY-MM-DD (or a date already read from the store); never a number,
    which the validator would otherwise take for a count of seconds since 1970."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("Give the date as YYYY-MM-DD")


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]
