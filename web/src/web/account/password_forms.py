"""The form to change a password, and the messages for identity's refusals."""

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import PASSWORD_MAX, Errors, rules_of
from web.i18n import gettext as _

FIELDS = ("current_password", "new_password", "confirm_password")
# Identity's rule for a new password the same as the current one.
NOT_CURRENT = "not_current"


def _secret(form: FormData, name: str) -> str:
    # Passwords are taken as typed: spaces may be part of them.
    value = form.get(name)
    return value if isinstance(value, str) else ""


@dataclass
class PasswordChangeForm(Errors):
    """The current password, the new one, and the new one again."""

    # The rules identity answered with when the new password was too weak.
    broken_rules: list[str] = field(default_factory=list)

    def read(self, form: FormData) -> dict[str, str] | None:
        """The body for identity when every field is filled in, else None with the errors set."""
        sent = {name: _secret(form, name) for name in FIELDS}
        if not sent["current_password"]:
            self.errors["current_password"] = _("Enter your current password")
        if not sent["new_password"]:
            self.errors["new_password"] = _("Enter a new password")
        elif len(sent["new_password"]) > PASSWORD_MAX:
            self.errors["new_password"] = _("Password must be 128 characters or fewer")
        if sent["new_password"] and not sent["confirm_password"]:
            self.errors["confirm_password"] = _("Enter your new password again")
        elif sent["new_password"] and sent["confirm_password"] != sent["new_password"]:
            self.errors["confirm_password"] = _("The passwords you entered do not match")
        return sent if not self.errors else None

    def refused(self, code: str | None, details: Any) -> None:
        """Set the error that explains identity's refusal on the field it concerns."""
        if code == "wrong_password":
            self.errors["current_password"] = _("Your current password is not right")
        elif code == "passwords_do_not_match":
            self.errors["confirm_password"] = _("The passwords you entered do not match")
        elif code == "password_too_weak":
            self._too_weak(details)
        elif code == "validation_failed" and self._invalid_fields(details):
            return
        else:
            self.errors["current_password"] = _(
                "Sorry, your password could not be changed. Try again later"
            )

    def _too_weak(self, details: Any) -> None:
        rules = details.get("rules") if isinstance(details, dict) else None
        codes = [rule.get("code") for rule in rules or [] if isinstance(rule, dict)]
        if codes == [NOT_CURRENT]:
            self.errors["new_password"] = _(
                "Your new password must be different from your current password"
            )
            return
        self.broken_rules = rules_of(details)
        self.errors["new_password"] = _("Choose a stronger password")

    def _invalid_fields(self, details: Any) -> bool:
        for problem in details if isinstance(details, list) else []:
            where = problem.get("loc", []) if isinstance(problem, dict) else []
            name = where[-1] if where else ""
            if name == "current_password":
                self.errors[name] = _("Your current password is not right")
            elif name in {"new_password", "confirm_password"}:
                self.errors[name] = _("Password must be 128 characters or fewer")
        return bool(self.errors)
