"""The forms of an application besides its questions: contact details, a member of the
household, a change of circumstances; and the API's refusals as errors on their fields."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import Errors
from web.cases.questions import Question
from web.i18n import gettext as _

# What the cases API takes as a phone number and a version (a quoted number in its ETag).
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
ETAG = re.compile(r'^"[0-9]{1,18}"$')
NI_NUMBER = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")
PHONES = ("home_phone", "mobile_phone", "work_phone")
CONTACT_METHODS = ("home_phone", "mobile_phone", "work_phone", "email", "letter")
RELATIONSHIPS = ("applicant", "partner", "child", "parent", "sibling", "other_relative", "other")
STALE = "stale"
NAME_MAX = 200
NOTE_MAX = 2000


def text_of(form: FormData, name: str) -> str:
    """A field's value without the spaces around it; empty when it is missing."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def version_of(form: FormData) -> str | None:
    """The version of the case the form was filled from, if it carried a well-formed one."""
    value = form.get("version")
    return value if isinstance(value, str) and ETAG.match(value) else None


def problems_at(details: Any, prefix: str) -> list[str]:
    """The names of the fields under `prefix` that the API's validation answer found wrong."""
    names = []
    for problem in details if isinstance(details, list) else []:
        where = [str(part) for part in problem.get("loc", [])] if isinstance(problem, dict) else []
        if prefix in where:
            rest = where[where.index(prefix) + 1 :]
            names.append(rest[-1] if rest else prefix)
    return names


def stale_message() -> str:
    """The error when the application changed after the page was opened."""
    return _(
        "Your application was changed in another window or on another device after you opened "
        "this page. Check your answer, then save it again."
    )


@dataclass
class ContactForm(Errors):
    """Phone numbers with whether to call them, the email address, the preferred method."""

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, contact: dict[str, Any] | None) -> "ContactForm":
        """The form filled in with the details held."""
        return cls(values=dict(contact or {}))

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The contact details when they are right, else None with the errors set."""
        contact: dict[str, Any] = {}
        for phone in PHONES:
            number = text_of(form, phone)
            contact[phone] = number or None
            contact[f"{phone}_ok_to_call"] = text_of(form, f"{phone}_ok_to_call") == "yes"
            if number and not PHONE.match(number):
                self.errors[phone] = _("Enter a phone number, like 01632 960 001 or 07700 900 982")
        email = text_of(form, "email")
        contact["email"] = email or None
        contact["email_ok_to_email"] = text_of(form, "email_ok_to_email") == "yes"
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            self.errors["email"] = _(
                "Enter an email address in the correct format, like name@example.com"
            )
        method = text_of(form, "preferred_contact_method")
        contact["preferred_contact_method"] = method or None
        if method and method not in CONTACT_METHODS:
            self.errors["preferred_contact_method"] = _("Select how you would like to be contacted")
        elif method in PHONES and not contact[method]:
            self.errors[method] = _("Enter the phone number you would like us to call")
        elif method == "email" and not email:
            self.errors["email"] = _("Enter the email address you would like us to use")
        self.values = contact
        return contact if not self.errors else None

    def refused(self, details: Any) -> None:
        """Put the API's validation errors on the fields it names."""
        for name in problems_at(details, "contact"):
            if name in PHONES:
                self.errors[name] = _("Enter a phone number, like 01632 960 001 or 07700 900 982")
            elif name == "email":
                self.errors[name] = _(
                    "Enter an email address in the correct format, like name@example.com"
                )
        if not self.errors:
            self.errors["home_phone"] = _("Check your contact details and try again")


@dataclass
class MemberForm(Errors):
    """Someone who would live with the applicant."""

    name: str = ""
    national_insurance_number: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    relationship: str = ""

    def read(self, form: FormData, *, today: datetime.date) -> dict[str, Any] | None:
        """The member when every field is right, else None with the errors set."""
        self.name = text_of(form, "name")
        self.national_insurance_number = text_of(form, "national_insurance_number")
        self.day, self.month, self.year = (
            text_of(form, f"date_of_birth-{part}") for part in ("day", "month", "year")
        )
        self.relationship = text_of(form, "relationship")
        if not self.name:
            self.errors["name"] = _("Enter their full name")
        elif len(self.name) > NAME_MAX:
            self.errors["name"] = _("Their name must be 200 characters or fewer")
        number = re.sub(r"\s+", "", self.national_insurance_number).upper()
        if number and not NI_NUMBER.match(number):
            self.errors["national_insurance_number"] = _(
                "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
            )
        born = self._date_of_birth(today)
        if self.relationship not in RELATIONSHIPS:
            self.errors["relationship"] = _("Select how they are related to you")
        if self.errors or born is None:
            return None
        return {
            "name": self.name,
            "national_insurance_number": number or None,
            "date_of_birth": born.isoformat(),
            "relationship": self.relationship,
        }

    def _date_of_birth(self, today: datetime.date) -> datetime.date | None:
        if not (self.day or self.month or self.year):
            self.errors["date_of_birth-day"] = _("Enter their date of birth")
            return None
        try:
            born = datetime.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            self.errors["date_of_birth-day"] = _("Date of birth must be a real date")
            return None
        if not datetime.date(1900, 1, 1) <= born <= today:
            self.errors["date_of_birth-day"] = _("Date of birth must be in the past")
            return None
        return born

    def refused(self, details: Any) -> None:
        """Put the API's validation errors on the fields it names."""
        names = problems_at(details, "household")
        if "national_insurance_number" in names:
            self.errors["national_insurance_number"] = _(
                "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
            )
        if "date_of_birth" in names:
            self.errors["date_of_birth-day"] = _("Date of birth must be in the past")
        if not self.errors:
            self.errors["name"] = _("Check the details of the people in your household")


@dataclass
class CircumstancesForm(Errors):
    """What changed, told to the housing team, with the answers that change with it."""

    note: str = ""
    # Each question's field as the page holds it, filled in first with the answer held.
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, questions: list[Question], held: dict[str, Any]) -> "CircumstancesForm":
        """The form filled in with the answers held."""
        return cls(values={q.id: q.form_value(held.get(q.id)) for q in questions})

    def read(
        self, form: FormData, questions: list[Question], held: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        """The note and the answers changed, when all is right; else None with the errors set."""
        self.note = text_of(form, "note")
        if not self.note:
            self.errors["note"] = _("Tell us what has changed")
        elif len(self.note) > NOTE_MAX:
            self.errors["note"] = _("What has changed must be 2000 characters or fewer")
        changed: dict[str, Any] = {}
        for question in questions:
            self.values[question.id] = text_of(form, question.id)
            answer, error = question.read(self.values[question.id])
            if error is None and answer is None and question.required:
                error = question.missing()
            if error is not None:
                self.errors[question.id] = error
            elif answer != held.get(question.id):
                changed[question.id] = answer
        return (self.note, changed) if not self.errors else None
