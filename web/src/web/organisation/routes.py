"""The landlord administrator's pages: list, create, reset and (de)activate their users."""

import datetime
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kit.errors import NotFound
from web.i18n import format_date
from web.i18n import gettext as _
from web.organisation.forms import UserForm
from web.pages import authority_base, render
from web.roles import LandlordAdmin, RecordId, RoleHolder, role_name
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


def _organisation(admin: RoleHolder) -> str:
    """The administrator's own organisation; none (so no such pages) without one."""
    if admin.organisation_id is None:
        raise NotFound()
    return f"/identity/organisations/{admin.organisation_id}"


def state_name(state: str) -> str:
    """A user's state, in the page's language."""
    return {
        "invited": _("Invited"),
        "active": _("Active"),
        "inactive": _("Deactivated"),
    }.get(state, state)


def _row(user: dict[str, Any]) -> dict[str, Any]:
    added = user.get("added_at")
    return {
        "user_id": user["user_id"],
        "name": f"{user['first_name']} {user['last_name']}",
        "email": user["email"],
        "roles": ", ".join(role_name(role) for role in user["roles"]),
        "state": user["state"],
        "state_name": state_name(str(user["state"])),
        "added": format_date(datetime.datetime.fromisoformat(added).date())
        if isinstance(added, str)
        else "",
    }


async def _users(admin: RoleHolder) -> list[dict[str, Any]]:
    answer = await admin.call("GET", f"{_organisation(admin)}/users")
    if answer.status == 404:
        raise NotFound()
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    return [_row(user) for user in items if isinstance(user, dict)]


async def _user(admin: RoleHolder, user_id: str) -> dict[str, Any]:
    for user in await _users(admin):
        if user["user_id"] == user_id:
            return user
    raise NotFound()


@router.get("/{authority}/organisation/users")
async def users(request: Request, admin: LandlordAdmin) -> HTMLResponse:
    """The organisation's users."""
    answer = await admin.call("GET", _organisation(admin))
    name = answer.body.get("name", "") if isinstance(answer.body, dict) else ""
    context = {"rows": await _users(admin), "organisation": name, "me": admin.user_id}
    return render(request, "organisation/users.html", context)


@router.get("/{authority}/organisation/users/new")
async def new_user_page(request: Request, admin: LandlordAdmin) -> HTMLResponse:
    """The form to create a user."""
    _organisation(admin)
    return render(request, "organisation/new_user.html", {"form": UserForm()})


@router.post("/{authority}/organisation/users/new")
async def new_user(request: Request, admin: LandlordAdmin, form_data: CheckedForm) -> Response:
    """Create the user with identity: they get an email to set their password."""
    form = UserForm()
    if not form.read(form_data):
        return render(request, "organisation/new_user.html", {"form": form}, status=400)
    answer = await admin.call(
        "POST",
        f"{_organisation(admin)}/users",
        body={
            "email": form.email,
            "first_name": form.first_name,
            "last_name": form.last_name,
            "role": form.role,
        },
    )
    if answer.status != 201:
        form.refused(answer.error_code, answer.error_details)
        return render(request, "organisation/new_user.html", {"form": form}, status=400)
    return RedirectResponse(f"{authority_base(request)}/organisation/user-created", status_code=303)


@dataclass(frozen=True)
class UserAction:
    """Something an administrator does to one user, checked on a page first."""

    slug: str
    done: str

    def title(self) -> str:
        """The check page's heading."""
        return {
            "reset-password": _("Send a password reset email"),
            "deactivate": _("Deactivate this user"),
            "reactivate": _("Reactivate this user"),
        }[self.slug]

    def explanation(self) -> str:
        """What happens, said on the check page."""
        return {
            "reset-password": _(
                "We will email them a link to choose a new password. If they have not set a "
                "password yet, we will send them a new invitation instead."
            ),
            "deactivate": _(
                "They will be signed out at once and cannot sign in until you reactivate them."
            ),
            "reactivate": _("They will be able to sign in again."),
        }[self.slug]

    def button(self) -> str:
        """The check page's button."""
        return {
            "reset-password": _("Send reset email"),
            "deactivate": _("Deactivate user"),
            "reactivate": _("Reactivate user"),
        }[self.slug]


ACTIONS = {
    "reset-password": UserAction("reset-password", "password-reset-sent"),
    "deactivate": UserAction("deactivate", "user-deactivated"),
    "reactivate": UserAction("reactivate", "user-reactivated"),
}


def _action(name: str) -> UserAction:
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound()
    return action


@router.get("/{authority}/organisation/users/{user_id}/{action}")
async def user_action_page(
    request: Request, admin: LandlordAdmin, user_id: RecordId, action: str
) -> HTMLResponse:
    """Check the user and what will happen before doing it."""
    chosen = _action(action)
    user = await _user(admin, user_id)
    context = {"user": user, "action": chosen, "own": user_id == admin.user_id}
    return render(request, "organisation/check_action.html", context)


@router.post("/{authority}/organisation/users/{user_id}/{action}")
async def user_action(
    request: Request, admin: LandlordAdmin, user_id: RecordId, action: str, _form: CheckedForm
) -> Response:
    """Do it with identity, then say it is done."""
    chosen = _action(action)
    path = f"{_organisation(admin)}/users/{user_id}"
    if chosen.slug == "reset-password":
        answer = await admin.call("POST", f"{path}/password-reset")
        done = answer.status == 202
    else:
        answer = await admin.call("PATCH", path, body={"active": chosen.slug == "reactivate"})
        done = answer.status == 200
    if answer.status == 404:
        raise NotFound()
    if not done:
        user = await _user(admin, user_id)
        context = {"user": user, "action": chosen, "refused": answer.error_code or "failed"}
        return render(request, "organisation/check_action.html", context, status=400)
    return RedirectResponse(
        f"{authority_base(request)}/organisation/{chosen.done}", status_code=303
    )


@router.get("/{authority}/organisation/{outcome}")
async def done_page(request: Request, admin: LandlordAdmin, outcome: str) -> HTMLResponse:
    """The confirmation that an action is done."""
    panels = {
        "user-created": (
            _("User created"),
            _("We have emailed them a link to set their password"),
        ),
        "password-reset-sent": (
            _("Password reset email sent"),
            _("They can choose a new password from the link in the email"),
        ),
        "user-deactivated": (_("User deactivated"), _("They cannot sign in")),
        "user-reactivated": (_("User reactivated"), _("They can sign in again")),
    }
    if outcome not in panels:
        raise NotFound()
    title, text = panels[outcome]
    return render(request, "organisation/done.html", {"title": title, "text": text})
