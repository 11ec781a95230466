"""The person's security events: sign-ins, failures and changes to their account."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.account.dependencies import SignedInPerson
from web.account.identity import as_person, items_of
from web.authorities import authority_cache
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail

router = APIRouter(include_in_schema=False)

# How many events each page shows, newest first.
PAGE_SIZE = 25


def event_text(action: str, outcome: str) -> str:
    """What happened, for the person it happened to."""
    failed = outcome == "failure"
    texts = {
        "account.registered": _("You created your account"),
        "account.registration_attempted": _(
            "Someone tried to create an account with your email address"
        ),
        "account.confirmed": _("You confirmed your email address"),
        "account.confirmation_resent": _("A new link to confirm your email address was sent"),
        "account.profile_updated": _("You changed your details"),
        "sign_in": _("Someone tried to sign in with a wrong password")
        if failed
        else _("You signed in"),
        "sign_in.locked_out": _("Signing in was paused after too many wrong passwords"),
        "sign_in.second_factor": _("A wrong security code was entered when signing in")
        if failed
        else _("You entered a security code to sign in"),
        "sign_in.enrolment_postponed": _("You chose to set up two-factor authentication later"),
        "session.ended": _("A device was signed out"),
        "session.refresh_token_reused": _("A device was signed out to keep your account safe"),
        "session.switched": _("You switched to another housing service"),
        "factor.added": _("You added a way to confirm it is you when signing in"),
        "factor.removed": _("You removed a way to confirm it is you when signing in"),
        "factor.recovery_codes_generated": _("You made new recovery codes"),
        "password.changed": _("A wrong current password was entered to change your password")
        if failed
        else _("You changed your password"),
        "password.reset_requested": _("A link to reset your password was sent"),
        "password.reset": _("Your password was reset with the emailed link"),
        "staff.invited": _("You were invited to join as staff"),
        "staff.invitation_accepted": _("You accepted an invitation to join as staff"),
        "member.deactivated": _("Your account was made inactive"),
        "member.activated": _("Your account was made active again"),
        "member.password_reset_sent": _("An administrator sent you a link to reset your password"),
        "membership.joined": _("You joined another housing service"),
        "restriction.added": _("Your access was restricted"),
        "restriction.lifted": _("A restriction on your access was lifted"),
    }
    return texts.get(action, _("A change to your account's security"))


def shown_event(event: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """An event as the page lists it: what, when, where from and in which housing service."""
    authority = str(event.get("authority", ""))
    return {
        "what": event_text(str(event.get("action", "")), str(event.get("outcome", ""))),
        "failed": event.get("outcome") == "failure",
        "at": event.get("at"),
        "device": event.get("device") or "",
        "address": event.get("address") or "",
        "authority": names.get(authority, authority),
    }


@router.get("/{authority}/account/security-events")
async def security_events(request: Request, person: SignedInPerson) -> Response:
    """The events about the person, newest first, in every housing service they belong to."""
    trail = Trail.of(request)
    params = {"limit": str(PAGE_SIZE), **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await as_person(request, person, "GET", "/me/security-events", params=params)
    path = f"{authority_base(request)}/account/security-events"
    if answer.status == 400:
        # A cursor from an address changed by hand: start from the newest again.
        return RedirectResponse(path, status_code=303)
    names = {found.slug: found.name for found in await authority_cache(request).directory()}
    events = [shown_event(event, names) for event in items_of(answer)]
    body = answer.body if isinstance(answer.body, dict) else {}
    context = {"events": events, "paging": trail.links(path, body.get("next_cursor"))}
    return render(request, "account/security_events.html", context)
