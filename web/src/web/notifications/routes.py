"""The signed-in person's notifications: the list, opening one, marking all seen, and the
choice of which kinds of event they are emailed about."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kit.errors import NotFound
from web.account.dependencies import Person, SignedInPerson
from web.account.identity import as_person
from web.cases.forms import text_of
from web.cases.rendering import page, see_other
from web.gateway import ApiAnswer, GatewayUnavailable
from web.i18n import current_language, format_moment
from web.i18n import gettext as _
from web.notifications.words import kind_label
from web.pages import authority_base
from web.paging import Trail
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)

NotificationId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
PAGE_SIZE = "20"
SERVICE = "notifications"
KIND = re.compile(r"^[a-z_]{1,64}$")


def _home(request: Request) -> str:
    return f"{authority_base(request)}/notifications"


def _preferences_path(request: Request) -> str:
    return f"{_home(request)}/preferences"


def shown_notification(notification: dict[str, Any]) -> dict[str, Any]:
    """A notification as the list shows it."""
    seen_at = notification.get("seen_at")
    return {
        **notification,
        "created": format_moment(str(notification.get("created_at"))),
        "seen": format_moment(str(seen_at)) if seen_at else None,
    }


def portal_path(request: Request, authority: str, link: str) -> str | None:
    """A notification's link as a path of this site (on the authority's own host name too);
    None when it is not one of the authority's pages."""
    prefix = f"/{authority}/"
    rest = link.removeprefix(prefix)
    if rest == link or rest.startswith(("/", "\\")):
        return None
    return f"{authority_base(request)}/{rest}"


@router.get("/{authority}/notifications")
async def my_notifications(request: Request, person: SignedInPerson) -> Response:
    """What has happened on my cases, newest first, those not yet seen marked new."""
    trail = Trail.of(request)
    # In the page's language, whatever the language each notice was told in.
    params = {
        "limit": PAGE_SIZE,
        "language": current_language.get(),
        **({"cursor": trail.cursor} if trail.cursor else {}),
    }
    answer = await as_person(
        request, person, "GET", "/notifications", params=params, service=SERVICE
    )
    if answer.status == 400 and trail.cursor:
        return see_other(_home(request))
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"notifications answered {answer.status}")
    context = {
        "notifications": [shown_notification(item) for item in answer.body.get("items", [])],
        "notice": request.query_params.get("notice", ""),
        "paging": trail.links(_home(request), answer.body.get("next_cursor")),
    }
    return page(request, "notifications/notifications.html", context)


# Which kinds of event the person is emailed about


async def _preferences(request: Request, person: Person) -> ApiAnswer:
    answer = await as_person(request, person, "GET", "/preferences", service=SERVICE)
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"preferences answered {answer.status}")
    return answer


def _choices_context(
    answer: ApiAnswer, chosen: dict[str, bool], errors: dict[str, str], notice: str = ""
) -> dict[str, Any]:
    return {
        "kinds": [
            {"value": kind, "text": kind_label(kind), "checked": chosen.get(kind, False)}
            for kind in answer.body.get("email", {})
        ],
        "version": answer.etag or "",
        "errors": errors,
        "error_links": {"email": "#email"},
        "notice": notice,
    }


def _chosen(answer: ApiAnswer) -> dict[str, bool]:
    email = answer.body.get("email", {})
    return {str(kind): bool(on) for kind, on in email.items()}


@router.get("/{authority}/notifications/preferences")
async def preferences_page(request: Request, person: SignedInPerson) -> Response:
    """Choose which kinds of event we email you about."""
    answer = await _preferences(request, person)
    notice = request.query_params.get("notice", "")
    context = _choices_context(answer, _chosen(answer), {}, notice)
    return page(request, "notifications/preferences.html", context)


def _choices_sent(form: FormData) -> dict[str, bool] | None:
    """The choices of the form: each kind it showed, ticked or not; None if tampered with."""
    shown = [str(kind) for kind in form.getlist("kind")]
    ticked = {str(kind) for kind in form.getlist("email")}
    if not shown or not all(KIND.match(kind) for kind in shown) or not ticked <= set(shown):
        return None
    return {kind: kind in ticked for kind in shown}


@router.post("/{authority}/notifications/preferences")
async def save_preferences(request: Request, person: SignedInPerson, form: CheckedForm) -> Response:
    """Save the choices, unless they were changed since the page showed them."""
    sent = _choices_sent(form)
    stale = False
    if sent is not None:
        answer = await as_person(
            request,
            person,
            "PUT",
            "/preferences",
            body={"email": sent},
            if_match=text_of(form, "version") or '""',
            service=SERVICE,
        )
        if answer.status == 200:
            return see_other(f"{_preferences_path(request)}?notice=saved")
        # 403: a kind the person is not told of now (their roles changed since the page
        # showed it): shown again as it is now, like choices that could not be saved.
        if answer.status not in (403, 412, 422, 428):
            raise GatewayUnavailable(f"saving preferences answered {answer.status}")
        stale = answer.status not in (403, 422)
    # The choices as they are now, to check and save again.
    current = await _preferences(request, person)
    if stale:
        problem = _(
            "Your email choices were changed in another window or on another device after you "
            "opened this page. The page now shows them as they are: check them and save again."
        )
    else:
        problem = _("Your email choices could not be saved. Check them and save again.")
    context = _choices_context(current, _chosen(current), {"email": problem})
    return page(request, "notifications/preferences.html", context, status=409 if stale else 400)


@router.post("/{authority}/notifications/seen")
async def mark_all_seen(request: Request, person: SignedInPerson, _form: CheckedForm) -> Response:
    """Mark every notification seen; the list says so."""
    answer = await as_person(request, person, "POST", "/notifications/seen", service=SERVICE)
    if answer.status != 200:
        raise GatewayUnavailable(f"marking seen answered {answer.status}")
    return see_other(f"{_home(request)}?notice=seen")


@router.get("/{authority}/notifications/{notification_id}")
async def open_notification(
    request: Request, person: SignedInPerson, notification_id: NotificationId
) -> Response:
    """Mark the notification seen and go to what it is about."""
    answer = await as_person(
        request, person, "POST", f"/notifications/{notification_id}/seen", service=SERVICE
    )
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"notification answered {answer.status}")
    where = portal_path(request, person.tokens.authority, str(answer.body.get("link", "")))
    return see_other(where or _home(request))
