"""The forms to change a name and a phone number, and the messages for identity's refusals."""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import NAME_MAX, Errors
from web.i18n import LANGUAGES
from web.i18n import gettext as _

# What identity takes as a phone number (its ProfileChange schema).
PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
# The ETag identity gave with the profile the form was filled from: a version number, quoted.
ETAG = re.compile(r'^"[0-9]{1,18}"$')
STALE = "stale"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def etag_of(form: FormData) -> str | None:
    """The version the form was filled from, if it carried a well-formed one."""
    value = form.get("version")
    return value if isinstance(value, str) and ETAG.match(value) else None


@dataclass
class ProfileForm(Errors, ABC):
    """What both forms share: the version they were filled from, and the refusals."""

    version: str = ""

    def stale(self, current_version: str | None) -> None:
        """The profile changed after the form was filled from it: say so, and take the new one."""
        self.version = current_version or ""
        self.errors[STALE] = _(
            "Your details were changed in another window or on another device after you opened "
            "this page. Check the details below, then save them again."
        )

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries; the stale-profile one links to the first field."""
        first = self.first_field()
        return [
            {"text": text, "href": f"#{first if name == STALE else name}"}
            for name, text in self.errors.items()
        ]

    @abstractmethod
    def read(self, form: FormData) -> dict[str, Any] | None:
        """The change for identity when the form is right, else None with the errors set."""

    @abstractmethod
    def first_field(self) -> str:
        """The form's first field, where the stale-profile error sends the person."""

    def invalid(self, details: Any) -> bool:
        """Set the errors identity's validation answer names; whether it named any here."""
        for problem in details if isinstance(details, list) else []:
            where = problem.get("loc", []) if isinstance(problem, dict) else []
            name = where[-1] if where else ""
            message = self.invalid_message(str(name))
            if message is not None:
                self.errors[str(name)] = message
        return bool(self.errors)

    @abstractmethod
    def invalid_message(self, name: str) -> str | None:
        """The error for a field identity found invalid, if the form has that field."""


@dataclass
class NameForm(ProfileForm):
    """First and last name."""

    first_name: str = ""
    last_name: str = ""

    def first_field(self) -> str:
        """The first name comes first."""
        return "first_name"

    def read(self, form: FormData) -> dict[str, str] | None:
        """The change for identity when both names are right, else None with the errors set."""
        self.first_name = _text(form, "first_name")
        self.last_name = _text(form, "last_name")
        if not self.first_name:
            self.errors["first_name"] = _("Enter your first name")
        elif len(self.first_name) > NAME_MAX:
            self.errors["first_name"] = _("First name must be 100 characters or fewer")
        if not self.last_name:
            self.errors["last_name"] = _("Enter your last name")
        elif len(self.last_name) > NAME_MAX:
            self.errors["last_name"] = _("Last name must be 100 characters or fewer")
        if self.errors:
            return None
        return {"first_name": self.first_name, "last_name": self.last_name}

    def invalid_message(self, name: str) -> str | None:
        """Names identity refused."""
        return {
            "first_name": _("Enter your first name"),
            "last_name": _("Enter your last name"),
        }.get(name)


@dataclass
class PhoneForm(ProfileForm):
    """A phone number; left empty, it is removed."""

    phone: str = ""

    def first_field(self) -> str:
        """The one field."""
        return "phone"

    def read(self, form: FormData) -> dict[str, str | None] | None:
        """The change for identity when the number is right or empty, else None with the error."""
        self.phone = _text(form, "phone")
        if self.phone and not PHONE.match(self.phone):
            self.errors["phone"] = self.invalid_message("phone") or ""
            return None
        return {"phone": self.phone or None}

    def invalid_message(self, name: str) -> str | None:
        """A number identity refused."""
        if name != "phone":
            return None
        return _("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")


@dataclass
class LanguageForm(ProfileForm):
    """The language identity writes to the person in: English or Welsh."""

    language: str = ""

    def first_field(self) -> str:
        """The first choice, where the radios start."""
        return "language"

    def read(self, form: FormData) -> dict[str, str] | None:
        """The change for identity when a language was chosen, else None with the error."""
        self.language = _text(form, "language")
        if self.language not in LANGUAGES:
            self.language = ""
            self.errors["language"] = self.invalid_message("language") or ""
            return None
        return {"language": self.language}

    def invalid_message(self, name: str) -> str | None:
        """No language, or one identity does not write in."""
        if name != "language":
            return None
        return _("Select English or Welsh")


def refuse(form: ProfileForm, code: str | None, details: Any) -> None:
    """Set the error that explains identity's refusal (other than a stale version)."""
    if code == "validation_failed" and form.invalid(details):
        return
    form.errors[form.first_field()] = _("Sorry, your details could not be saved. Try again later")
