"""The officer's appointment pages on a case: its appointments, booking one, moving one and
cancelling one (post-redirect-get; moves and cancellations with the version in If-Match)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kit.errors import NotFound
from web.account.identity import items_of
from web.appointments.forms import REASON_MAX, AppointmentForm
from web.appointments.routes import shown
from web.cases import words
from web.casework import reading
from web.casework.desks import CaseId, Officer
from web.gateway import GatewayUnavailable
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm
from web.staff.forms import text_of

router = APIRouter(include_in_schema=False)

AppointmentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


def _home(request: Request, case_id: str) -> str:
    return f"{authority_base(request)}/caseload/{case_id}/appointments"


async def _case(officer: Officer, case_id: str) -> dict[str, Any]:
    case: dict[str, Any] = (await reading.read_case(officer, case_id)).body
    return case


def _about(request: Request, case: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": case,
        "kind_title": words.kind_title(str(case["kind"])),
        "case_path": f"{authority_base(request)}/caseload/{case['id']}",
        "home": _home(request, str(case["id"])),
    }


@router.get("/{authority}/caseload/{case_id}/appointments")
async def case_appointments(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """The case's appointments, soonest first, each to move or cancel; and booking one."""
    case = await _case(officer, case_id)
    answer = await officer.call(
        "GET", f"/cases/cases/{case_id}/appointments", params={"limit": "100"}
    )
    if answer.status != 200:
        raise GatewayUnavailable(f"appointments answered {answer.status}")
    context = {
        **_about(request, case),
        "appointments": [shown(item) for item in items_of(answer)],
        "done": request.query_params.get("done", ""),
    }
    return render(request, "appointments/case_appointments.html", context)


def _form_page(
    request: Request,
    case: dict[str, Any],
    form: AppointmentForm,
    *,
    action: str,
    key: str = "",
    status: int = 200,
) -> HTMLResponse:
    context = {
        **_about(request, case),
        "form": form,
        "action": action,
        "key": key,
        "title": _("Move the appointment") if form.moving else _("Book an appointment"),
        "error_list": form.error_list(),
    }
    return render(request, "appointments/appointment_form.html", context, status=status)


@router.get("/{authority}/caseload/{case_id}/appointments/book")
async def book_page(request: Request, officer: Officer, case_id: CaseId) -> Response:
    """What, how, where, when and with which officer."""
    case = await _case(officer, case_id)
    names = await reading.staff_names(officer)
    form = AppointmentForm(officer_name=names.get(officer.user_id, ""))
    action = f"{_home(request, case_id)}/book"
    return _form_page(request, case, form, action=action, key=uuid.uuid4().hex)


@router.post("/{authority}/caseload/{case_id}/appointments/book")
async def book(
    request: Request, officer: Officer, case_id: CaseId, form_data: CheckedForm
) -> Response:
    """Book it; sent twice (the same key), it is booked once."""
    case = await _case(officer, case_id)
    form = AppointmentForm()
    body = form.read(form_data)
    key = text_of(form_data, "key")
    if not (key.isalnum() and len(key) <= 64):
        key = uuid.uuid4().hex
    action = f"{_home(request, case_id)}/book"
    if body is None:
        return _form_page(request, case, form, action=action, key=key, status=400)
    answer = await officer.call(
        "POST",
        f"/cases/cases/{case_id}/appointments",
        body=body,
        headers={"Idempotency-Key": key},
    )
    if answer.status == 201:
        return RedirectResponse(f"{_home(request, case_id)}?done=booked", status_code=303)
    if answer.status == 404:
        raise NotFound()
    form.errors["day"] = _("The appointment could not be booked: check the day and times")
    return _form_page(request, case, form, action=action, key=key, status=400)


async def _appointment(officer: Officer, case_id: str, appointment_id: str) -> tuple[Any, str]:
    answer = await officer.call("GET", f"/cases/cases/{case_id}/appointments/{appointment_id}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise NotFound()
    return answer.body, answer.etag or ""


@router.get("/{authority}/caseload/{case_id}/appointments/{appointment_id}/move")
async def move_page(
    request: Request, officer: Officer, case_id: CaseId, appointment_id: AppointmentId
) -> Response:
    """The appointment's day and times, and how and where, to change."""
    case = await _case(officer, case_id)
    appointment, version = await _appointment(officer, case_id, appointment_id)
    form = AppointmentForm.of(appointment, version=version)
    action = f"{_home(request, case_id)}/{appointment_id}/move"
    return _form_page(request, case, form, action=action)


@router.post("/{authority}/caseload/{case_id}/appointments/{appointment_id}/move")
async def move(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    appointment_id: AppointmentId,
    form_data: CheckedForm,
) -> Response:
    """Move it, unless it changed since the form was filled in."""
    case = await _case(officer, case_id)
    form = AppointmentForm(moving=True)
    body = form.read(form_data)
    action = f"{_home(request, case_id)}/{appointment_id}/move"
    if body is None:
        return _form_page(request, case, form, action=action, status=400)
    answer = await officer.call(
        "PATCH",
        f"/cases/cases/{case_id}/appointments/{appointment_id}",
        body=body,
        headers={"If-Match": form.version or '""'},
    )
    if answer.status == 200:
        return RedirectResponse(f"{_home(request, case_id)}?done=moved", status_code=303)
    if answer.status == 404:
        raise NotFound()
    if answer.status in (409, 412, 428):
        _, form.version = await _appointment(officer, case_id, appointment_id)
        form.errors["day"] = _(
            "The appointment was changed or cancelled since you opened this page: check it "
            "and try again"
        )
        return _form_page(request, case, form, action=action, status=409)
    form.errors["day"] = _("The appointment could not be moved: check the day and times")
    return _form_page(request, case, form, action=action, status=400)


@router.get("/{authority}/caseload/{case_id}/appointments/{appointment_id}/cancel")
async def cancel_page(
    request: Request, officer: Officer, case_id: CaseId, appointment_id: AppointmentId
) -> Response:
    """Are you sure? With a reason the applicant is shown."""
    case = await _case(officer, case_id)
    appointment, version = await _appointment(officer, case_id, appointment_id)
    context = {
        **_about(request, case),
        "appointment": shown(appointment),
        "version": version,
        "reason": "",
        "errors": {},
        "error_list": [],
    }
    return render(request, "appointments/cancel.html", context)


@router.post("/{authority}/caseload/{case_id}/appointments/{appointment_id}/cancel")
async def cancel(
    request: Request,
    officer: Officer,
    case_id: CaseId,
    appointment_id: AppointmentId,
    form_data: CheckedForm,
) -> Response:
    """Cancel it, as it was when the page showed it."""
    case = await _case(officer, case_id)
    reason = text_of(form_data, "reason")
    if len(reason) > REASON_MAX:
        appointment, version = await _appointment(officer, case_id, appointment_id)
        errors = {
            "reason": _("The reason must be %(count)s characters or fewer") % {"count": REASON_MAX}
        }
        context = {
            **_about(request, case),
            "appointment": shown(appointment),
            "version": version,
            "reason": reason,
            "errors": errors,
            "error_list": [{"text": text, "href": f"#{name}"} for name, text in errors.items()],
        }
        return render(request, "appointments/cancel.html", context, status=400)
    answer = await officer.call(
        "POST",
        f"/cases/cases/{case_id}/appointments/{appointment_id}/cancellation",
        body={"reason": reason or None},
        headers={"If-Match": text_of(form_data, "version") or '""'},
    )
    if answer.status == 404:
        raise NotFound()
    done = "cancelled" if answer.status == 200 else "not-cancelled"
    return RedirectResponse(f"{_home(request, case_id)}?done={done}", status_code=303)
