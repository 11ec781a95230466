"""The applicant's appointments: what is coming and what has been, a calendar by month, week
or day (plain links: no script needed), and each appointment as a calendar file."""

import datetime
from collections import defaultdict
from typing import Annotated, Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from contracts import words
from web.account.identity import items_of
from web.appointments.calendar import LONDON, Period, chosen_date, chosen_view, today
from web.cases.applications import ApplicantDep
from web.gateway import GatewayUnavailable
from web.i18n import CATALOGUES, current_language, format_date
from web.i18n import gettext as _
from web.pages import authority_base, render

router = APIRouter(include_in_schema=False)

AppointmentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
# How far back the past appointments reach, and forward the ones to come.
PAST_DAYS = 730
COMING_DAYS = 365
LISTED = 100


def clock_time(moment: datetime.datetime) -> str:
    """A London time as people read it: 10:00am, 10:00yb."""
    language = current_language.get()
    half = (
        CATALOGUES[language].gettext("am")
        if moment.hour < 12
        else CATALOGUES[language].gettext("pm")
    )
    return babel_format_time(moment.time(), "h:mm", locale=language) + half


def shown(appointment: dict[str, Any]) -> dict[str, Any]:
    """An appointment as the pages show it, in London time and the page's language."""
    language = current_language.get()
    starts = datetime.datetime.fromisoformat(appointment["starts_at"]).astimezone(LONDON)
    ends = datetime.datetime.fromisoformat(appointment["ends_at"]).astimezone(LONDON)
    return {
        **appointment,
        "day": starts.date(),
        "date_text": format_date(starts.date()),
        "weekday": babel_format_date(starts.date(), "EEEE", locale=language),
        "time_text": _("%(start)s to %(end)s")
        % {"start": clock_time(starts), "end": clock_time(ends)},
        "start_text": clock_time(starts),
        "type_text": words.appointment_type(appointment["appointment_type"], language),
        "how_text": words.appointment_how(appointment["how"], language),
        "ended": ends <= datetime.datetime.now(LONDON),
        "cancelled": appointment["status"] == "cancelled",
    }


async def _between(
    applicant: ApplicantDep, first: datetime.date, last: datetime.date
) -> list[dict[str, Any]]:
    answer = await applicant.call(
        "GET",
        "/appointments",
        params={"from": first.isoformat(), "to": last.isoformat(), "limit": str(LISTED)},
    )
    if answer.status != 200:
        raise GatewayUnavailable(f"appointments answered {answer.status}")
    return [shown(item) for item in items_of(answer)]


def _link(base: str, view: str, day: datetime.date) -> str:
    return f"{base}/appointments?view={view}&date={day.isoformat()}"


@router.get("/{authority}/appointments")
async def appointments_page(request: Request, applicant: ApplicantDep) -> Response:
    """My appointments: a calendar, then those to come and those that have been."""
    language = current_language.get()
    base = authority_base(request)
    period = Period.of(
        chosen_view(request.query_params.get("view")),
        chosen_date(request.query_params.get("date")),
    )
    now = today()
    shown_in_period = await _between(applicant, period.first, period.last)
    by_day: dict[datetime.date, list[dict[str, Any]]] = defaultdict(list)
    for item in shown_in_period:
        by_day[item["day"]].append(item)
    coming = [
        item
        for item in await _between(applicant, now, now + datetime.timedelta(days=COMING_DAYS))
        if not item["ended"]
    ]
    past = [
        item
        for item in await _between(applicant, now - datetime.timedelta(days=PAST_DAYS), now)
        if item["ended"]
    ]
    if period.view == "month":
        heading = babel_format_date(period.day, "LLLL y", locale=language)
    elif period.view == "week":
        heading = _("Week beginning %(day)s") % {"day": format_date(period.first)}
    else:
        heading = babel_format_date(period.day, "EEEE d MMMM y", locale=language)
    context = {
        "period": period,
        "heading": heading,
        "by_day": by_day,
        "today": now,
        "weekdays": [babel_format_date(day, "EEE", locale=language) for day in period.weeks[0]]
        if period.view == "month"
        else [],
        "day_name": lambda day: babel_format_date(day, "EEEE d MMMM", locale=language),
        "views": [
            {"view": view, "text": text, "href": _link(base, view, period.day)}
            for view, text in (("month", _("Month")), ("week", _("Week")), ("day", _("Day")))
        ],
        "previous_text": {
            "month": _("Previous month"),
            "week": _("Previous week"),
            "day": _("Previous day"),
        }[period.view],
        "next_text": {"month": _("Next month"), "week": _("Next week"), "day": _("Next day")}[
            period.view
        ],
        "previous_href": _link(base, period.view, period.previous),
        "next_href": _link(base, period.view, period.following),
        "today_href": _link(base, period.view, now),
        "day_href": lambda day: _link(base, "day", day),
        "coming": coming,
        "past": list(reversed(past)),
    }
    return render(request, "appointments/appointments.html", context)


@router.get("/{authority}/appointments/{appointment_id}.ics")
async def calendar_file(
    request: Request, applicant: ApplicantDep, appointment_id: AppointmentId
) -> Response:
    """The appointment as a file to add to a calendar, passed on as it arrives."""
    download = await applicant.download(f"/cases/appointments/{appointment_id}.ics")
    return download.as_attachment()
