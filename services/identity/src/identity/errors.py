"""The errors identity answers with, each with a stable code."""

from datetime import datetime
from typing import Any

from kit.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized


class InvalidCredentials(Unauthorized):
    """The email and password do not match an account (or the account has no password yet)."""

    code = "invalid_credentials"
    message = "The email address or password is not right."


class TooManyAttempts(AppError):
    """Too many failures recently: wait before trying again."""

    status = 429
    code = "too_many_attempts"
    message = "Too many attempts. Wait a moment, then try again."

    def __init__(self, retry_after: int, *, code: str | None = None, message: str | None = None):
        seconds = max(1, retry_after)
        super().__init__(
            message,
            code=code,
            details={"retry_after_seconds": seconds},
            headers={"Retry-After": str(seconds)},
        )


class AccountLocked(TooManyAttempts):
    """Too many failed sign-ins in a row: the account is locked for a while."""

    code = "account_locked"
    message = (
        "Too many failed attempts to sign in. For your security, signing in to this account is "
        "paused; try again later or reset your password."
    )


class EmailNotConfirmed(Forbidden):
    """The account exists but its email address has not been confirmed."""

    code = "email_not_confirmed"
    message = (
        "Confirm your email address before signing in: use the link we emailed you, "
        "or ask for a new one."
    )


class NotAMember(Forbidden):
    """The person has no account with this authority."""

    code = "not_a_member"
    message = (
        "You do not have an account with this housing service yet. Sign in where you registered "
        "and add this one from your account."
    )


class AccountInactive(Forbidden):
    """The membership was made inactive by an administrator."""

    code = "account_inactive"
    message = "This account has been made inactive. Contact your organisation's administrator."


class AccessRestricted(Forbidden):
    """The authority restricted this person's access to its portal."""

    code = "access_restricted"

    def __init__(self, *, authority_name: str, reason: str, until: datetime | None) -> None:
        ending = f" until {until:%d %B %Y %H:%M} UTC" if until else ""
        message = (
            f"Your access to the {authority_name} portal has been restricted{ending} under the "
            "acceptable use policy. Contact the service by email or phone if you need help."
        )
        details: dict[str, Any] = {"reason": reason, "until": until.isoformat() if until else None}
        super().__init__(message, details=details)


class LinkInvalid(AppError):
    """The link is unknown, already used or replaced by a newer one."""

    status = 400
    code = "link_invalid"
    message = "This link is not valid. It may have been used already or replaced by a newer one."


class LinkExpired(AppError):
    """The link was valid but has expired."""

    status = 400
    code = "link_expired"
    message = "This link has expired. Ask for a new one."


class PasswordTooWeak(AppError):
    """The new password breaks a rule of the password policy."""

    status = 422
    code = "password_too_weak"
    message = "Choose a stronger password."


class PasswordsDoNotMatch(AppError):
    """The new password and its confirmation differ."""

    status = 422
    code = "passwords_do_not_match"
    message = "The new password and its confirmation are not the same."


class WrongPassword(AppError):
    """The current password given to confirm a sensitive change is not right."""

    status = 403
    code = "wrong_password"
    message = "Your current password is not right."


class ChallengeInvalid(AppError):
    """The sign-in challenge is unknown, finished, expired or out of attempts."""

    status = 401
    code = "challenge_invalid"
    message = "This sign-in has expired or is finished. Sign in again."


class CodeInvalid(AppError):
    """The one-time code is wrong, expired or already used."""

    status = 401
    code = "code_invalid"
    message = "That code is not right or has expired."


class MethodNotAvailable(AppError):
    """The second-factor method is not set up for this account or this step."""

    status = 400
    code = "method_not_available"
    message = "That method is not available here."


class CodeRecentlySent(TooManyAttempts):
    """A code was sent less than a minute ago."""

    code = "code_recently_sent"
    message = "A code was sent a moment ago. Wait a little before asking for another."


class FactorExists(Conflict):
    """The factor is already set up."""

    code = "factor_exists"
    message = "This method is already set up. Remove it first to set it up again."


class FactorNotFound(NotFound):
    """No such factor on the account."""

    code = "factor_not_found"
    message = "This method is not set up on your account."


class FactorRequired(Conflict):
    """Removing the factor would leave a role that must use two-factor sign-in without one."""

    code = "two_factor_required"
    message = "Your role here requires two-factor sign-in, so keep at least one method."


class RefreshTokenInvalid(Unauthorized):
    """The refresh token is unknown or expired."""

    code = "refresh_token_invalid"
    message = "Sign in again to continue."


class RefreshTokenReused(Unauthorized):
    """A refresh token was used twice: the session is ended in case it was stolen."""

    code = "refresh_token_reused"
    message = "For your security this session has been ended. Sign in again."


class SecondFactorNeeded(Forbidden):
    """Switching to an authority that requires two-factor sign-in for the caller's role."""

    code = "second_factor_required"
    message = "This housing service requires two-factor sign-in for your role. Sign in there."


class AlreadyMember(Conflict):
    """The person already has this membership or role."""

    code = "already_a_member"
    message = "This person already has an account with this role here."


class MemberNotFound(NotFound):
    """No such person in this authority (or not one the caller may manage)."""

    code = "member_not_found"
    message = "There is no such person here."
