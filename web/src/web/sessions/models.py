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
    # What the next page tells the person about the change they just made (a notice's name).
    notice: str | None = None
