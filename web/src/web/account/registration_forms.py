"""The forms of creating an account and asking for a new confirmation link."""

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.i18n import gettext as _

# The longest password identity takes.
PASSWORD_MAX = 128
NAME_MAX = 100


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _secret(form: FormData, name: str) -> str:
    # Passwords are taken as typed: spaces may be part of them.
    value = form.get(name)
    return value if isinstance(value, str) else ""


def rule_text(code: str, message: str) -> str:
    """A password rule in the person's language; identity's wording for a rule unknown here."""
    texts = {
        "min_length": _("10 characters minimum"),
        "uppercase": _("At least one uppercase letter"),
        "lowercase": _("At least one lowercase letter"),
        "digit": _("At least one number"),
        "symbol": _("At least one character that is not a letter or a number"),
        "not_common": _("Not a commonly used password"),
        "not_email": _("Does not contain your email address"),
    }
    return texts.get(code, message)


def rules_of(answer: Any) -> list[str]:
    """The rules in identity's answer (`{"rules": [{"code", "message"}]}`), translated."""
    rules = answer.get("rules") if isinstance(answer, dict) else None
    if not isinstance(rules, list):
        return []
    return [
        rule_text(str(rule.get("code", "")), str(rule.get("message", "")))
        for rule in rules
        if isinstance(rule, dict)
    ]


def _email_error(email: str) -> str | None:
    if not email:
        return _("Enter your email address")
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        return _("Enter an email address in the correct format, like name@example.com")
    return None


@dataclass
class Errors:
    """An error per field, in the order the fields appear."""

    errors: dict[str, str] = field(default_factory=dict)

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries, each linking to its field."""
        return [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]


@dataclass
class RegistrationForm(Errors):
    """A new account's names, email address and password, typed twice."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    # The rules identity answered with when the password was too weak.
    broken_rules: list[str] = field(default_factory=list)

    def read(self, form: FormData) -> str | None:
        """The password when every field is right, else None with the errors set."""
        self.first_name = _text(form, "first_name")
        self.last_name = _text(form, "last_name")
        self.email = _text(form, "email")
        password = _secret(form, "password")
        confirmation = _secret(form, "password_confirmation")
        if not self.first_name:
            self.errors["first_name"] = _("Enter your first name")
        elif len(self.first_name) > NAME_MAX:
            self.errors["first_name"] = _("First name must be 100 characters or fewer")
        if not self.last_name:
            self.errors["last_name"] = _("Enter your last name")
        elif len(self.last_name) > NAME_MAX:
            self.errors["last_name"] = _("Last name must be 100 characters or fewer")
        email_error = _email_error(self.email)
        if email_error is not None:
            self.errors["email"] = email_error
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
        """Set the errors that explain identity's refusal."""
        if code == "password_too_weak":
            self.broken_rules = rules_of(details)
            self.errors["password"] = _("Choose a stronger password")
            return
        if code == "validation_failed" and isinstance(details, list):
            for problem in details:
                where = problem.get("loc", []) if isinstance(problem, dict) else []
                name = where[-1] if where else ""
                if name in {"first_name", "last_name", "email", "password"}:
                    self.errors[name] = self._invalid(name)
            if self.errors:
                return
        self.errors["email"] = _("Sorry, your account could not be created. Try again later")

    @staticmethod
    def _invalid(name: str) -> str:
        return {
            "first_name": _("Enter your first name"),
            "last_name": _("Enter your last name"),
            "email": _("Enter an email address in the correct format, like name@example.com"),
            "password": _("Password must be 128 characters or fewer"),
        }[name]


@dataclass
class NewLinkForm(Errors):
    """The email address to send a new confirmation link to."""

    email: str = ""

    def read(self, form: FormData) -> bool:
        """Whether the address is right, else False with the error set."""
        self.email = _text(form, "email")
        error = _email_error(self.email)
        if error is not None:
            self.errors["email"] = error
        return error is None

    def refused(self, code: str | None) -> None:
        """Set the error that explains identity's refusal."""
        if code == "validation_failed":
            self.errors["email"] = _(
                "Enter an email address in the correct format, like name@example.com"
            )
        else:
            self.errors["email"] = _("Sorry, we could not send a new link. Try again later")


@dataclass
class NewPasswordForm(Errors):
    """A new password, typed twice."""

    # The rules identity answered with when the password was too weak.
    broken_rules: list[str] = field(default_factory=list)

    def read(self, form: FormData) -> str | None:
        """The password when both fields are right, else None with the errors set."""
        password = _secret(form, "password")
        confirmation = _secret(form, "password_confirmation")
        if not password:
            self.errors["password"] = _("Enter a new password")
        elif len(password) > PASSWORD_MAX:
            self.errors["password"] = _("Password must be 128 characters or fewer")
        if not confirmation and password:
            self.errors["password_confirmation"] = _("Enter your new password again")
        elif password and confirmation != password:
            self.errors["password_confirmation"] = _("The passwords you entered do not match")
        return password if not self.errors else None

    def refused(self, code: str | None, details: Any) -> None:
        """Set the error that explains identity's refusal of the password."""
        if code == "password_too_weak":
            self.broken_rules = rules_of(details)
            self.errors["password"] = _("Choose a stronger password")
        elif code == "passwords_do_not_match":
            self.errors["password_confirmation"] = _("The passwords you entered do not match")
        elif code == "validation_failed":
            self.errors["password"] = _("Password must be 128 characters or fewer")
        else:
            self.errors["password"] = _(
                "Sorry, your password could not be changed. Try again later"
            )
