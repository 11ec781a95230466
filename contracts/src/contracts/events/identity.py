"""Events about accounts and sign-in, published by identity.

Those that lead to an email carry what the email needs: the person's address and name, and
for links and codes the secret itself. They travel only between our services; nothing logs a
payload.
"""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.fields import EmailAddress, Language
from contracts.payload import EventPayload

Role = Literal[
    "applicant",
    "officer",
    "manager",
    "authority_admin",
    "landlord_user",
    "landlord_admin",
    "platform_admin",
]
FactorKind = Literal["email_code", "totp", "recovery_codes"]


class _Recipient(BaseModel):
    """Who an account email goes to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="The account, once one exists."
    )
    email: EmailAddress
    first_name: str = Field(min_length=1, max_length=100)
    language: Language = Field(
        default="en", description="The language the person chose: the email is written in it."
    )


class ConfirmationRequested(EventPayload, _Recipient):
    """A new account must confirm its email address with the link."""

    event_type = "identity.account.confirmation_requested"
    event_version = 1

    link: str = Field(min_length=1, max_length=2048)
    expires_at: AwareDatetime


class RegistrationAttempted(EventPayload, _Recipient):
    """Someone tried to register with an address that already has an account."""

    event_type = "identity.account.registration_attempted"
    event_version = 1

    sign_in_link: str = Field(min_length=1, max_length=2048)
    reset_link: str = Field(min_length=1, max_length=2048)


class SignInCodeIssued(EventPayload, _Recipient):
    """A one-time code for the second step of signing in, or for setting up the email factor."""

    event_type = "identity.signin.code_issued"
    event_version = 1

    code: str = Field(pattern=r"^[0-9]{6}$")
    purpose: Literal["sign_in", "enrol"]
    expires_at: AwareDatetime


class SignInLocked(EventPayload, _Recipient):
    """Too many wrong second-factor answers after a right password: signing in is paused."""

    event_type = "identity.signin.locked"
    event_version = 1

    wrong_answers: int = Field(ge=1, description="Wrong answers that led to the lock.")
    locked_until: AwareDatetime
    reset_link: str = Field(
        min_length=1, max_length=2048, description="The page for choosing a new password."
    )


class PasswordResetRequested(EventPayload, _Recipient):
    """A single-use link to choose a new password."""

    event_type = "identity.password.reset_requested"
    event_version = 1

    link: str = Field(min_length=1, max_length=2048)
    expires_at: AwareDatetime


class PasswordChanged(EventPayload, _Recipient):
    """The password was changed or reset; every session was ended if it was a reset."""

    event_type = "identity.password.changed"
    event_version = 1

    changed_at: AwareDatetime
    by_reset: bool


class FactorAdded(EventPayload, _Recipient):
    """A sign-in factor was added to the account."""

    event_type = "identity.factor.added"
    event_version = 1

    factor: FactorKind
    added_at: AwareDatetime


class StaffInvited(EventPayload, _Recipient):
    """An administrator invited someone; the link sets their password."""

    event_type = "identity.staff.invited"
    event_version = 1

    role: Role
    organisation_name: str | None = Field(default=None, min_length=1, max_length=200)
    invited_by: str = Field(min_length=1, max_length=200, description="The inviter's name.")
    link: str = Field(min_length=1, max_length=2048)
    expires_at: AwareDatetime


class AccountDeactivated(EventPayload):
    """An account was made inactive (or restricted) for an authority: it can no longer act."""

    event_type = "identity.account.deactivated"
    event_version = 1

    user_id: str = Field(min_length=1, max_length=64)
    reason: Literal["deactivated", "restricted"]
    until: AwareDatetime | None = None


class AccountReactivated(EventPayload):
    """An account made inactive, or a restricted person, may act for the authority again."""

    event_type = "identity.account.reactivated"
    event_version = 1

    user_id: str = Field(min_length=1, max_length=64)
    reason: Literal["reactivated", "restriction_lifted"]


SessionEndReason = Literal[
    "signed_out",
    "password_reset",
    "password_changed",
    "refresh_token_reused",
    "refused",
    "deactivated",
    "restricted",
]


class SessionEnded(EventPayload):
    """A sign-in session ended: its access tokens must be refused everywhere at once."""

    event_type = "identity.session.ended"
    event_version = 1

    user_id: str = Field(min_length=1, max_length=64)
    session_id: str = Field(min_length=1, max_length=64)
    reason: SessionEndReason
    ended_at: AwareDatetime
    tokens_expire_by: AwareDatetime = Field(
        description="When the last access token of the session expires; forget it after that."
    )
