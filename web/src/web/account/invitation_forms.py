"""The form that accepts an invitation: a password, typed twice."""

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import PASSWORD_MAX, Errors, rules_of
from web.i18n import gettext as _


def _secret(form: FormData, name: str) -> str:
    # Passwords are taken as typed: spaces may be part of them.
    value = form.get(name)
    return value if isinstance(value, str) else ""


@dataclass
class AcceptanceForm(Errors):
    """The password to set (or an existing account's own), and the same again."""

    broken_rules: list[str] = field(default_factory=list)

    def read(self, form: FormData) -> str | None:
        """The password when both fields are right, else None with the errors set."""
        password = _secret(form, "password")
        confirmation = _secret(form, "password_confirmation")
        if not password:
            self.errors["password"] = _("Enter a password")
        elif len(password) > PASSWORD_MAX:
            self.errors["password"] = _("Password must be 128 characters or fewer")
        if not confirmation and password:
            self.errors["password_confirmation"] = _("Enter your password again")
        elif password and confirmation != password:
            self.errors["password_confirmation"] = _("The passwords you entered do not match")
        return password if not self.errors else None

    def refused(self, code: str | None, details: Any) -> None:
        """Set the error that explains identity's refusal of the password."""
        if code == "password_too_weak":
            self.broken_rules = rules_of(details)
            self.errors["password"] = _("Choose a stronger password")
        elif code == "wrong_password":
            self.errors["password"] = _(
                "You already have an account with this email address: enter its password"
            )
        elif code == "validation_failed":
            self.errors["password"] = _("Password must be 128 characters or fewer")
        else:
            self.errors["password"] = _(
                "Sorry, the invitation could not be accepted. Try again later"
            )
