"""How many notifications the signed-in person has not seen, for the header's link.

Asked for once per page, as soon as the person is known, so that the answer comes while the
page's own calls are made; the page waits a little for it, and shows the link without a count
when the count is late or the notifications service does not answer.
"""

import asyncio

from starlette.requests import Request

from web.config import settings
from web.gateway import GatewayUnavailable, forwarded_for, gateway_of

UNREAD_PATH = "/api/notifications/notifications/unread"
ASKED = "unread_notifications"


async def _count(request: Request, *, authority: str, token: str) -> int | None:
    try:
        answer = await gateway_of(request).call(
            "GET", f"/{authority}{UNREAD_PATH}", token=token, forwarded_for=forwarded_for(request)
        )
    except GatewayUnavailable:
        return None
    unread = answer.body.get("unread") if isinstance(answer.body, dict) else None
    return unread if answer.status == 200 and isinstance(unread, int) else None


def ask(request: Request, *, authority: str, token: str) -> None:
    """Start asking for the person's count, once per request."""
    if getattr(request.state, ASKED, None) is None:
        task = asyncio.create_task(_count(request, authority=authority, token=token))
        setattr(request.state, ASKED, task)


async def unread_count(request: Request, *, authority: str, token: str) -> int | None:
    """The person's count, asked for now unless it already was; None if it is not known."""
    ask(request, authority=authority, token=token)
    task: asyncio.Task[int | None] = getattr(request.state, ASKED)
    done, _ = await asyncio.wait({task}, timeout=settings.unread_wait_seconds)
    if not done:
        task.cancel()
        return None
    return task.result()
