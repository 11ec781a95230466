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


async def history_of(holder: RoleHolder, case_id: str) -> list[dict[str, Any]]:
    """What happened to the case lately (its latest entries), oldest first."""
    answer = await holder.call(
        "GET", f"/cases/cases/{case_id}/history", params={"order": "newest", "limit": "200"}
    )
    if answer.status != 200 or not isinstance(answer.body, dict):
        return []
    return [entry for entry in answer.body.get("items", [])[::-1] if isinstance(entry, dict)]


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
