"""The forms of inviting staff, restricting access and filtering the audit log."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import NAME_MAX, Errors
from web.i18n import LOCAL_TIME
from web.i18n import gettext as _
from web.roles import role_name

STAFF_ROLES = ("officer", "manager", "authority_admin")
REASON_MAX = 500


def text_of(form: FormData, name: str) -> str:
    """A field's text, trimmed; empty when it was not sent."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def email_error(email: str) -> str | None:
    """What is wrong with an email address typed in, if anything."""
    if not email:
        return _("Enter an email address")
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 254:
        return _("Enter an email address in the correct format, like name@example.com")
    return None


@dataclass
class PersonForm(Errors):
    """A person to invite or add: email address, first and last name."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""

    def read_person(self, form: FormData) -> None:
        """Read the three fields, setting an error on each that is wrong."""
        self.email = text_of(form, "email")
        self.first_name = text_of(form, "first_name")
        self.last_name = text_of(form, "last_name")
        error = email_error(self.email)
        if error is not None:
            self.errors["email"] = error
        if not self.first_name:
            self.errors["first_name"] = _("Enter their first name")
        elif len(self.first_name) > NAME_MAX:
            self.errors["first_name"] = _("First name must be 100 characters or fewer")
        if not self.last_name:
            self.errors["last_name"] = _("Enter their last name")
        elif len(self.last_name) > NAME_MAX:
            self.errors["last_name"] = _("Last name must be 100 characters or fewer")

    def refused(self, code: str | None, details: Any) -> None:
        """Set the errors that explain identity's refusal."""
        if code == "already_a_member":
            self.errors["email"] = _("This person already has this role here")
            return
        if code == "validation_failed" and isinstance(details, list):
            for problem in details:
                where = problem.get("loc", []) if isinstance(problem, dict) else []
                name = where[-1] if where else ""
                if name == "email":
                    self.errors["email"] = _(
                        "Enter an email address in the correct format, like name@example.com"
                    )
                elif name in {"first_name", "last_name"}:
                    self.errors[name] = _("Enter a name using letters, spaces and hyphens only")
            if self.errors:
                return
        self.errors["email"] = _("Sorry, the invitation could not be sent. Try again later")


@dataclass
class InvitationForm(PersonForm):
    """A member of staff to invite, with their role."""

    role: str = ""

    def read(self, form: FormData) -> bool:
        """Whether every field is right, else False with the errors set."""
        self.read_person(form)
        self.role = text_of(form, "role")
        if self.role not in STAFF_ROLES:
            self.errors["role"] = _("Select a role")
        return not self.errors

    def role_choices(self) -> list[dict[str, Any]]:
        """The role radios' items."""
        return [
            {"value": role, "text": role_name(role), "checked": role == self.role}
            for role in STAFF_ROLES
        ]


@dataclass
class RestrictionForm(Errors):
    """Why a person's access is restricted, and when it ends by itself (if ever)."""

    reason: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    # The date's parts that are wrong, for the date input to mark them.
    wrong_parts: list[str] = field(default_factory=list)
    # When it ends by itself; None: when it is lifted.
    until: datetime.datetime | None = None

    def read(self, form: FormData, *, today: datetime.date) -> bool:
        """Whether the fields are right, else False with the errors set."""
        self.reason = text_of(form, "reason")
        self.day = text_of(form, "until-day")
        self.month = text_of(form, "until-month")
        self.year = text_of(form, "until-year")
        if not self.reason:
            self.errors["reason"] = _("Enter the reason for restricting their access")
        elif len(self.reason) > REASON_MAX:
            self.errors["reason"] = _("The reason must be 500 characters or fewer")
        self.until = self._until(today)
        return not self.errors

    def _until(self, today: datetime.date) -> datetime.datetime | None:
        parts = {"day": self.day, "month": self.month, "year": self.year}
        if not any(parts.values()):
            return None
        self.wrong_parts = [name for name, value in parts.items() if not value.isdigit()]
        if self.wrong_parts:
            self.errors["until"] = _("The end date must be a real date, like 27 3 2027")
            return None
        try:
            ends = datetime.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            self.wrong_parts = ["day", "month", "year"]
            self.errors["until"] = _("The end date must be a real date, like 27 3 2027")
            return None
        if ends <= today:
            self.wrong_parts = ["day", "month", "year"]
            self.errors["until"] = _("The end date must be in the future")
            return None
        # The restriction ends as that day begins in the UK.
        return datetime.datetime.combine(ends, datetime.time(), tzinfo=LOCAL_TIME)

    def refused(self, code: str | None) -> None:
        """Set the error that explains identity's refusal."""
        if code == "until_in_past":
            self.wrong_parts = ["day", "month", "year"]
            self.errors["until"] = _("The end date must be in the future")
        elif code == "already_restricted":
            self.errors["reason"] = _("This person's access is restricted already")
        elif code == "cannot_restrict_self":
            self.errors["reason"] = _("You cannot restrict your own access")
        else:
            self.errors["reason"] = _(
                "Sorry, their access could not be restricted. Try again later"
            )

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries; the date's links to its first wrong part."""
        entries = []
        for name, text in self.errors.items():
            target = f"until-{(self.wrong_parts or ['day'])[0]}" if name == "until" else name
            entries.append({"text": text, "href": f"#{target}"})
        return entries

    def date_items(self) -> list[dict[str, Any]]:
        """The date input's day, month and year."""
        widths = {"day": 2, "month": 2, "year": 4}
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        return [
            {
                "name": part,
                "label": labels[part],
                "value": getattr(self, part),
                "classes": f"govuk-input--width-{widths[part]}"
                + (" govuk-input--error" if part in self.wrong_parts else ""),
            }
            for part in ("day", "month", "year")
        ]
