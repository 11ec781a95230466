"""Identity's API called as the signed-in person, with their token and address."""

from typing import Any

import aiohttp
from fastapi import Request

from web.account.dependencies import Person, SignInNeeded
from web.gateway import ApiAnswer, forwarded_for, gateway_of
from web.sessions.dependencies import replace_session_cookie, session_service


async def as_person(
    request: Request,
    person: Person,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    if_match: str | None = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    service: str = "identity",
    form: aiohttp.FormData | None = None,
) -> ApiAnswer:
    """Call a service's `path` (identity's unless named) for the authority the person is signed
    in to.

    An answer of 401 means identity has ended the person's session (signed out on another
    device, or after a password change there): this browser's session ends too.
    """
    answer = await gateway_of(request).call(
        method,
        f"/{person.tokens.authority}/api/{service}{path}",
        token=person.access_token,
        body=body,
        forwarded_for=forwarded_for(request),
        params=params,
        headers=headers,
        if_match=if_match,
        form=form,
    )
    if answer.status == 401:
        await session_service(request).end(person.session)
        replace_session_cookie(request, None)
        raise SignInNeeded(person.tokens.authority)
    return answer


def items_of(answer: ApiAnswer) -> list[dict[str, Any]]:
    """The `items` of a list answer; none when the answer is not one."""
    items = answer.body.get("items") if isinstance(answer.body, dict) else None
    if answer.status != 200 or not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]
