"""Request and response bodies of signing in, challenges, tokens and sessions."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import AuthoritySlug, EmailAddress

SecondFactorMethod = Literal["email_code", "totp", "recovery_code"]
EnrolMethod = Literal["email_code", "totp"]
SignInStatus = Literal[
    "signed_in", "second_factor_required", "enrolment_required", "enrolment_offered"
]

_STRICT = ConfigDict(extra="forbid")


class SignInRequest(BaseModel):
    """Email address and password."""

    model_config = _STRICT

    email: EmailAddress
    password: str = Field(min_length=1, max_length=128)


class TokenPair(BaseModel):
    """A new session's tokens."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(description="Use once at POST /tokens/refresh for new tokens.")
    session_id: str
    authority: str
    roles: list[str]


class ChallengeView(BaseModel):
    """The step between a right password and a session."""

    challenge_id: str = Field(description="Send it back with the code; it is good for one session.")
    expires_at: datetime
    methods: list[SecondFactorMethod] = Field(
        description="For a second factor: the ways to answer. For enrolment: the ways to set up."
    )
    code_sent_to: str | None = Field(
        default=None, description="The masked address a code was just emailed to."
    )


class SignInResult(BaseModel):
    """Either a session, or the challenge to finish first."""

    status: SignInStatus = Field(
        description=(
            "`signed_in`: tokens are in `session`. `second_factor_required`: answer the "
            "challenge with a code. `enrolment_required`: this role must set up a second factor "
            "before signing in. `enrolment_offered`: set one up now, or choose later."
        )
    )
    session: TokenPair | None = None
    challenge: ChallengeView | None = None


class ChallengeRef(BaseModel):
    """Names a challenge."""

    model_config = _STRICT

    challenge_id: str = Field(min_length=16, max_length=128)


class ChallengeAnswer(ChallengeRef):
    """A code that answers the challenge."""

    method: SecondFactorMethod
    code: str = Field(min_length=6, max_length=32)


class EnrolmentStart(ChallengeRef):
    """The factor to set up while signing in."""

    method: EnrolMethod


class EnrolmentConfirmation(ChallengeRef):
    """The first code from the factor being set up."""

    method: EnrolMethod
    code: str = Field(min_length=6, max_length=6)


class CodeSent(BaseModel):
    """A code was emailed."""

    code_sent_to: str
    expires_at: datetime


class SignedInWithRecoveryCodes(BaseModel):
    """A session after setting up a factor, with recovery codes shown this once."""

    session: TokenPair
    recovery_codes: list[str] | None = Field(
        default=None, description="Shown only now: keep them somewhere safe."
    )


class RefreshRequest(BaseModel):
    """A refresh token to use (once)."""

    model_config = _STRICT

    refresh_token: str = Field(min_length=16, max_length=128)


class SwitchRequest(BaseModel):
    """The authority to switch to."""

    model_config = _STRICT

    authority: AuthoritySlug


class SessionView(BaseModel):
    """One of the caller's sessions."""

    id: str
    device: str
    address: str
    created_at: datetime
    last_used_at: datetime
    methods: list[str]
    current: bool


class SessionList(BaseModel):
    """The caller's sessions still going in this authority."""

    items: list[SessionView]


class EnrolmentStarted(BaseModel):
    """What the person needs to finish setting up the factor."""

    method: EnrolMethod
    secret: str | None = Field(default=None, description="For an authenticator app typed by hand.")
    otpauth_uri: str | None = None
    qr_svg: str | None = Field(default=None, description="The otpauth URI as a QR code (SVG).")
    code_sent_to: str | None = Field(default=None, description="Where the email code went.")
    expires_at: datetime | None = None
