"""The sign-in form and the messages for identity's refusals."""

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from web.i18n import gettext as _


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class SignInForm:
    """Email address and password, with an error per field."""

    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def read(self, form: FormData) -> str | None:
        """The password when both fields are filled in, else None with the errors set."""
        self.email = _text(form, "email")
        password = form.get("password")
        if not self.email:
            self.errors["email"] = _("Enter your email address")
        elif "@" not in self.email:
            self.errors["email"] = _(
                "Enter an email address in the correct format, like name@example.com"
            )
        if not isinstance(password, str) or not password:
            self.errors["password"] = _("Enter your password")
            return None
        return password if not self.errors else None

    def refused(self, code: str | None) -> None:
        """Set the error that explains identity's refusal."""
        messages = {
            "invalid_credentials": _("Enter a correct email address and password"),
            "too_many_attempts": _("You have tried to sign in too many times. Try again later"),
            "account_locked": _(
                "Your account is locked after too many attempts. We have emailed you "
                "what to do next"
            ),
            "email_not_confirmed": _(
                "Confirm your email address first, using the link we emailed you"
            ),
            "not_a_member": _("Enter a correct email address and password"),
            "account_inactive": _("Your account is not active. Contact us for help"),
            "access_restricted": _("Your access has been restricted. Contact us for help"),
        }
        self.errors["email"] = messages.get(code or "", _("Sorry, you could not be signed in"))

    def start_again(self) -> None:
        """Set the error for a sign-in whose second step identity no longer takes."""
        self.errors["email"] = _(
            "Your sign-in timed out or had too many wrong codes. Sign in again"
        )

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries, each linking to its field."""
        return [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]
