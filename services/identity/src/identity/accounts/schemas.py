"""Request and response bodies of registration, confirmation and the profile."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import EmailAddress, Language
from kit.fields import Trimmed

_STRICT = ConfigDict(extra="forbid")

PersonName = Annotated[str, Trimmed(100)]
PhoneNumber = Annotated[
    str,
    Trimmed(21, min_length=0, pattern=r"^\+?[0-9 ()\-]{7,20}$"),
]
NewPassword = Annotated[str, Field(min_length=1, max_length=128)]


class Registration(BaseModel):
    """A new account."""

    model_config = _STRICT

    email: EmailAddress
    password: NewPassword
    first_name: PersonName
    last_name: PersonName
    language: Language = Field(
        default="en", description="English or Welsh: the language the account's emails are in."
    )


class Accepted(BaseModel):
    """The request was taken; what happens next is in an email."""

    message: str


class LinkToken(BaseModel):
    """The token from a link in an email."""

    model_config = _STRICT

    token: str = Field(min_length=16, max_length=128)


class EmailOnly(BaseModel):
    """An email address."""

    model_config = _STRICT

    email: EmailAddress


class Confirmed(BaseModel):
    """The email address is confirmed."""

    status: Literal["confirmed"] = "confirmed"


class TwoFactorState(BaseModel):
    """Whether two-factor sign-in is on, and with what."""

    enabled: bool
    methods: list[str]
    recovery_codes_left: int


class Profile(BaseModel):
    """The caller's account, as seen in this authority."""

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None
    language: Language = Field(description="The language the account's emails are in.")
    email_confirmed: bool
    status: str = Field(
        description="The membership here: `active` (an inactive member's sessions end)."
    )
    authority: str
    roles: list[str] = Field(description="What this session may do here, from its token.")
    organisation_id: str | None
    two_factor: TwoFactorState
    created_at: datetime


class ProfileChange(BaseModel):
    """Fields to change; those left out stay as they are, `phone: null` removes it."""

    model_config = _STRICT

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: PhoneNumber | None = None
    language: Language | None = None
