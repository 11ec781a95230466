"""Account emails: which email each identity event leads to, and the facts it shows."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.envelope import Envelope
from contracts.events.identity import (
    ConfirmationRequested,
    FactorAdded,
    PasswordChanged,
    PasswordResetRequested,
    RegistrationAttempted,
    SignInCodeIssued,
    SignInLocked,
    StaffInvited,
)
from contracts.fields import Language
from contracts.payload import EventPayload
from notifications.emails.rendering import duration, uk_time, web_address

ACCOUNT_EVENTS: tuple[type[EventPayload], ...] = (
    ConfirmationRequested,
    RegistrationAttempted,
    SignInCodeIssued,
    PasswordResetRequested,
    PasswordChanged,
    FactorAdded,
    StaffInvited,
    SignInLocked,
)


class UnusableLink(ValueError):
    """An event's link is not a web address, so it must not become a link in an email."""


@dataclass(frozen=True)
class AccountEmail:
    """The email an event leads to, before the authority's details are added."""

    template: str
    to: str
    user_id: str | None
    language: Language
    facts: dict[str, Any]
    # When the link or code in it stops working: an email that could not be sent by then
    # would only mislead, so it is failed instead.
    send_by: datetime | None = None
    # The case it is about, if any: officers follow what was sent about a case.
    case_id: str | None = None


def link_of(value: str) -> str:
    """An event's link, refused unless it is a web address."""
    link = web_address(value)
    if link is None:
        raise UnusableLink("an account email link must be an http(s) address")
    return link


def account_email(envelope: Envelope, payload: EventPayload) -> AccountEmail:
    """The email an identity event leads to; only what the event carries goes in."""
    if not isinstance(
        payload,
        ConfirmationRequested
        | RegistrationAttempted
        | SignInCodeIssued
        | PasswordResetRequested
        | PasswordChanged
        | FactorAdded
        | StaffInvited
        | SignInLocked,
    ):
        raise TypeError(f"{envelope.type} does not lead to an account email")
    to, user_id, language = payload.email, payload.user_id, payload.language
    facts: dict[str, Any] = {"first_name": payload.first_name}
    if isinstance(payload, ConfirmationRequested):
        facts |= {
            "link": link_of(payload.link),
            "expires_in": duration(payload.expires_at - envelope.occurred_at, language),
        }
        return AccountEmail(
            "confirm_email",
            to=to,
            user_id=user_id,
            language=language,
            facts=facts,
            send_by=payload.expires_at,
        )
    if isinstance(payload, RegistrationAttempted):
        facts |= {
            "sign_in_link": link_of(payload.sign_in_link),
            "reset_link": link_of(payload.reset_link),
        }
        return AccountEmail(
            "account_exists", to=to, user_id=user_id, language=language, facts=facts
        )
    if isinstance(payload, SignInCodeIssued):
        facts |= {
            "code": payload.code,
            "purpose": payload.purpose,
            "expires_in": duration(payload.expires_at - envelope.occurred_at, language),
        }
        return AccountEmail(
            "sign_in_code",
            to=to,
            user_id=user_id,
            language=language,
            facts=facts,
            send_by=payload.expires_at,
        )
    if isinstance(payload, PasswordResetRequested):
        facts |= {
            "link": link_of(payload.link),
            "expires_in": duration(payload.expires_at - envelope.occurred_at, language),
        }
        return AccountEmail(
            "password_reset",
            to=to,
            user_id=user_id,
            language=language,
            facts=facts,
            send_by=payload.expires_at,
        )
    if isinstance(payload, PasswordChanged):
        facts |= {"changed_at": uk_time(payload.changed_at, language), "by_reset": payload.by_reset}
        return AccountEmail(
            "password_changed", to=to, user_id=user_id, language=language, facts=facts
        )
    if isinstance(payload, FactorAdded):
        facts |= {
            "factor": payload.factor,
            "added_at": uk_time(payload.added_at, language),
        }
        return AccountEmail("factor_added", to=to, user_id=user_id, language=language, facts=facts)
    if isinstance(payload, SignInLocked):
        facts |= {
            "wrong_answers": payload.wrong_answers,
            "locked_until": uk_time(payload.locked_until, language),
            "reset_link": link_of(payload.reset_link),
        }
        return AccountEmail(
            "sign_in_locked", to=to, user_id=user_id, language=language, facts=facts
        )
    facts |= {
        "invited_by": payload.invited_by,
        "role": payload.role,
        "organisation_name": payload.organisation_name,
        "link": link_of(payload.link),
        "expires_in": duration(payload.expires_at - envelope.occurred_at, language),
    }
    return AccountEmail(
        "staff_invitation",
        to=to,
        user_id=user_id,
        language=language,
        facts=facts,
        send_by=payload.expires_at,
    )
