"""Turns an email's template and facts into its subject, plain-text body and HTML body."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from kit.authorities import Authority

UK_TIME = ZoneInfo("Europe/London")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class RenderedEmail:
    """What an email says: one subject line and the same message as text and as HTML."""

    subject: str
    text: str
    html: str


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


def uk_time(moment: datetime) -> str:
    """A moment as people in the UK read it: `3:45pm on 14 May 2024`, `9am on 1 June 2024`."""
    local = moment.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    clock = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    return f"{clock} on {local.day} {MONTHS[local.month - 1]} {local.year}"


def duration(span: timedelta) -> str:
    """A span of time in words, rounded: `10 minutes`, `24 hours`, `7 days`."""
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 90:
        count, unit = minutes, "minute"
    elif minutes < 48 * 60:
        count, unit = round(minutes / 60), "hour"
    else:
        count, unit = round(minutes / (24 * 60)), "day"
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


class EmailTemplates:
    """The email templates shipped with the service (Jinja, HTML autoescaped)."""

    def __init__(self) -> None:
        self.environment = Environment(
            loader=PackageLoader("notifications.emails", "templates"),
            # Only the HTML bodies are markup; plain text and subjects must stay as written.
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, template: str, facts: Mapping[str, Any]) -> RenderedEmail:
        """Render one email; an unknown template or a missing fact raises."""
        subject = one_line(self.environment.get_template(f"{template}.subject.txt").render(facts))
        context = {**facts, "subject": subject}
        text = self.environment.get_template(f"{template}.txt").render(context)
        html = self.environment.get_template(f"{template}.html").render(context)
        return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
