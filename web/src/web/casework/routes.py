"""The casework pages: the officers' caseload, the landlord users' complaints, a case's screen
and each move made on it (post-redirect-get, with the case's version in If-Match)."""

import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kit.errors import NotFound
from web.cases import words
from web.casework import reading, views
from web.casework.desks import (
    ASSIGN,
    LANDLORDS,
    OFFICERS,
    REJECT,
    STAGE,
    VERIFY,
    CaseId,
    Desk,
    LandlordUser,
    Move,
    Officer,
    moves_open,
)
from web.casework.forms import CaseloadFilters, MoveForm
from web.gateway import ApiAnswer, GatewayUnavailable
from web.i18n import LOCAL_TIME
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail
from web.roles import RoleHolder
from web.sessions.dependencies import CheckedForm, session_service

router = APIRouter(include_in_schema=False)
PAGE_SIZE = "20"
FILTERS = ("status", "kind", "owner", "due_within")
NOTICE = "casework:"
# Moves that need nothing but the press of a button, made from the case's own page.
AT_ONCE = frozenset({"accept", "assess", "start_advice", "investigate", VERIFY})
# The case's page shows its latest history; its history page all of it, a page at a time.
LATEST_HISTORY = 10
NOBODY = "unassigned"
ME = "me"


def move_title(move: str) -> str:
    """The name of a move, as its page and button say it."""
    titles = {
        ASSIGN: _("Assign the case"),
        STAGE: _("Record the complaint's stage"),
        VERIFY: _("Verify the change of circumstances"),
        REJECT: _("Reject the change of circumstances"),
        "close": _("Close the case"),
    }
    return titles.get(move) or words.action_label(move)


def move_done(move: str) -> str:
    """What the success banner says after a move."""
    done = {
        "accept": _("The referral has been accepted."),
        ASSIGN: _("The case's owner has been changed."),
        STAGE: _("The complaint's stage has been recorded."),
        VERIFY: _("The change of circumstances has been verified."),
        REJECT: _("The change of circumstances has been rejected."),
        "close": _("The case has been closed."),
    }
    return done.get(move) or _("The case has been updated.")


def today() -> datetime.date:
    """Today in England and Wales."""
    return datetime.datetime.now(LOCAL_TIME).date()


def case_path(request: Request, desk: Desk, case_id: str) -> str:
    """The address of the case's page on this desk."""
    return f"{authority_base(request)}/{desk.path}/{case_id}"


# The lists


def listed(answer: ApiAnswer) -> None:
    """Check the caseload API gave a page of cases; anything else is a failure on our side."""
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"caseload answered {answer.status}")


def _status_choices(kinds: list[dict[str, Any]], chosen: str) -> list[dict[str, Any]]:
    names: list[str] = []
    for kind in kinds:
        for status in kind.get("statuses", []):
            if status["name"] not in names and status["name"] != "draft":
                names.append(status["name"])
    return [{"value": "", "text": _("Any open case")}] + [
        {"value": name, "text": words.status_label(name), "selected": name == chosen}
        for name in names
    ]


def _kind_choices(kinds: list[dict[str, Any]], chosen: str) -> list[dict[str, Any]]:
    return [{"value": "", "text": _("Any kind")}] + [
        {
            "value": kind["kind"],
            "text": words.kind_title(kind["kind"]),
            "selected": kind["kind"] == chosen,
        }
        for kind in kinds
    ]


@router.get("/{authority}/caseload")
async def caseload(request: Request, officer: Officer) -> Response:
    """The authority's open cases newest first, or those whose deadline is near, filtered."""
    kinds = await reading.kinds_offered(officer)
    statuses = {s["name"] for kind in kinds for s in kind.get("statuses", [])}
    filters = CaseloadFilters()
    trail = Trail.of(request, keep=FILTERS)
    path = f"{authority_base(request)}/caseload"
    cases: list[dict[str, Any]] = []
    next_cursor = None
    if filters.read(request.query_params, statuses=statuses, kinds={k["kind"] for k in kinds}):
        params = {**filters.params(user_id=officer.user_id), "limit": PAGE_SIZE}
        if trail.cursor:
            params["cursor"] = trail.cursor
        answer = await officer.call("GET", "/cases/caseload", params=params)
        if answer.status == 400 and trail.cursor:
            # A cursor from an address changed by hand: start again from the first page.
            return RedirectResponse(trail.links(path, None)["previous"] or path, status_code=303)
        listed(answer)
        cases = answer.body.get("items", [])
        next_cursor = answer.body.get("next_cursor")
    names = await reading.staff_names(officer)
    now = today()
    rows = [
        {
            "id": case["id"],
            "reference": case["reference"],
            "applicant": views.applicant_name(case),
            "kind": words.kind_title(str(case["kind"])),
            "status": words.status_label(str(case["status"])),
            "owner": views.owner_name(
                case.get("owner_id"), me=officer.user_id, names=names, staff=True
            ),
            "deadline": views.day(case.get("next_deadline")),
            "days_left": views.days_left(case.get("next_deadline"), today=now),
            "submitted": views.day(case.get("submitted_at")),
        }
        for case in cases
    ]
    context = {
        "form": filters,
        "rows": rows,
        "statuses": _status_choices(kinds, filters.status),
        "kinds": _kind_choices(kinds, filters.kind),
        "paging": trail.links(path, next_cursor),
    }
    return render(request, "casework/caseload.html", context, status=400 if filters.errors else 200)


@router.get("/{authority}/complaints")
async def complaints(request: Request, landlord: LandlordUser) -> Response:
    """The complaints about the landlord user's organisation, open or closed."""
    closed = request.query_params.get("state") == "closed"
    trail = Trail.of(request, keep=("state",))
    path = f"{authority_base(request)}/complaints"
    params = {"limit": PAGE_SIZE, **({"status": "closed"} if closed else {})}
    if trail.cursor:
        params["cursor"] = trail.cursor
    answer = await landlord.call("GET", "/cases/caseload", params=params)
    if answer.status == 400 and trail.cursor:
        return RedirectResponse(f"{path}?state=closed" if closed else path, status_code=303)
    listed(answer)
    cases = answer.body.get("items", [])
    rows = [
        {
            "id": case["id"],
            "reference": case["reference"],
            "complainant": views.applicant_name(case),
            "case_type": words.case_type_label(str(case.get("case_type") or "")),
            "stage": words.stage_label(str(case["stage"])) if case.get("stage") else "",
            "status": words.status_label(str(case["status"])),
            "owner": views.owner_name(
                case.get("owner_id"), me=landlord.user_id, names={}, staff=False
            ),
            "closed": views.day(case.get("closed_at")),
        }
        for case in cases
    ]
    context = {
        "rows": rows,
        "closed": closed,
        "paging": trail.links(path, answer.body.get("next_cursor")),
    }
    return render(request, "casework/complaints.html", context)


# A case's page


async def _case_page(
    request: Request, holder: RoleHolder, desk: Desk, case_id: str
) -> HTMLResponse:
    answer = await reading.read_case(holder, case_id)
    case: dict[str, Any] = answer.body
    history, more = await reading.history_of(holder, case_id, limit=LATEST_HISTORY)
    names = await reading.staff_names(holder) if desk.staff else {}
    notice = await session_service(request).take_notice(holder.person.session)
    moves = moves_open(desk, case)
    change = case.get("change") if isinstance(case.get("change"), dict) else None
    context = {
        "desk": desk,
        "case": case,
        "version": answer.etag or "",
        "case_path": case_path(request, desk, case_id),
        "kind_title": words.kind_title(str(case["kind"])),
        "status": words.status_label(str(case["status"])),
        "owner": views.owner_name(
            case.get("owner_id"), me=holder.user_id, names=names, staff=desk.staff
        ),
        "applicant": views.applicant_name(case),
        "stage": words.stage_label(str(case["stage"])) if case.get("stage") else "",
        "case_type": words.case_type_label(str((case.get("answers") or {}).get("case_type", ""))),
        "submitted": views.day(case.get("submitted_at")),
        "created": views.day(case.get("created_at")),
        "closed": views.day(case.get("closed_at")),
        "deadline": views.day(case.get("next_deadline")),
        "days_left": views.days_left(case.get("next_deadline"), today=today()),
        "clocks": views.clock_rows(case),
        "answers": views.answer_rows(case),
        "household": views.household_rows(case.get("household")),
        "contact": views.contact_rows(case.get("contact")),
        "register": views.register_rows(case.get("register_details")),
        "change": change,
        "change_status": views.change_status(str(change.get("status"))) if change else "",
        "change_household": views.household_rows(change.get("household")) if change else [],
        "change_submitted": views.moment(change.get("submitted_at")) if change else "",
        "history": views.history_rows(history, me=holder.user_id),
        "more_history": more is not None,
        "at_once": [m for m in moves if m in AT_ONCE],
        "with_form": [m for m in moves if m not in AT_ONCE],
        "take_it": ASSIGN in moves and case.get("owner_id") != holder.user_id,
        "move_title": move_title,
        "notice": move_done(notice[len(NOTICE) :])
        if notice and notice.startswith(NOTICE)
        else None,
    }
    return render(request, "casework/case.html", context)


@router.get("/{authority}/caseload/{case_id}")
async def officer_case(request: Request, officer: Officer, case_id: CaseId) -> HTMLResponse:
    """The case as an officer works it: everything about it, its history and its moves."""
    return await _case_page(request, officer, OFFICERS, case_id)


@router.get("/{authority}/complaints/{case_id}")
async def landlord_complaint(
    request: Request, landlord: LandlordUser, case_id: CaseId
) -> HTMLResponse:
    """A complaint about the landlord user's organisation and the moves the landlord may make."""
    return await _case_page(request, landlord, LANDLORDS, case_id)


# Moves


async def _move_form(holder: RoleHolder, desk: Desk, case: dict[str, Any], move: str) -> MoveForm:
    """The form of a move on the case as it stands, with what the kind says the move needs."""
    kind = reading.kind_of(await reading.kinds_offered(holder), case.get("kind"))
    transition = reading.transition_of(kind, move)
    form = MoveForm(
        move=move,
        needs_reason=bool(transition.get("needs_reason")),
        needs_date=bool(transition.get("needs_date")),
        needs_register=bool(transition.get("needs_register")),
    )
    if move == ASSIGN:
        names = await reading.staff_names(holder)
        owner = case.get("owner_id")
        if owner != holder.user_id:
            form.choices[ME] = _("Me")
        form.choices |= {
            user_id: name
            for user_id, name in sorted(names.items(), key=lambda item: item[1])
            if user_id not in (owner, holder.user_id)
        }
        if owner:
            form.choices[NOBODY] = _("Nobody: leave it unassigned")
    if move == STAGE:
        form.choices = {stage: words.stage_label(stage) for stage in kind.get("stages", [])}
    return form


def _move_context(
    request: Request, desk: Desk, case: dict[str, Any], form: MoveForm
) -> dict[str, Any]:
    return {
        "desk": desk,
        "case": case,
        "form": form,
        "title": move_title(form.move),
        "kind_title": words.kind_title(str(case["kind"])),
        "status": words.status_label(str(case["status"])),
        "case_path": case_path(request, desk, str(case["id"])),
        "action": f"{case_path(request, desk, str(case['id']))}/{form.move}",
        "bands": [
            {"value": str(b), "text": str(b), "checked": form.band == str(b)} for b in range(1, 6)
        ],
        "choices": [
            {"value": value, "text": text, "checked": value in (form.owner, form.stage)}
            for value, text in form.choices.items()
        ],
    }


async def _move_page(
    request: Request, holder: RoleHolder, desk: Desk, case_id: str, move: str
) -> HTMLResponse:
    answer = await reading.read_case(holder, case_id)
    case: dict[str, Any] = answer.body
    if move not in moves_open(desk, case):
        raise NotFound()
    form = await _move_form(holder, desk, case, move)
    form.version = answer.etag or ""
    return render(request, "casework/move.html", _move_context(request, desk, case, form))


def _request_of(
    move: str, form: MoveForm, body: dict[str, Any], holder: RoleHolder
) -> tuple[str, str, dict[str, Any] | None]:
    """The cases API call that makes the move: method, path under the case, body."""
    if move == ASSIGN:
        owner = {ME: holder.user_id, NOBODY: None}.get(form.owner, form.owner)
        return "PUT", "/owner", {"owner_id": owner}
    if move == STAGE:
        return "PUT", "/stage", {"stage": form.stage}
    if move == VERIFY:
        return "POST", "/circumstances/verification", None
    if move == REJECT:
        return "POST", "/circumstances/rejection", {"reason": form.reason}
    return "POST", "/actions", {"action": move, **body}


async def _make_move(
    request: Request,
    holder: RoleHolder,
    desk: Desk,
    case_id: str,
    move: str,
    form_data: FormData,
) -> Response:
    case: dict[str, Any] = (await reading.read_case(holder, case_id)).body
    if move not in desk.moves:
        raise NotFound()
    form = await _move_form(holder, desk, case, move)
    body = form.read(form_data, today=today())
    if body is None:
        return render(
            request, "casework/move.html", _move_context(request, desk, case, form), status=400
        )
    method, path, sent = _request_of(move, form, body, holder)
    headers = {"If-Match": form.version} if form.version else {}
    answer = await holder.call(method, f"/cases/cases/{case_id}{path}", body=sent, headers=headers)
    if answer.status == 200:
        await session_service(request).note(holder.person.session, f"{NOTICE}{move}")
        return RedirectResponse(case_path(request, desk, case_id), status_code=303)
    if answer.status == 404:
        raise NotFound()
    if answer.status in (412, 428):
        form.stale(await reading.current_version(holder, case_id))
        status = 409
    else:
        form.refused(answer.status, answer.error_code, answer.error_details)
        status = 409 if answer.status == 409 else 400
    return render(
        request, "casework/move.html", _move_context(request, desk, case, form), status=status
    )


@router.get("/{authority}/caseload/{case_id}/{move}")
async def officer_move_page(
    request: Request, officer: Officer, case_id: CaseId, move: Move
) -> HTMLResponse:
    """The form of a move an officer may make on the case now."""
    return await _move_page(request, officer, OFFICERS, case_id, move)


@router.post("/{authority}/caseload/{case_id}/{move}")
async def officer_move(
    request: Request, officer: Officer, case_id: CaseId, move: Move, form_data: CheckedForm
) -> Response:
    """Make the move, unless the case changed since the form was filled in."""
    return await _make_move(request, officer, OFFICERS, case_id, move, form_data)


@router.get("/{authority}/complaints/{case_id}/{move}")
async def landlord_move_page(
    request: Request, landlord: LandlordUser, case_id: CaseId, move: Move
) -> HTMLResponse:
    """The form of a move the landlord may make on the complaint now."""
    return await _move_page(request, landlord, LANDLORDS, case_id, move)


@router.post("/{authority}/complaints/{case_id}/{move}")
async def landlord_move(
    request: Request, landlord: LandlordUser, case_id: CaseId, move: Move, form_data: CheckedForm
) -> Response:
    """Make the move on the complaint, unless it changed since the form was filled in."""
    return await _make_move(request, landlord, LANDLORDS, case_id, move, form_data)
