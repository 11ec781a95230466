"""People told of things on their cases, for the tests of the notifications pages."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from tests.support.cases import REFERRAL, Caller, CasesApi
from tests.support.polling import eventually
from tests.support.portal import Person, Portal
from tests.support.tasks_and_messages import send_message
from tests.support.web_pages import applicant_signed_in_nowhere

Json = dict[str, Any]
SUBJECT = "Your payslips"


@dataclass(frozen=True)
class Notified:
    """An applicant told of things on their case: their account, the case, the notices."""

    person: Person
    applicant: Caller
    officer: Caller
    case: Json
    # The address the case's emails go to.
    email: str
    # Newest first, as the API lists them: the message, then the referral received.
    notices: list[Json]


NotifiedApplicant = Callable[..., Awaitable[Notified]]


async def notices_of(
    http: httpx.AsyncClient, caller: Caller, *, limit: int = 20, language: str | None = None
) -> list[Json]:
    """The caller's notifications, newest first, as the API lists them (the first page): in
    the language, if one is named."""
    response = await http.get(
        f"/{caller.authority}/api/notifications/notifications",
        headers=caller.headers,
        params={"limit": limit, **({"language": language} if language else {})},
    )
    assert response.status_code == 200, response.text
    items: list[Json] = response.json()["items"]
    return items


async def unread_of(http: httpx.AsyncClient, caller: Caller) -> int:
    """How many of the caller's notifications the API counts unseen."""
    response = await http.get(
        f"/{caller.authority}/api/notifications/notifications/unread", headers=caller.headers
    )
    assert response.status_code == 200, response.text
    return int(response.json()["unread"])


async def notified(identity: Portal, cases: CasesApi, authority: str) -> Notified:
    """An applicant (signed in over the API, not in a browser) whose referral, with an address
    that may be emailed, was received and who was sent a message on it; once both notices are
    there."""
    person = await applicant_signed_in_nowhere(identity, authority)
    await identity.sign_in(person)
    applicant = Caller(person.user_id, authority, str(person.tokens["access_token"]))
    email = f"notified-{uuid.uuid4().hex[:12]}@example.org"
    case = await cases.create(
        applicant,
        {
            "kind": "homelessness",
            "answers": REFERRAL,
            "contact": {"email": email, "email_ok_to_email": True},
            "submit": True,
        },
    )
    officer = await cases.person("officer", authority=authority)
    await send_message(cases, officer, case, subject=SUBJECT)

    async def both() -> list[Json] | None:
        found = await notices_of(cases.http, applicant)
        return found if len(found) == 2 else None

    notices = await eventually(both, what="the applicant's two notices")
    return Notified(person, applicant, officer, case, email, notices)
