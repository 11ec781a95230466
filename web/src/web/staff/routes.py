"""The authority administrator's pages: invite staff, list members, restrict, read the log."""

import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kit.errors import NotFound
from web.i18n import format_date, format_moment
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail
from web.roles import AuthorityAdmin, RecordId, RoleHolder, role_name
from web.sessions.dependencies import CheckedForm
from web.staff.audit import action_names, outcome_name
from web.staff.forms import InvitationForm, RestrictionForm, email_error

router = APIRouter(include_in_schema=False)
PAGE_SIZE = "20"


def moment(value: Any) -> str:
    """An API time shown in UK time, or nothing."""
    if not isinstance(value, str):
        return ""
    return format_moment(datetime.datetime.fromisoformat(value))


def day(value: Any) -> str:
    """An API time shown as its date, or nothing."""
    if not isinstance(value, str):
        return ""
    return format_date(datetime.datetime.fromisoformat(value).date())


async def restrictions_in_force(admin: RoleHolder) -> dict[str, dict[str, Any]]:
    """The restrictions in force here, by the restricted person's id."""
    answer = await admin.call("GET", "/identity/restrictions", params={"in_force": "true"})
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    return {str(item["user_id"]): item for item in items if isinstance(item, dict)}


@router.get("/{authority}/staff/members")
async def members(request: Request, admin: AuthorityAdmin) -> Response:
    """Everyone who belongs here, newest first, a page at a time; found by email if asked."""
    trail = Trail.of(request, keep=("email",))
    email = request.query_params.get("email", "").strip()
    params = {"limit": PAGE_SIZE}
    if email:
        params["email"] = email[:254]
    if trail.cursor:
        params["cursor"] = trail.cursor
    answer = await admin.call("GET", "/identity/members", params=params)
    if answer.status == 400:
        # A cursor from an address that was changed by hand: start from the first page.
        return RedirectResponse(f"{authority_base(request)}/staff/members", status_code=303)
    body = answer.body if isinstance(answer.body, dict) else {}
    restricted = await restrictions_in_force(admin)
    rows = []
    for member in body.get("items", []):
        restriction = restricted.get(str(member["user_id"]))
        rows.append(
            {
                "user_id": member["user_id"],
                "name": f"{member['first_name']} {member['last_name']}",
                "email": member["email"],
                "roles": ", ".join(role_name(role) for role in member["roles"]),
                "joined": day(member["joined_at"]),
                "restriction": restriction,
                "until": day(restriction.get("until")) if restriction else "",
                "self": member["user_id"] == admin.user_id,
            }
        )
    path = f"{authority_base(request)}/staff/members"
    context = {"rows": rows, "email": email, "paging": trail.links(path, body.get("next_cursor"))}
    return render(request, "staff/members.html", context)


@router.get("/{authority}/staff/invite")
async def invite_page(request: Request, admin: AuthorityAdmin) -> HTMLResponse:
    """The form to invite a member of staff."""
    return render(request, "staff/invite.html", {"form": InvitationForm()})


@router.post("/{authority}/staff/invite")
async def invite(request: Request, admin: AuthorityAdmin, form_data: CheckedForm) -> Response:
    """Invite them with identity: they get the role now and an email to set their password."""
    form = InvitationForm()
    if not form.read(form_data):
        return render(request, "staff/invite.html", {"form": form}, status=400)
    answer = await admin.call(
        "POST",
        "/identity/staff-invitations",
        body={
            "email": form.email,
            "first_name": form.first_name,
            "last_name": form.last_name,
            "role": form.role,
        },
    )
    if answer.status != 201:
        form.refused(answer.error_code, answer.error_details)
        return render(request, "staff/invite.html", {"form": form}, status=400)
    return RedirectResponse(f"{authority_base(request)}/staff/invitation-sent", status_code=303)


@router.get("/{authority}/staff/invitation-sent")
async def invitation_sent(request: Request, admin: AuthorityAdmin) -> HTMLResponse:
    """The invitation is on its way."""
    return render(request, "staff/invitation_sent.html")


async def _member(admin: RoleHolder, user_id: str) -> dict[str, Any]:
    """A member of this authority, by id; the not-found page for anyone else."""
    answer = await admin.call("GET", f"/identity/members/{user_id}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise NotFound()
    return answer.body


@router.get("/{authority}/staff/members/{user_id}/restrict")
async def restrict_page(request: Request, admin: AuthorityAdmin, user_id: RecordId) -> HTMLResponse:
    """The form to restrict a member's access, naming them."""
    member = await _member(admin, user_id)
    return render(request, "staff/restrict.html", {"form": RestrictionForm(), "member": member})


@router.post("/{authority}/staff/members/{user_id}/restrict")
async def restrict(
    request: Request, admin: AuthorityAdmin, user_id: RecordId, form_data: CheckedForm
) -> Response:
    """Restrict them with identity: their sessions here end and sign-in is refused."""
    form = RestrictionForm()
    context = {"form": form, "member": await _member(admin, user_id)}
    if not form.read(form_data, today=datetime.datetime.now(datetime.UTC).date()):
        return render(request, "staff/restrict.html", context, status=400)
    body: dict[str, Any] = {"user_id": user_id, "reason": form.reason}
    if form.until is not None:
        body["until"] = form.until.isoformat()
    answer = await admin.call("POST", "/identity/restrictions", body=body)
    if answer.error_code == "member_not_found":
        raise NotFound()
    if answer.status != 201:
        form.refused(answer.error_code)
        return render(request, "staff/restrict.html", context, status=400)
    return RedirectResponse(f"{authority_base(request)}/staff/access-restricted", status_code=303)


@router.get("/{authority}/staff/access-restricted")
async def access_restricted(request: Request, admin: AuthorityAdmin) -> HTMLResponse:
    """The restriction is in force."""
    return render(request, "staff/access_restricted.html")


async def _restriction(admin: RoleHolder, restriction_id: str) -> dict[str, Any]:
    """A restriction in force here; not found otherwise."""
    for restriction in (await restrictions_in_force(admin)).values():
        if restriction.get("id") == restriction_id:
            return restriction
    raise NotFound()


@router.get("/{authority}/staff/restrictions/{restriction_id}/lift")
async def lift_page(
    request: Request, admin: AuthorityAdmin, restriction_id: RecordId
) -> HTMLResponse:
    """Check the restriction before lifting it."""
    restriction = await _restriction(admin, restriction_id)
    context = {
        "restriction": restriction,
        "since": day(restriction.get("created_at")),
        "until": day(restriction.get("until")),
    }
    return render(request, "staff/lift.html", context)


@router.post("/{authority}/staff/restrictions/{restriction_id}/lift")
async def lift(
    request: Request, admin: AuthorityAdmin, restriction_id: RecordId, _form: CheckedForm
) -> Response:
    """Lift it with identity: the person may sign in again."""
    answer = await admin.call("DELETE", f"/identity/restrictions/{restriction_id}")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200:
        return render(request, "staff/not_done.html", status=400)
    return RedirectResponse(f"{authority_base(request)}/staff/restriction-lifted", status_code=303)


@router.get("/{authority}/staff/restriction-lifted")
async def restriction_lifted(request: Request, admin: AuthorityAdmin) -> HTMLResponse:
    """The restriction is lifted."""
    return render(request, "staff/restriction_lifted.html")


@router.get("/{authority}/staff/audit-log")
async def audit_log(request: Request, admin: AuthorityAdmin) -> Response:
    """The security audit log, newest first, filtered by action and by person."""
    names = action_names()
    trail = Trail.of(request, keep=("action", "email"))
    action = request.query_params.get("action", "")
    email = request.query_params.get("email", "").strip()
    errors: dict[str, str] = {}
    params = {"limit": PAGE_SIZE}
    if action and action not in names:
        errors["action"] = _("Select an action from the list")
    elif action:
        params["action"] = action
    if email:
        problem = email_error(email)
        user_id = await _member_id(admin, email) if problem is None else None
        if problem is not None:
            errors["email"] = problem
        elif user_id is None:
            errors["email"] = _("There is no one with this email address here")
        else:
            params["user_id"] = user_id
    if trail.cursor:
        params["cursor"] = trail.cursor
    body: dict[str, Any] = {}
    if not errors:
        answer = await admin.call("GET", "/identity/audit-events", params=params)
        if answer.status == 400:
            return RedirectResponse(f"{authority_base(request)}/staff/audit-log", status_code=303)
        body = answer.body if isinstance(answer.body, dict) else {}
    people = body.get("people") or {}
    rows = [
        {
            "at": moment(event["at"]),
            "action": names.get(str(event["action"]), str(event["action"])),
            "outcome": outcome_name(str(event["outcome"])),
            "actor": _person_named(people, event.get("actor")),
            "subject": _person_named(people, event.get("subject")),
            "address": event.get("address") or "",
        }
        for event in body.get("items", [])
    ]
    path = f"{authority_base(request)}/staff/audit-log"
    context = {
        "rows": rows,
        "action": action,
        "email": email,
        "actions": [{"value": "", "text": _("All actions")}]
        + [
            {"value": code, "text": name, "selected": code == action}
            for code, name in names.items()
        ],
        "errors": errors,
        "error_list": [{"text": text, "href": f"#{name}"} for name, text in errors.items()],
        "paging": trail.links(path, body.get("next_cursor")),
    }
    return render(request, "staff/audit_log.html", context, status=400 if errors else 200)


def _person_named(people: dict[str, Any], user_id: object) -> dict[str, str] | None:
    """Who an event names, as the administrator knows them: a member's name and email address,
    or, for someone who is not a member here, that they are not."""
    if not isinstance(user_id, str) or not user_id:
        return None
    person = people.get(user_id)
    if not isinstance(person, dict):
        return {"name": _("Not a member here"), "email": ""}
    name = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
    return {"name": name, "email": str(person.get("email", ""))}


async def _member_id(admin: RoleHolder, email: str) -> str | None:
    """The id of the member with this email address, if there is one here."""
    answer = await admin.call("GET", "/identity/members", params={"email": email, "limit": "1"})
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    return str(items[0]["user_id"]) if items else None


def invitation_state(state: str) -> str:
    """Where an invitation stands, in the page's language."""
    return {
        "pending": _("Waiting"),
        "accepted": _("Accepted"),
        "expired": _("Expired"),
    }.get(state, state)


@router.get("/{authority}/staff/invitations")
async def invitations(request: Request, admin: AuthorityAdmin) -> HTMLResponse:
    """The invitations sent here, newest first, with those not accepted yet to send again."""
    answer = await admin.call("GET", "/identity/staff-invitations")
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    rows = [
        {
            "id": item["id"],
            "email": item["email"],
            "role": role_name(str(item["role"])),
            "state": item["state"],
            "state_name": invitation_state(str(item["state"])),
            "sent": day(item.get("created_at")),
        }
        for item in items
        if isinstance(item, dict)
    ]
    return render(request, "staff/invitations.html", {"rows": rows})


@router.post("/{authority}/staff/invitations/{invitation_id}/renewal")
async def renew_invitation(
    request: Request, admin: AuthorityAdmin, invitation_id: RecordId, _form: CheckedForm
) -> Response:
    """Send it again with a new link; the earlier link stops working."""
    answer = await admin.call("POST", f"/identity/staff-invitations/{invitation_id}/renewal")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200:
        return render(request, "staff/not_done.html", {"renewal": True}, status=400)
    return RedirectResponse(f"{authority_base(request)}/staff/invitation-sent", status_code=303)
