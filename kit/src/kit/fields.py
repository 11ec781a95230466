"""Field types of request bodies that every service reads the same way."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _calendar_date(value: object) -> object:
    """A day written YYYY-MM-DD (or a date already read from the store); never a number,
    which the validator would otherwise take for a count of seconds since 1970."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("Give the date as YYYY-MM-DD")


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]


@dataclass(frozen=True)
class Trimmed:
    """Text with spaces trimmed from its ends, as `Annotated[str, Trimmed(200)]`.

    The limits the document declares hold for the text as sent, so nothing longer than
    `max_length`, or off `pattern`, is let through because its ends were spaces; what is
    left once trimmed must still be `min_length` long, so a field of spaces is empty."""

    max_length: int
    min_length: int = 1
    pattern: str | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.str_schema(
            min_length=self.min_length, max_length=self.max_length, pattern=self.pattern
        )
        return core_schema.no_info_after_validator_function(self._trim, text)

    def _trim(self, value: str) -> str:
        value = value.strip()
        if len(value) < self.min_length:
            raise PydanticCustomError(
                "string_too_short",
                "String should have at least {min_length} characters once trimmed",
                {"min_length": self.min_length},
            )
        if self.pattern is not None and not re.search(self.pattern, value):
            raise PydanticCustomError(
                "string_pattern_mismatch",
                "String should match pattern '{pattern}' once trimmed",
                {"pattern": self.pattern},
            )
        return value
