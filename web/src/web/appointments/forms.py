"""The officer's appointment forms: what, how and where, the day and times, with whom."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from contracts import words
from web.account.registration_forms import Errors
from web.appointments.calendar import LONDON
from web.casework.forms import DateField
from web.i18n import current_language
from web.i18n import gettext as _
from web.staff.forms import text_of

TYPES = ("interview", "assessment", "viewing", "review")
WAYS = ("in_person", "phone", "video")
CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
DETAIL_MAX = 500
NAME_MAX = 120
REASON_MAX = 500


def _time(text: str) -> datetime.time | None:
    found = CLOCK.match(text)
    return datetime.time(int(found.group(1)), int(found.group(2))) if found else None


@dataclass
class AppointmentForm(Errors):
    """An appointment to book, or the new day and times of one to move."""

    moving: bool = False
    appointment_type: str = ""
    how: str = ""
    detail: str = ""
    officer_name: str = ""
    day: DateField = field(default_factory=lambda: DateField("day"))
    starts: str = ""
    ends: str = ""
    version: str = ""

    @classmethod
    def of(cls, appointment: dict[str, Any], *, version: str) -> "AppointmentForm":
        """The form filled from an appointment as it is."""
        starts = datetime.datetime.fromisoformat(appointment["starts_at"]).astimezone(LONDON)
        ends = datetime.datetime.fromisoformat(appointment["ends_at"]).astimezone(LONDON)
        return cls(
            moving=True,
            appointment_type=appointment["appointment_type"],
            how=appointment["how"],
            detail=appointment["detail"],
            officer_name=appointment["officer_name"],
            day=DateField("day", str(starts.day), str(starts.month), str(starts.year)),
            starts=starts.strftime("%H:%M"),
            ends=ends.strftime("%H:%M"),
            version=version,
        )

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when every field is right, else None with the errors set."""
        self.version = text_of(form, "version")
        if not self.moving:
            self.appointment_type = text_of(form, "appointment_type")
            if self.appointment_type not in TYPES:
                self.errors["appointment_type"] = _("Select the type of appointment")
        self.how = text_of(form, "how")
        if self.how not in WAYS:
            self.errors["how"] = _("Select how the appointment is held")
        self.detail = text_of(form, "detail")
        if not self.detail:
            self.errors["detail"] = _("Enter where it is, the number to call or the video link")
        elif len(self.detail) > DETAIL_MAX:
            self.errors["detail"] = _("This must be %(count)s characters or fewer") % {
                "count": DETAIL_MAX
            }
        self.day.read(form)
        day = self.day.value()
        if day is None:
            self.errors["day"] = _("Enter the day of the appointment, for example 29 3 2027")
        self.starts = text_of(form, "starts")
        self.ends = text_of(form, "ends")
        starts, ends = _time(self.starts), _time(self.ends)
        if starts is None:
            self.errors["starts"] = _("Enter the time it starts, for example 10:00 or 14:30")
        if ends is None:
            self.errors["ends"] = _("Enter the time it ends, for example 11:00 or 15:30")
        elif starts is not None and ends <= starts:
            self.errors["ends"] = _("The appointment must end after it starts")
        if not self.moving:
            self.officer_name = text_of(form, "officer_name")
            if not self.officer_name or len(self.officer_name) > NAME_MAX:
                self.errors["officer_name"] = _(
                    "Enter the officer's name, as the applicant sees it"
                )
        if self.errors or day is None or starts is None or ends is None:
            return None
        body: dict[str, Any] = {
            "how": self.how,
            "detail": self.detail,
            "starts_at": datetime.datetime.combine(day, starts, tzinfo=LONDON).isoformat(),
            "ends_at": datetime.datetime.combine(day, ends, tzinfo=LONDON).isoformat(),
        }
        if not self.moving:
            body |= {"appointment_type": self.appointment_type, "officer_name": self.officer_name}
        return body

    def type_items(self) -> list[dict[str, Any]]:
        """The types of appointment to choose from."""
        language = current_language.get()
        return [
            {
                "value": name,
                "text": words.appointment_type(name, language),
                "checked": name == self.appointment_type,
            }
            for name in TYPES
        ]

    def how_items(self) -> list[dict[str, Any]]:
        """The ways an appointment is held."""
        language = current_language.get()
        return [
            {
                "value": name,
                "text": words.appointment_how(name, language),
                "checked": name == self.how,
            }
            for name in WAYS
        ]
