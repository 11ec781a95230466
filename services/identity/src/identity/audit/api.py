"""Routes for the authority's audit log and a person's own security events."""

from typing import Annotated

from fastapi import APIRouter, Query

from identity.audit import actions
from identity.audit.schemas import AuditEvent, AuditPage, AuditPerson, SecurityEvents
from identity.dependencies import AuthorityAdmin, CurrentCaller
from identity.wiring import Identity, IdentityDep
from kit.authorities import ActiveAuthority
from kit.errors import AppError
from kit.mongo import Document
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["audit"], dependencies=AUTHORITY_SCOPED)


def audit_event(record: Document) -> AuditEvent:
    """A stored event as the API shows it."""
    return AuditEvent(
        id=str(record["_id"]),
        at=record["at"],
        authority=str(record["authority"]),
        action=str(record["action"]),
        outcome=str(record["outcome"]),
        actor=record.get("actor"),
        subject=record.get("subject"),
        address=record.get("address"),
        device=record.get("device"),
        details=dict(record.get("details") or {}),
    )


@router.get(
    "/audit-events",
    response_model=AuditPage,
    summary="This authority's security audit log",
    responses=declared(400, 401, 403, 404),
)
async def audit_log(
    _: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    action: Annotated[
        str | None, Query(max_length=64, json_schema_extra={"enum": list(actions.ALL)})
    ] = None,
    user_id: Annotated[
        str | None, Query(max_length=64, description="Events about this person.")
    ] = None,
) -> AuditPage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""
    if action is not None and action not in actions.ALL:
        raise AppError(
            "There is no such action.", code="unknown_action", status=400, details=list(actions.ALL)
        )
    after = Position.decode(cursor) if cursor else None
    found = await identity.audit.page(
        authority.slug, after=after, limit=limit, action=action, subject=user_id
    )
    return AuditPage(
        items=[audit_event(record) for record in found],
        next_cursor=_next_cursor(found, limit),
        people=await _people_named(identity, authority.slug, found),
    )


async def _people_named(
    identity: Identity, authority: str, found: list[Document]
) -> dict[str, AuditPerson]:
    """The members here, and portal administrators, who acted in or are the subject of these
    events; anyone else (a member of another authority trying to sign in here) stays unnamed."""
    named = {
        str(record[key]) for record in found for key in ("actor", "subject") if record.get(key)
    }
    if not named:
        return {}
    members = await identity.memberships.find_many(
        authority, {"user_id": {"$in": sorted(named)}}, limit=len(named)
    )
    here = {str(record["user_id"]) for record in members}
    accounts = await identity.accounts.many(sorted(named))
    return {
        user_id: AuditPerson(
            email=str(account["email"]),
            first_name=str(account["first_name"]),
            last_name=str(account["last_name"]),
        )
        for user_id, account in accounts.items()
        if user_id in here or account.get("platform_admin")
    }


@router.get(
    "/me/security-events",
    response_model=SecurityEvents,
    summary="My sign-ins and security changes",
    responses=declared(400, 401, 404),
)
async def my_security_events(
    caller: CurrentCaller,
    _: ActiveAuthority,
    identity: IdentityDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> SecurityEvents:
    """Sign-ins, failures, factor and password changes, across every authority I belong to,
    newest first; pass `next_cursor` back as `cursor` for the next page."""
    after = Position.decode(cursor) if cursor else None
    found = await identity.audit.of_person(caller.user_id, after=after, limit=limit)
    return SecurityEvents(
        items=[audit_event(record) for record in found], next_cursor=_next_cursor(found, limit)
    )


def _next_cursor(found: list[Document], limit: int) -> str | None:
    """Where the next page starts, when this one is full."""
    last = found[-1] if len(found) == limit else None
    return Position(at=last["at"], id=str(last["_id"])).encode() if last else None
