"""Emails about applications: which case event leads to one, and the facts it shows."""

from datetime import datetime, time

from babel.dates import format_date

from contracts.envelope import Envelope
from contracts.events.cases import DraftExpiring
from contracts.fields import Language
from contracts.payload import EventPayload
from notifications.emails.account import AccountEmail, link_of
from notifications.emails.rendering import CATALOGUES, UK_TIME

CASE_EVENTS: tuple[type[EventPayload], ...] = (DraftExpiring,)


def kind_title(kind: str, language: Language) -> str:
    """What an application of this kind is called, in the email's language."""
    catalogue = CATALOGUES[language]
    titles = {
        "homelessness": catalogue.gettext("homelessness referral"),
        "housing_register": catalogue.gettext("housing register application"),
        "housing_advice": catalogue.gettext("request for housing advice"),
        "complaint": catalogue.gettext("complaint"),
    }
    return titles.get(kind, kind)


def case_email(envelope: Envelope, payload: EventPayload) -> AccountEmail | None:
    """The email a case event leads to; None when the applicant gave no address to email."""
    if not isinstance(payload, DraftExpiring):
        raise TypeError(f"{envelope.type} does not lead to a case email")
    if payload.email is None:
        return None
    language = payload.language
    return AccountEmail(
        "draft_expiring",
        to=payload.email,
        user_id=payload.applicant_id,
        language=language,
        facts={
            "first_name": None,
            "application": kind_title(payload.kind, language),
            "reference": payload.reference,
            "removal_on": format_date(payload.removal_on, "d MMMM y", locale=language),
            "link": link_of(payload.link),
        },
        # Once the draft is gone the warning would only mislead.
        send_by=datetime.combine(payload.removal_on, time(0), tzinfo=UK_TIME),
        case_id=payload.case_id,
    )
