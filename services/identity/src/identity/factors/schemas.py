"""Request and response bodies of the caller's second factors."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid")


class PasswordConfirmation(BaseModel):
    """The caller's password, to allow a change to how they sign in."""

    model_config = _STRICT

    password: str = Field(min_length=1, max_length=128)


class FactorCode(BaseModel):
    """The first code from the factor being set up."""

    model_config = _STRICT

    code: str = Field(min_length=6, max_length=6)


class FactorView(BaseModel):
    """One way of signing in."""

    kind: str
    status: str = Field(description="`pending` until confirmed with a first code, then `active`.")
    added_at: datetime
    last_used_at: datetime | None


class FactorList(BaseModel):
    """The caller's factors."""

    items: list[FactorView]
    recovery_codes_left: int


class TotpSetupView(BaseModel):
    """What to put in the authenticator app; shown once."""

    secret: str
    otpauth_uri: str
    qr_svg: str


class FactorConfirmed(BaseModel):
    """The factor is on; recovery codes are shown if new ones were made."""

    kind: str
    recovery_codes: list[str] | None = Field(
        default=None, description="Shown only now: keep them somewhere safe."
    )


class RecoveryCodes(BaseModel):
    """A new set of recovery codes; the old set stopped working."""

    recovery_codes: list[str]


class EmailCodeSent(BaseModel):
    """A confirming code was emailed."""

    code_sent_to: str
    expires_at: datetime
