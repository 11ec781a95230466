"""`SignedInPerson`: the person signed in to this authority, their access token kept fresh."""

import datetime
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from web.authorities import PageAuthority
from web.gateway import forwarded_for, gateway_of
from web.notifications import unread
from web.sessions.dependencies import (
    CurrentSession,
    replace_session_cookie,
    session_service,
    timed_out,
)
from web.sessions.models import SignedIn
from web.sessions.service import OpenSession

# An access token this close to its expiry is refreshed before it is used: a call made with
# it could otherwise be refused on the way.
REFRESH_BEFORE = datetime.timedelta(seconds=60)


class SignInNeeded(Exception):
    """The page is for signed-in people; this browser's session is not signed in here."""

    def __init__(self, authority: str, *, timed_out: bool = False) -> None:
        super().__init__(authority)
        self.authority = authority
        # The session ended just now for being unused too long: the person is told why.
        self.timed_out = timed_out


@dataclass(frozen=True)
class Person:
    """The signed-in person and their session."""

    session: OpenSession
    tokens: SignedIn

    @property
    def access_token(self) -> str:
        """The token the API calls are made with."""
        return self.tokens.access_token


def tokens_from(answer: dict[str, object]) -> SignedIn:
    """The tokens of identity's TokenPair answer."""
    expires_in = answer["expires_in"]
    assert isinstance(expires_in, int)
    return SignedIn(
        authority=str(answer["authority"]),
        identity_session_id=str(answer["session_id"]),
        access_token=str(answer["access_token"]),
        refresh_token=str(answer["refresh_token"]),
        access_expires_at=datetime.datetime.now(datetime.UTC)
        + datetime.timedelta(seconds=expires_in),
    )


async def signed_in_person(
    request: Request, authority: PageAuthority, session: CurrentSession
) -> Person:
    """The person signed in here; their tokens refreshed first if they are about to expire.

    A page shown to them starts asking for their unseen notifications' count now, for the
    header, while it makes its own calls."""
    person = await _fresh_person(request, authority.slug, session)
    if request.method in {"GET", "HEAD"}:
        unread.ask(request, authority=authority.slug, token=person.access_token)
    return person


async def _fresh_person(request: Request, slug: str, session: OpenSession | None) -> Person:
    tokens = session.record.signed_in if session is not None else None
    if session is None or tokens is None or tokens.authority != slug:
        raise SignInNeeded(slug, timed_out=timed_out(request))
    expires_at = tokens.access_expires_at.replace(tzinfo=datetime.UTC)
    if expires_at - datetime.datetime.now(datetime.UTC) > REFRESH_BEFORE:
        return Person(session, tokens)
    answer = await gateway_of(request).call(
        "POST",
        f"/{slug}/api/identity/tokens/refresh",
        body={"refresh_token": tokens.refresh_token},
        forwarded_for=forwarded_for(request),
    )
    if answer.status != 200 or not isinstance(answer.body, dict):
        # The identity session has ended (signed out elsewhere, expired, or the refresh token
        # was used twice): so has this one.
        await session_service(request).end(session)
        replace_session_cookie(request, None)
        raise SignInNeeded(slug)
    refreshed = await session_service(request).keep_tokens(session, tokens_from(answer.body))
    request.state.browser_session = refreshed
    assert refreshed.record.signed_in is not None
    return Person(refreshed, refreshed.record.signed_in)


SignedInPerson = Annotated[Person, Depends(signed_in_person)]
