"""Turns an email's template and facts into its subject, plain-text body and HTML body."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from contracts.fields import LANGUAGES, Language
from kit.authorities import Authority
from kit.i18n import DEFAULT_LANGUAGE, load_catalogues
from notifications.emails.casework import casework_wording

UK_TIME = ZoneInfo("Europe/London")
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
CATALOGUES = load_catalogues(TRANSLATIONS_DIR)


@dataclass(frozen=True)
class RenderedEmail:
    """What an email says: one subject line and the same message as text and as HTML."""

    subject: str
    text: str
    html: str
    language: Language = DEFAULT_LANGUAGE


def one_line(value: str) -> str:
    """The value with every run of whitespace, line breaks included, made one space."""
    return " ".join(value.split())


def web_address(value: object) -> str | None:
    """The value if it is an http(s) address, else None, so no other scheme reaches an href."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return None


def authority_facts(authority: Authority) -> dict[str, Any]:
    """What an email may show of the authority it is sent for, from the local registry copy."""
    return {
        "name": one_line(authority.name),
        "email": authority.contact.email,
        "phone": authority.contact.phone,
        "website": web_address(authority.contact.website),
        "colour": authority.branding.colour,
    }


def uk_time(moment: datetime, language: Language) -> str:
    """A moment as people in the UK read it: `3:45pm on 14 May 2024`, `9yb ar 1 Mehefin 2024`."""
    catalogue = CATALOGUES[language]
    local = moment.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    suffix = catalogue.gettext("am") if local.hour < 12 else catalogue.gettext("pm")
    clock = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    day = format_date(local.date(), "d MMMM y", locale=language)
    return catalogue.gettext("%(clock)s on %(day)s") % {"clock": clock, "day": day}


def duration(span: timedelta, language: Language) -> str:
    """A span of time in words, rounded: `10 minutes`, `24 hours`, `7 days`, `24 awr`."""
    catalogue = CATALOGUES[language]
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 90:
        words = catalogue.ngettext("%(count)s minute", "%(count)s minutes", minutes)
        count = minutes
    elif minutes < 48 * 60:
        count = round(minutes / 60)
        words = catalogue.ngettext("%(count)s hour", "%(count)s hours", count)
    else:
        count = round(minutes / (24 * 60))
        words = catalogue.ngettext("%(count)s day", "%(count)s days", count)
    return words % {"count": count}


def _environment(language: Language) -> Environment:
    environment = Environment(
        loader=PackageLoader("notifications.emails", "templates"),
        # Only the HTML bodies are markup; plain text and subjects must stay as written.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # New-style gettext escapes the values put into a translated HTML sentence.
    environment.install_gettext_translations(CATALOGUES[language], newstyle=True)  # type: ignore[attr-defined]
    # The words of each kind of casework email, from one table.
    environment.globals["casework_wording"] = functools.partial(
        casework_wording, catalogue=CATALOGUES[language]
    )
    return environment


class EmailTemplates:
    """The email templates shipped with the service (Jinja, HTML autoescaped), per language."""

    def __init__(self) -> None:
        self.environments = {language: _environment(language) for language in LANGUAGES}

    def render(
        self, template: str, facts: Mapping[str, Any], *, language: Language = DEFAULT_LANGUAGE
    ) -> RenderedEmail:
        """Render one email in the language; an unknown template or a missing fact raises."""
        environment = self.environments[language]
        context = {**facts, "language": language}
        subject = one_line(environment.get_template(f"{template}.subject.txt").render(context))
        context["subject"] = subject
        text = environment.get_template(f"{template}.txt").render(context)
        html = environment.get_template(f"{template}.html").render(context)
        return RenderedEmail(
            subject=subject, text=text.strip() + "\n", html=html, language=language
        )
