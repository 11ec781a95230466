"""The form of adding a user to a landlord organisation."""

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from web.i18n import gettext as _
from web.roles import role_name
from web.staff.forms import PersonForm, text_of

LANDLORD_ROLES = ("landlord_user", "landlord_admin")


@dataclass
class UserForm(PersonForm):
    """A new user of the organisation, with their role."""

    role: str = "landlord_user"

    def read(self, form: FormData) -> bool:
        """Whether every field is right, else False with the errors set."""
        self.read_person(form)
        self.role = text_of(form, "role")
        if self.role not in LANDLORD_ROLES:
            self.errors["role"] = _("Select a role")
        return not self.errors

    def role_choices(self) -> list[dict[str, Any]]:
        """The role radios' items."""
        hints = {
            "landlord_user": _("Sees and works on the cases about your organisation"),
            "landlord_admin": _("Also manages your organisation's users"),
        }
        return [
            {
                "value": role,
                "text": role_name(role),
                "hint": {"text": hints[role]},
                "checked": role == self.role,
            }
            for role in LANDLORD_ROLES
        ]

    def refused(self, code: str | None, details: Any) -> None:
        """Set the errors that explain identity's refusal."""
        if code == "already_a_member":
            self.errors["email"] = _("This person already has an account with this role here")
            return
        super().refused(code, details)
        if self.errors.get("email") == _(
            "Sorry, the invitation could not be sent. Try again later"
        ):
            self.errors["email"] = _("Sorry, the user could not be created. Try again later")
