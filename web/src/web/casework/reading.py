"""What the casework pages read from the cases API as the signed-in person."""

from typing import Any

from kit.errors import NotFound
from web.gateway import ApiAnswer, GatewayUnavailable
from web.roles import RoleHolder


async def read_case(holder: RoleHolder, case_id: str) -> ApiAnswer:
    """The case with its ETag; not found when the person may not see it."""
    answer = await holder.call("GET", f"/cases/cases/{case_id}")
    if answer.status in (403, 404):
        raise NotFound()
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"case answered {answer.status}")
    return answer


async def current_version(holder: RoleHolder, case_id: str) -> str | None:
    """The case's ETag as it is now."""
    return (await read_case(holder, case_id)).etag


async def kinds_offered(holder: RoleHolder) -> list[dict[str, Any]]:
    """The kinds of case the authority offers, with their statuses and transitions."""
    answer = await holder.call("GET", "/cases/kinds")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"kinds answered {answer.status}")
    return [kind for kind in answer.body.get("items", []) if isinstance(kind, dict)]


def kind_of(kinds: list[dict[str, Any]], name: Any) -> dict[str, Any]:
    """One kind of the list; empty if the authority no longer offers it."""
    return next((kind for kind in kinds if kind.get("kind") == name), {})


def transition_of(kind: dict[str, Any], action: str) -> dict[str, Any]:
    """A kind's transition for an action; empty if it has none."""
    found = (t for t in kind.get("transitions", []) if t.get("action") == action)
    return next(found, {})


async def history_of(
    holder: RoleHolder, case_id: str, *, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of what happened to the case, newest first, and the next page's cursor."""
    params = {"order": "newest", "limit": str(limit), **({"cursor": cursor} if cursor else {})}
    answer = await holder.call("GET", f"/cases/cases/{case_id}/history", params=params)
    if answer.status == 400 and cursor:
        return await history_of(holder, case_id, limit=limit)
    if answer.status != 200 or not isinstance(answer.body, dict):
        return [], None
    following = answer.body.get("next_cursor")
    items = [entry for entry in answer.body.get("items", []) if isinstance(entry, dict)]
    return items, following if isinstance(following, str) else None


async def staff_names(holder: RoleHolder) -> dict[str, str]:
    """The authority's officers and managers by id: who a case can be given to, and who has
    one."""
    answer = await holder.call("GET", "/identity/colleagues")
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    return {
        str(member["user_id"]): f"{member['first_name']} {member['last_name']}"
        for member in items
        if isinstance(member, dict)
    }
