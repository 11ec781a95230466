"""The delivery status API for an authority's administrators."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kit.app import RuntimeDep
from kit.auth import Principal, require_roles
from kit.authorities import ActiveAuthority
from kit.pagination import Position
from kit.responses import declared
from notifications.emails.errors import DeliveryNotFound
from notifications.emails.models import DeliveryStatus
from notifications.emails.repository import DeliveryRepository
from notifications.emails.schemas import Delivery, DeliveryPage, DeliverySummary


def delivery_repository(runtime: RuntimeDep) -> DeliveryRepository:
    """Delivery records of the running service."""
    return DeliveryRepository(runtime.mongo)


Deliveries = Annotated[DeliveryRepository, Depends(delivery_repository)]
AuthorityAdmin = Annotated[Principal, Depends(require_roles("authority_admin"))]

router = APIRouter(
    prefix="/deliveries", tags=["email deliveries"], responses=declared(401, 403, 404)
)


@router.get(
    "",
    response_model=DeliveryPage,
    summary="The authority's email deliveries, newest first",
    responses=declared(400),
)
async def list_deliveries(
    authority: ActiveAuthority,
    _: AuthorityAdmin,
    deliveries: Deliveries,
    status: Annotated[DeliveryStatus | None, Query(description="Only this status.")] = None,
    to: Annotated[
        str | None, Query(min_length=3, max_length=254, description="Only emails to this address.")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the page before.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DeliveryPage:
    """List deliveries with their status; bodies are never returned."""
    after = Position.decode(cursor) if cursor is not None else None
    records = await deliveries.page(
        authority.slug, status=status, to=to, after=after, limit=limit + 1
    )
    items = [DeliverySummary.from_record(record) for record in records[:limit]]
    next_cursor = None
    if len(records) > limit:
        last = records[limit - 1]
        next_cursor = Position(at=last["created_at"], id=last["_id"]).encode()
    return DeliveryPage(items=items, next_cursor=next_cursor)


@router.get("/{delivery_id}", response_model=Delivery, summary="One email delivery")
async def get_delivery(
    delivery_id: Annotated[str, Path(max_length=64)],
    authority: ActiveAuthority,
    _: AuthorityAdmin,
    deliveries: Deliveries,
) -> Delivery:
    """A delivery's status, attempts and last error; the body is never returned."""
    record = await deliveries.get(authority.slug, delivery_id)
    if record is None:
        raise DeliveryNotFound()
    return Delivery.from_record(record)


CaseStaff = Annotated[Principal, Depends(require_roles("officer", "manager", "authority_admin"))]

case_router = APIRouter(
    prefix="/cases/{case_id}/deliveries",
    tags=["email deliveries"],
    responses=declared(401, 403, 404),
)


@case_router.get(
    "",
    response_model=DeliveryPage,
    summary="What was emailed about a case, and when, newest first",
    responses=declared(400),
)
async def list_case_deliveries(
    case_id: Annotated[str, Path(min_length=1, max_length=64)],
    authority: ActiveAuthority,
    _: CaseStaff,
    deliveries: Deliveries,
    user_id: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Only emails to this person."),
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the page before.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DeliveryPage:
    """Emails about the case with their status; bodies are never returned. A case of
    another authority has none here."""
    after = Position.decode(cursor) if cursor is not None else None
    records = await deliveries.about_case(
        authority.slug, case_id, user_id=user_id, after=after, limit=limit + 1
    )
    items = [DeliverySummary.from_record(record) for record in records[:limit]]
    next_cursor = None
    if len(records) > limit:
        last = records[limit - 1]
        next_cursor = Position(at=last["created_at"], id=last["_id"]).encode()
    return DeliveryPage(items=items, next_cursor=next_cursor)
