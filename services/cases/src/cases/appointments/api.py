"""Routes for appointments: book, move and cancel on a case; a person's own between two
dates; each as an iCalendar file."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from cases.appointments.errors import AppointmentNotFound, DateRangeNotValid
from cases.appointments.ics import appointment_ics
from cases.appointments.models import AppointmentRecord
from cases.appointments.policy import may_see
from cases.appointments.repository import Appointments
from cases.appointments.schemas import (
    AppointmentChange,
    AppointmentList,
    AppointmentRequest,
    AppointmentView,
    Cancellation,
)
from cases.appointments.service import AppointmentService, appointment_view
from cases.cases.api import CaseForUser, case_for_user
from cases.cases.policy import audience
from cases.wiring import StoresDep
from kit.auth import CurrentPrincipal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.idempotency import create_once
from kit.pagination import Position
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["appointments"], dependencies=AUTHORITY_SCOPED)

LONDON = ZoneInfo("Europe/London")
LONGEST_RANGE = timedelta(days=731)
# Before and after every appointment: a case's whole list when no dates are given.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 1, 1)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=400)]
FromDate = Annotated[
    date | None,
    Query(alias="from", description="The first day, in Europe/London (YYYY-MM-DD)."),
]
ToDate = Annotated[
    date | None,
    Query(alias="to", description="The last day, included, in Europe/London (YYYY-MM-DD)."),
]


def london_midnight(day: date) -> datetime:
    """The instant a day begins in England and Wales, in UTC (GMT or BST as that day has)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def instants(
    first: date, last: date, *, longest: timedelta | None = LONGEST_RANGE
) -> tuple[datetime, datetime]:
    """The UTC instants from the start of the first day to the end of the last, in London."""
    if (
        last < first
        or (longest is not None and last - first > longest)
        or not EARLIEST <= first <= last <= LATEST
    ):
        raise DateRangeNotValid()
    return london_midnight(first), london_midnight(last + timedelta(days=1))


def appointments_of(stores: StoresDep) -> Appointments:
    """The appointments store."""
    return Appointments(stores.mongo)


AppointmentsDep = Annotated[Appointments, Depends(appointments_of)]


def appointment_service(
    stores: StoresDep,
    appointments: AppointmentsDep,
    authority: ActiveAuthority,
    client: Client,
    principal: CurrentPrincipal,
) -> AppointmentService:
    """Appointments of this request's authority, as its caller arranges them."""
    return AppointmentService(
        authority=authority,
        client=client,
        principal=principal,
        mongo=stores.mongo,
        outbox=stores.outbox,
        appointments=appointments,
        history=stores.history,
    )


ServiceDep = Annotated[AppointmentService, Depends(appointment_service)]


async def visible_appointment(
    appointment_id: str,
    case: CaseForUser,
    appointments: AppointmentsDep,
    principal: CurrentPrincipal,
) -> AppointmentRecord:
    """The appointment in the path, if it is of the case and the caller may see it."""
    found = await appointments.get(case.authority, appointment_id)
    if found is None or not may_see(principal, case, found):
        raise AppointmentNotFound()
    return found


VisibleAppointment = Annotated[AppointmentRecord, Depends(visible_appointment)]


def _answer(response: Response, view: AppointmentView) -> AppointmentView:
    set_etag(response, view.version)
    return view


@router.post(
    "/cases/{case_id}/appointments",
    response_model=AppointmentView,
    status_code=status.HTTP_201_CREATED,
    summary="Book an appointment on a case (Idempotency-Key)",
    responses=declared(401, 403, 404),
)
async def book(
    body: AppointmentRequest,
    case: CaseForUser,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    stores: StoresDep,
    service: ServiceDep,
) -> AppointmentView | JSONResponse:
    """Officers book; the applicant (or on a complaint a landlord's user) is the person met."""
    return await create_once(
        request,
        stores.idempotency,
        caller=principal.user_id,
        authority=case.authority,
        body={"case_id": case.id, **body.model_dump(mode="json")},
        create=lambda once: service.book(case, body, once=once),
        response=response,
    )


@router.get(
    "/cases/{case_id}/appointments",
    response_model=AppointmentList,
    summary="A case's appointments, soonest first",
    responses=declared(400, 401, 404),
)
async def case_appointments(
    case: CaseForUser,
    appointments: AppointmentsDep,
    principal: CurrentPrincipal,
    first: FromDate = None,
    last: ToDate = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> AppointmentList:
    """Officers see every appointment of the case; anyone else those they are met in."""
    # A case has few appointments: its whole list may be asked for at once.
    start, end = instants(first or EARLIEST, last or LATEST, longest=None)
    query = {"case_id": case.id}
    if audience(principal) != "staff":
        query["person_id"] = principal.user_id
    page = await appointments.between(
        case.authority,
        query,
        start=start,
        end=end,
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
    )
    return AppointmentList(
        items=[appointment_view(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/cases/{case_id}/appointments/{appointment_id}",
    response_model=AppointmentView,
    summary="One appointment",
    responses=declared(401, 404),
)
async def read_appointment(appointment: VisibleAppointment, response: Response) -> AppointmentView:
    """Its ETag is the version to send in If-Match."""
    return _answer(response, appointment_view(appointment))


@router.patch(
    "/cases/{case_id}/appointments/{appointment_id}",
    response_model=AppointmentView,
    summary="Move an appointment (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def move(
    body: AppointmentChange,
    case: CaseForUser,
    appointment: VisibleAppointment,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> AppointmentView:
    """New times, and a new way, place or officer if given; calendars replace their copy."""
    require_match(request, appointment.version)
    return _answer(response, await service.move(case, appointment, body))


@router.post(
    "/cases/{case_id}/appointments/{appointment_id}/cancellation",
    response_model=AppointmentView,
    summary="Cancel an appointment (If-Match)",
    responses=declared(401, 403, 404, 409, 412, 428),
    openapi_extra=IF_MATCH,
)
async def cancel(
    body: Cancellation,
    case: CaseForUser,
    appointment: VisibleAppointment,
    request: Request,
    response: Response,
    service: ServiceDep,
) -> AppointmentView:
    """It stays listed, as cancelled; its calendar file says so."""
    require_match(request, appointment.version)
    return _answer(response, await service.cancel(case, appointment, body))


@router.get(
    "/appointments",
    response_model=AppointmentList,
    summary="My appointments between two dates, soonest first",
    responses=declared(400, 401),
)
async def my_appointments(
    principal: CurrentPrincipal,
    authority: ActiveAuthority,
    appointments: AppointmentsDep,
    first: FromDate = None,
    last: ToDate = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AppointmentList:
    """From and to are days in Europe/London (today and a year on by default), whichever
    side of a clock change they fall."""
    first = first or datetime.now(LONDON).date()
    start, end = instants(first, last or first + timedelta(days=365))
    page = await appointments.between(
        authority.slug,
        {"person_id": principal.user_id},
        start=start,
        end=end,
        limit=limit,
        after=Position.decode(cursor) if cursor else None,
    )
    return AppointmentList(
        items=[appointment_view(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/appointments/{appointment_id}.ics",
    summary="An appointment as an iCalendar file, to add to a calendar",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) file"},
        **declared(401, 404),
    },
)
async def appointment_calendar(
    appointment_id: str,
    stores: StoresDep,
    authority: ActiveAuthority,
    appointments: AppointmentsDep,
    principal: CurrentPrincipal,
) -> Response:
    """The same UID every time; SEQUENCE grows with each change; cancelled ones say so."""
    found = await appointments.get(authority.slug, appointment_id)
    if found is None:
        raise AppointmentNotFound()
    case = await case_for_user(found.case_id, stores, authority, principal)
    if not may_see(principal, case, found):
        raise AppointmentNotFound()
    return Response(
        appointment_ics(found, authority_name=authority.name),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="appointment-{found.reference}.ics"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
