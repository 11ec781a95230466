"""Notices of what happens on a case beyond its status: tasks, messages, appointments,
letters and the Personal Housing Plan.

These events name the case's reference and the people concerned but never the case's
content, so a notice says only that there is something new and where to see it. They carry
no email address, so their notices are in the portal only.
"""

from urllib.parse import quote

from contracts.envelope import Envelope
from contracts.events.casework_meetings import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentChanged,
    LetterIssued,
)
from contracts.events.casework_plans import (
    PlanActionAssigned,
    PlanDisagreed,
    PlanIssued,
    PlanSubmittedForReview,
)
from contracts.events.casework_tasks import (
    MessageReplied,
    MessageSent,
    TaskAssigned,
    TaskReopened,
    TaskUnableToComplete,
)
from contracts.fields import Language
from contracts.payload import EventPayload
from notifications.emails.rendering import CATALOGUES
from notifications.inbox.notice import (
    STAFF_LANGUAGE,
    Audience,
    Notice,
    NoticeKind,
    in_every_language,
)


def casework_activity(kind: NoticeKind, reference: str, language: Language) -> str:
    """What a notice of casework says, in the person's language: the case's reference, and
    never what the task, message, letter or plan says."""
    catalogue = CATALOGUES[language]
    texts: dict[NoticeKind, str] = {
        "task_assigned": catalogue.gettext("You have a new task on case %(reference)s"),
        "task_reopened": catalogue.gettext(
            "A task on case %(reference)s has been set for you again"
        ),
        "task_unable_to_complete": catalogue.gettext(
            "A task on case %(reference)s could not be completed and needs your review"
        ),
        "message_received": catalogue.gettext("You have a new message on case %(reference)s"),
        "reply_received": catalogue.gettext(
            "There is a new reply to a message on case %(reference)s"
        ),
        "appointment_booked": catalogue.gettext(
            "An appointment has been booked for you on case %(reference)s"
        ),
        "appointment_changed": catalogue.gettext(
            "Your appointment on case %(reference)s has changed"
        ),
        "appointment_cancelled": catalogue.gettext(
            "Your appointment on case %(reference)s has been cancelled"
        ),
        "letter_issued": catalogue.gettext("You have a new letter on case %(reference)s"),
        "plan_issued": catalogue.gettext(
            "Your Personal Housing Plan on case %(reference)s has been issued"
        ),
        "plan_action_assigned": catalogue.gettext(
            "Your Personal Housing Plan on case %(reference)s gives you a new action"
        ),
        "plan_disagreed": catalogue.gettext(
            "The applicant on case %(reference)s does not agree to their Personal Housing Plan"
        ),
        "plan_submitted_for_review": catalogue.gettext(
            "The applicant on case %(reference)s has asked for their Personal Housing Plan "
            "to be reviewed"
        ),
        "document_requested": catalogue.gettext(
            "We have asked you for a document on case %(reference)s"
        ),
        "document_verified": catalogue.gettext(
            "A document on case %(reference)s has been verified"
        ),
        "document_rejected": catalogue.gettext(
            "A document on case %(reference)s was not accepted: please send another"
        ),
        "document_uploaded": catalogue.gettext(
            "A document has been uploaded on case %(reference)s"
        ),
    }
    return texts[kind] % {"reference": reference}


def tell(
    kind: NoticeKind,
    *,
    user_id: str,
    audience: Audience,
    language: Language,
    reference: str,
    link: str,
    case_id: str,
) -> Notice:
    """A notice of casework, in the portal only."""
    # Only an applicant's language is known; officers and landlords' users read the portal
    # in either, so their notice is told in English and shown in the page's language.
    told_in = language if audience == "applicant" else STAFF_LANGUAGE
    activities = in_every_language(lambda shown: casework_activity(kind, reference, shown))
    return Notice(
        kind=kind,
        user_id=user_id,
        audience=audience,
        language=told_in,
        activity=activities[told_in],
        activities=activities,
        link=link,
        case_id=case_id,
    )


def _page(envelope: Envelope, *parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in (envelope.authority, *parts))


def task_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """A task set (or set again) tells the person it is for; one they cannot complete tells
    the case's owner, who reviews it."""
    if isinstance(payload, TaskAssigned | TaskReopened):
        if envelope.actor == payload.assignee_id:
            return []
        kind: NoticeKind = "task_assigned" if isinstance(payload, TaskAssigned) else "task_reopened"
        return [
            tell(
                kind,
                user_id=payload.assignee_id,
                audience="applicant" if payload.assignee == "applicant" else "landlord",
                language=payload.language,
                reference=payload.reference,
                link=_page(envelope, "tasks"),
                case_id=payload.case_id,
            )
        ]
    if (
        isinstance(payload, TaskUnableToComplete)
        and payload.owner_id is not None
        and envelope.actor != payload.owner_id
    ):
        return [
            tell(
                "task_unable_to_complete",
                user_id=payload.owner_id,
                audience="staff",
                language=STAFF_LANGUAGE,
                reference=payload.reference,
                link=_page(
                    envelope, "caseload", payload.case_id, "tasks", payload.task_id, "review"
                ),
                case_id=payload.case_id,
            )
        ]
    return []


def message_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """A message tells the person it is for; a reply tells those it was sent to, but of the
    officers only the case's owner."""
    if not isinstance(payload, MessageSent | MessageReplied):
        return []
    kind: NoticeKind = "message_received" if isinstance(payload, MessageSent) else "reply_received"
    # A reply by staff goes to the person the message is for; a reply by that person goes to
    # the officers, and with them the case's owner.
    by_staff = isinstance(payload, MessageSent) or (
        payload.sender_id != payload.applicant_id and payload.owner_id not in payload.recipient_ids
    )
    notices: list[Notice] = []
    for person in dict.fromkeys(payload.recipient_ids):
        if person in (payload.sender_id, envelope.actor):
            continue
        audience: Audience
        if person == payload.applicant_id:
            audience, link = (
                "applicant",
                _page(envelope, "messages", payload.case_id, payload.message_id),
            )
        elif person == payload.owner_id:
            audience = "staff"
            link = _page(envelope, "caseload", payload.case_id, "messages", payload.message_id)
        elif by_staff:
            audience, link = (
                "landlord",
                _page(envelope, "messages", payload.case_id, payload.message_id),
            )
        else:
            # An officer who does not own the case.
            continue
        notices.append(
            tell(
                kind,
                user_id=person,
                audience=audience,
                language=payload.language,
                reference=payload.reference,
                link=link,
                case_id=payload.case_id,
            )
        )
    return notices


APPOINTMENT_KINDS: dict[type[EventPayload], NoticeKind] = {
    AppointmentBooked: "appointment_booked",
    AppointmentChanged: "appointment_changed",
    AppointmentCancelled: "appointment_cancelled",
}


def meeting_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """An appointment booked, moved or cancelled, or a letter issued, tells the person it is
    for, unless they did it themselves."""
    if not isinstance(
        payload, AppointmentBooked | AppointmentChanged | AppointmentCancelled | LetterIssued
    ):
        return []
    if envelope.actor == payload.person_id:
        return []
    if isinstance(payload, LetterIssued):
        kind: NoticeKind = "letter_issued"
        link = _page(envelope, "letters")
    else:
        kind = APPOINTMENT_KINDS[type(payload)]
        link = _page(envelope, "appointments")
    return [
        tell(
            kind,
            user_id=payload.person_id,
            audience="applicant",
            language=payload.language,
            reference=payload.reference,
            link=link,
            case_id=payload.case_id,
        )
    ]


def plan_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """An issued plan and a new action tell the applicant; the applicant disagreeing or asking
    for a review tells the case's owner."""
    if isinstance(payload, PlanIssued | PlanActionAssigned):
        if envelope.actor == payload.person_id:
            return []
        if isinstance(payload, PlanIssued):
            kind: NoticeKind = "plan_issued"
            link = _page(envelope, "plans", payload.case_id)
        else:
            kind = "plan_action_assigned"
            link = _page(envelope, "plans", payload.case_id, "actions", payload.action_id)
        return [
            tell(
                kind,
                user_id=payload.person_id,
                audience="applicant",
                language=payload.language,
                reference=payload.reference,
                link=link,
                case_id=payload.case_id,
            )
        ]
    if (
        isinstance(payload, PlanDisagreed | PlanSubmittedForReview)
        and payload.owner_id is not None
        and envelope.actor != payload.owner_id
    ):
        return [
            tell(
                "plan_disagreed"
                if isinstance(payload, PlanDisagreed)
                else "plan_submitted_for_review",
                user_id=payload.owner_id,
                audience="staff",
                language=STAFF_LANGUAGE,
                reference=payload.reference,
                link=_page(envelope, "caseload", payload.case_id, "plan"),
                case_id=payload.case_id,
            )
        ]
    return []
