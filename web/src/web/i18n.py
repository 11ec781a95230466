"""The page's language (English or Welsh), its translations and its date formats."""

import datetime
from contextvars import ContextVar
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from contracts.fields import LANGUAGES, Language
from kit.i18n import DEFAULT_LANGUAGE, as_language, load_catalogues

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "as_language"]

LANGUAGE_COOKIE = "portal_language"
# The query parameter the language switch sets; the choice is kept in LANGUAGE_COOKIE.
LANGUAGE_PARAMETER = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

current_language: ContextVar[Language] = ContextVar("current_language", default=DEFAULT_LANGUAGE)

CATALOGUES = load_catalogues(TRANSLATIONS_DIR)


def gettext(message: str) -> str:
    """The message in the current page's language."""
    return CATALOGUES[current_language.get()].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message, for `count`, in the current page's language."""
    return CATALOGUES[current_language.get()].ngettext(singular, plural, count)


def format_date(value: datetime.date, *, language: Language | None = None) -> str:
    """A date as people write it in the language, e.g. 1 March 2026 / 1 Mawrth 2026."""
    return babel_format_date(value, "d MMMM y", locale=language or current_language.get())


LOCAL_TIME = ZoneInfo("Europe/London")


def format_moment(value: datetime.datetime, *, language: Language | None = None) -> str:
    """A moment in UK time as people write it, e.g. 1 March 2026, 14:05."""
    aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    return babel_format_datetime(
        aware, "d MMMM y, HH:mm", tzinfo=LOCAL_TIME, locale=language or current_language.get()
    )
