"""The success notices a page shows once, after the change the person made on the one before."""

from fastapi import Request

from web.i18n import gettext as _
from web.sessions.dependencies import session_service
from web.sessions.service import OpenSession

PASSWORD_CHANGED = "password_changed"
NAME_CHANGED = "name_changed"
PHONE_CHANGED = "phone_changed"
PHONE_REMOVED = "phone_removed"
LANGUAGE_CHANGED = "language_changed"
SESSION_ENDED = "session_ended"
AUTHORITY_JOINED = "authority_joined"
AUTHORITY_SWITCHED = "authority_switched"


def notice_text(notice: str) -> str | None:
    """What the notice tells the person, in their language."""
    texts = {
        PASSWORD_CHANGED: _(
            "You have changed your password. Any other devices signed in to your account have "
            "been signed out."
        ),
        NAME_CHANGED: _("You have changed your name."),
        PHONE_CHANGED: _("You have changed your phone number."),
        PHONE_REMOVED: _("You have removed your phone number."),
        LANGUAGE_CHANGED: _("We will write to you in the language you chose."),
        SESSION_ENDED: _("You have signed out of that device."),
        AUTHORITY_JOINED: _("You have joined another housing service. You can now switch to it."),
        AUTHORITY_SWITCHED: _("You are now using this housing service's portal."),
    }
    return texts.get(notice)


async def leave_notice(request: Request, session: OpenSession, notice: str) -> None:
    """Keep the notice for the next page the person opens."""
    await session_service(request).note(session, notice)


async def take_notice(request: Request, session: OpenSession) -> str | None:
    """The text of the notice kept for this page, shown only this once."""
    notice = await session_service(request).take_notice(session)
    return notice_text(notice) if notice is not None else None
