"""The forms of second factors: a code to sign in or set one up, a password to change one."""

import re
from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import FormData

from web.account.registration_forms import Errors
from web.i18n import gettext as _
from web.i18n import ngettext

Method = Literal["email_code", "totp", "recovery_code"]
SIX_DIGITS = re.compile(r"^\d{6}$")
# As identity makes them: ten letters and digits, shown in two groups ("abcde-fghjk").
RECOVERY_CODE = re.compile(r"^[a-z0-9]{10}$")


def _secret(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _code_errors() -> dict[str, str]:
    """The messages for identity's refusals of a code, whatever the method."""
    return {
        "too_many_attempts": _(
            "You have entered too many codes. Wait a few minutes, then try again"
        ),
        "account_locked": _(
            "Signing in to this account is paused after too many wrong codes. We have emailed "
            "you what to do next"
        ),
        "method_not_available": _("This way of signing in is not set up for your account"),
        "code_recently_sent": _(
            "We sent you a code less than a minute ago. Wait a minute before asking for another"
        ),
        "factor_exists": _("This way of signing in is already set up on your account"),
        "factor_not_found": _("Start setting this up again"),
    }


@dataclass
class CodeForm(Errors):
    """A code from a second factor; the code itself is never shown back on the page."""

    method: Method = "totp"

    def read(self, form: FormData) -> str | None:
        """The code, tidied, when it has the method's shape, else None with the error set."""
        typed = _secret(form, "code")
        if self.method == "recovery_code":
            code = "".join(typed.lower().split()).replace("-", "")
            if not code:
                self.errors["code"] = _("Enter a recovery code")
            elif not RECOVERY_CODE.match(code):
                self.errors["code"] = _(
                    "Enter the recovery code as it is written, like abcde-fghjk"
                )
            return None if self.errors else code
        code = "".join(typed.split())
        if not code:
            self.errors["code"] = _("Enter the security code")
        elif not SIX_DIGITS.match(code):
            self.errors["code"] = _("The security code must be 6 numbers")
        return None if self.errors else code

    def refused(self, code: str | None, details: Any = None) -> None:
        """Set the error that explains identity's refusal of the code, with the tries left
        before signing in must start again when identity counts them."""
        message = self.refused_message(code)
        left = details.get("attempts_left") if isinstance(details, dict) else None
        if isinstance(left, int) and left > 0:
            tries = ngettext(
                "You can try %(count)d more time before you need to sign in again",
                "You can try %(count)d more times before you need to sign in again",
                left,
            ) % {"count": left}
            message = f"{message}. {tries}"
        self.errors["code"] = message

    def refused_message(self, code: str | None) -> str:
        """The message that explains identity's refusal of the code."""
        if code == "code_invalid":
            return {
                "email_code": _(
                    "The security code is not right or has expired. Check the newest email "
                    "we sent you, or send a new code"
                ),
                "totp": _(
                    "The security code is not right. Enter the code your authenticator app "
                    "shows now"
                ),
                "recovery_code": _("This recovery code is not right or has been used already"),
            }[self.method]
        return _code_errors().get(
            code or "", _("Sorry, the code could not be checked. Try again later")
        )


@dataclass
class PasswordCheckForm(Errors):
    """The person's password, asked for again before a change to how they sign in."""

    def read(self, form: FormData) -> str | None:
        """The password as typed, else None with the error set."""
        password = _secret(form, "password")
        if not password:
            self.errors["password"] = _("Enter your password")
            return None
        return password

    def refused(self, code: str | None) -> None:
        """Set the error that explains identity's refusal of the change."""
        messages = {
            "wrong_password": _("Your password is not right"),
            "too_many_attempts": _(
                "You have tried too many times. Wait a few minutes, then try again"
            ),
            "account_locked": _(
                "Your account is locked after too many attempts. We have emailed you what to do "
                "next"
            ),
            "two_factor_required": _(
                "Your role here needs two-factor sign-in, so keep at least one way of signing in"
            ),
            "no_second_factor": _("Set up an authenticator app or email codes first"),
            **_code_errors(),
        }
        self.errors["password"] = messages.get(
            code or "", _("Sorry, the change could not be made. Try again later")
        )


@dataclass
class MethodChoiceForm(Errors):
    """The second factor chosen to set up."""

    method: str = ""

    def read(self, form: FormData) -> str | None:
        """`totp` or `email_code`, else None with the error set."""
        chosen = form.get("method")
        if chosen not in ("totp", "email_code"):
            self.errors["method"] = _("Select how you want to get security codes")
            return None
        self.method = str(chosen)
        return self.method
