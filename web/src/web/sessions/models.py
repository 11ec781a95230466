"""A browser session as the web service stores it."""

import datetime

from pydantic import BaseModel, ConfigDict, Field


class SignedIn(BaseModel):
    """The person's tokens from identity, kept here and never sent to the browser."""

    authority: str
    identity_session_id: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime.datetime


class SignInStep(BaseModel):
    """A sign-in between the right password and a session: identity's challenge, kept here."""

    authority: str
    challenge_id: str
    # `second_factor_required`, `enrolment_required` or `enrolment_offered`.
    status: str
    methods: list[str]
    code_sent_to: str | None = None


class AuthenticatorSetup(BaseModel):
    """An authenticator app being set up: shown again until its first code confirms it."""

    authority: str
    secret: str
    otpauth_uri: str


class RecoveryCodesToShow(BaseModel):
    """New recovery codes, shown to the person until they say they have kept them."""

    authority: str
    codes: list[str]


class BrowserSession(BaseModel):
    """One browser's session: its CSRF token, its limits and, once signed in, the tokens."""

    model_config = ConfigDict(populate_by_name=True)

    # The SHA-256 of the cookie's id: the store never holds an id a browser could present.
    id_hash: str = Field(alias="_id")
    csrf_token: str
    created_at: datetime.datetime
    seen_at: datetime.datetime
    expires_at: datetime.datetime
    signed_in: SignedIn | None = None
    # What a journey of several pages carries from one page to the next, never in the page.
    sign_in_step: SignInStep | None = None
    authenticator_setup: AuthenticatorSetup | None = None
    recovery_codes: RecoveryCodesToShow | None = None
    # What the next page tells the person about the change they just made (a notice's name).
    notice: str | None = None
