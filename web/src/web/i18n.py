"""The page's language (English or Welsh), its translations and its date formats."""

import datetime
from contextvars import ContextVar
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time

from contracts.fields import LANGUAGES, Language
from kit.i18n import DEFAULT_LANGUAGE, as_language, load_catalogues

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "as_language"]

LANGUAGE_COOKIE = "portal_language"
# The query parameter the language switch sets; the choice is kept in LANGUAGE_COOKIE.
LANGUAGE_PARAMETER = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

# Times are stored in UTC and shown as people in England and Wales read their clocks.
LOCAL_TIME = ZoneInfo("Europe/London")

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


def format_moment(value: datetime.datetime | str, *, language: Language | None = None) -> str:
    """A moment in UK time, e.g. 1 March 2026 at 4:05pm / 1 Mawrth 2026 am 4:05yh.

    An API's ISO 8601 text is read first; naive times are UTC, as the services store them.
    """
    chosen = language or current_language.get()
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)
    local = aware.astimezone(LOCAL_TIME)
    day = babel_format_date(local.date(), "d MMMM y", locale=chosen)
    # CLDR gives Welsh "am" and "pm"; people write "yb" and "yh" (y bore, yr hwyr).
    catalogue = CATALOGUES[chosen]
    half = catalogue.gettext("am") if local.hour < 12 else catalogue.gettext("pm")
    time = babel_format_time(local.time(), "h:mm", locale=chosen) + half
    joined = catalogue.gettext("%(day)s at %(time)s")
    return joined % {"day": day, "time": time}
