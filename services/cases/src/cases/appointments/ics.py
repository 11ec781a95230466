"""An appointment as an iCalendar file people add to their own calendar.

The times are given in Europe/London with its VTIMEZONE, so a calendar shows the local time
whichever side of a clock change the appointment falls. The UID stays the same for the
appointment's life and SEQUENCE grows with each change, so a calendar replaces its copy; a
cancelled appointment goes out as METHOD:CANCEL with STATUS:CANCELLED.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from cases.appointments.models import AppointmentRecord
from contracts import words

LONDON = ZoneInfo("Europe/London")
PRODUCT = "-//Housing Portal//Appointments//EN"


def uid(appointment: AppointmentRecord) -> str:
    """The appointment's iCalendar UID: the same for every copy made of it."""
    return f"{appointment.id}@{appointment.authority}.appointments.housing-portal"


def appointment_ics(appointment: AppointmentRecord, *, authority_name: str) -> bytes:
    """The appointment as an iCalendar file in the language of the person concerned."""
    language = appointment.language
    cancelled = appointment.status == "cancelled"
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("created", appointment.created_at)
    event.add("last-modified", appointment.updated_at)
    event.add("dtstart", appointment.starts_at.astimezone(LONDON))
    event.add("dtend", appointment.ends_at.astimezone(LONDON))
    kind = words.appointment_type(appointment.appointment_type, language)
    how = words.appointment_how(appointment.how, language)
    event.add("summary", f"{kind}: {authority_name} ({appointment.reference})")
    event.add("description", f"{how}: {appointment.detail}\n{appointment.officer_name}")
    if appointment.how == "in_person":
        event.add("location", appointment.detail)
    organizer = vCalAddress("mailto:noreply@housing-portal.invalid")
    organizer.params["cn"] = vText(appointment.officer_name)
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    # The rules of the year around the appointment are all a calendar needs to place it.
    calendar.add_missing_timezones(
        first_date=(appointment.starts_at - timedelta(days=366)).date(),
        last_date=(appointment.ends_at + timedelta(days=366)).date(),
    )
    ics: bytes = calendar.to_ical()
    return ics
