"""Routes for the caller's memberships and for administrators' member lists."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import JSONResponse

from identity.accounts.repository import normalise_email
from identity.dependencies import AuthorityAdmin, CurrentCaller, Staff
from identity.memberships.schemas import (
    Colleague,
    Colleagues,
    JoinRequest,
    Member,
    MemberPage,
    MyMembership,
    MyMemberships,
)
from identity.memberships.service import MembershipService
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.errors import NotFound
from kit.idempotency import Once
from kit.mongo import Document
from kit.pagination import Position, newest_first
from kit.repository import scoped
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["memberships"], dependencies=AUTHORITY_SCOPED)


def membership_service(identity: IdentityDep, client: Client) -> MembershipService:
    """Memberships for this request's client."""
    return MembershipService(
        client=client,
        mongo=identity.mongo,
        audit=identity.audit,
        memberships=identity.memberships,
        restrictions=identity.restrictions,
        authorities=identity.authorities,
    )


MembershipServiceDep = Annotated[MembershipService, Depends(membership_service)]


@router.get(
    "/me/memberships",
    response_model=MyMemberships,
    summary="The authorities I belong to",
    responses=declared(401, 404),
)
async def my_memberships(
    caller: CurrentCaller, _: ActiveAuthority, service: MembershipServiceDep
) -> MyMemberships:
    """With my roles in each, and any restriction in force."""
    return await service.mine(caller)


@router.post(
    "/me/memberships",
    response_model=MyMembership,
    status_code=status.HTTP_201_CREATED,
    summary="Apply to another authority that uses the portal",
    responses=declared(401, 404, 409),
)
async def join(
    body: JoinRequest,
    request: Request,
    caller: CurrentCaller,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: MembershipServiceDep,
) -> MyMembership | JSONResponse:
    """Makes me an applicant there; then POST /sessions/switch for its tokens."""
    once = Once.of(
        request,
        identity.idempotency,
        caller=caller.user_id,
        authority=authority.slug,
        body=body.model_dump(),
        status=status.HTTP_201_CREATED,
    )
    return await once.run(lambda: service.join(caller, body.authority, once=once))


@router.get(
    "/members",
    response_model=MemberPage,
    summary="People who belong to this authority",
    responses=declared(400, 401, 403, 404),
)
async def members(
    admin: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    email: Annotated[str | None, Query(max_length=254)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MemberPage:
    """Newest first; `email` finds one person."""
    slug = authority.slug
    query: dict[str, Any] = {}
    if email is not None:
        account = await identity.accounts.by_email(normalise_email(email))
        if account is None:
            return MemberPage(items=[], next_cursor=None)
        query["user_id"] = str(account["_id"])
    found = await newest_first(
        identity.memberships.collection,
        scoped(slug, query),
        field="created_at",
        after=Position.decode(cursor) if cursor is not None else None,
        limit=limit,
    )
    accounts = await identity.accounts.many([str(record["user_id"]) for record in found])
    items = [
        _member(record, accounts[str(record["user_id"])])
        for record in found
        if str(record["user_id"]) in accounts
    ]
    last = found[-1] if len(found) == limit else None
    next_cursor = Position(at=last["created_at"], id=str(last["_id"])).encode() if last else None
    return MemberPage(items=items, next_cursor=next_cursor)


# The most officers and managers one authority is expected to have; the list is never paged.
MOST_COLLEAGUES = 500
CASE_WORKERS = ("officer", "manager")


@router.get(
    "/colleagues",
    response_model=Colleagues,
    summary="The officers and managers who work cases here",
    responses=declared(401, 403, 404),
)
async def colleagues(_: Staff, authority: ActiveAuthority, identity: IdentityDep) -> Colleagues:
    """For staff to assign a case to one another and to see who has one: names and roles only."""
    found: dict[str, Document] = {}
    for role in CASE_WORKERS:
        for record in await identity.memberships.holding(
            authority.slug, role, limit=MOST_COLLEAGUES
        ):
            found.setdefault(str(record["user_id"]), record)
    accounts = await identity.accounts.many(list(found))
    return Colleagues(
        items=[
            Colleague(
                user_id=user_id,
                first_name=str(accounts[user_id]["first_name"]),
                last_name=str(accounts[user_id]["last_name"]),
                roles=[str(role) for role in record.get("roles", []) if role in CASE_WORKERS],
            )
            for user_id, record in found.items()
            if user_id in accounts
        ]
    )


@router.get(
    "/members/{user_id}",
    response_model=Member,
    summary="One person who belongs to this authority",
    responses=declared(401, 403, 404),
)
async def member(
    admin: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    user_id: Annotated[str, Path(max_length=64)],
) -> Member:
    """Their name, email address, roles and status here; 404 for anyone not a member."""
    found = await identity.memberships.find_one(authority.slug, {"user_id": user_id})
    person = await identity.accounts.get(user_id) if found is not None else None
    if found is None or person is None:
        raise NotFound("There is no such member here.")
    return _member(found, person)


def _member(record: Document, person: Document) -> Member:
    """A membership and its account, as the API shows a member."""
    return Member(
        user_id=str(record["user_id"]),
        email=str(person["email"]),
        first_name=str(person["first_name"]),
        last_name=str(person["last_name"]),
        roles=[str(role) for role in record.get("roles", [])],
        organisation_id=record.get("organisation_id"),
        status=str(record.get("status", "active")),
        joined_at=record["created_at"],
    )
