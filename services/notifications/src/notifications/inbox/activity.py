"""Which event tells whom what: the one place that maps events to notices.

Each rule takes an event and answers the notices it leads to: who hears of it, the activity
text in their language, where it links to, and whether the person may be emailed about it.
A new kind of event plugs in by adding its payload and a rule to RULES and its kind to
NOTICE_KINDS; the consumer, the API and the preferences follow from those. The rules of
tasks, messages, appointments, letters and plans are in `casework`; document events name only
their case, so theirs are in `documents`, with the copy of each case's people they need.
"""

from collections.abc import Callable
from urllib.parse import quote

from contracts.envelope import Envelope
from contracts.events.cases import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseDetailsChanged,
    CaseStatusChanged,
    CaseSubmitted,
    CircumstancesRejected,
    CircumstancesSubmitted,
    CircumstancesVerified,
)
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
from contracts.events.notifications import SurveyRequested
from contracts.fields import Language
from contracts.payload import EventPayload
from notifications.emails.cases import kind_title
from notifications.emails.rendering import CATALOGUES
from notifications.inbox.casework import (
    meeting_notices,
    message_notices,
    plan_notices,
    task_notices,
)
from notifications.inbox.notice import (
    NOTICE_KINDS,
    STAFF_LANGUAGE,
    Audience,
    Notice,
    NoticeKind,
    in_every_language,
)
from notifications.surveys.notice import survey_notices

__all__ = ["NOTICE_KINDS", "RULES", "Audience", "Notice", "NoticeKind", "notices_for"]

# Status changes that another event of their own already tells the applicant of.
TOLD_BY_ANOTHER_EVENT = frozenset({"submit", "accept", "suspend", "reinstate"})
ENDED_STATUSES = frozenset({"closed", "cancelled"})

CaseEvent = (
    CaseSubmitted
    | CaseAccepted
    | CaseStatusChanged
    | CaseClosed
    | CaseAssigned
    | CaseDetailsChanged
    | CircumstancesSubmitted
    | CircumstancesVerified
    | CircumstancesRejected
)


def _applicant_page(envelope: Envelope, case_id: str) -> str:
    return f"/{quote(envelope.authority)}/applications/{quote(case_id)}"


def _staff_page(envelope: Envelope, payload: CaseEvent) -> str:
    area = "complaints" if payload.kind == "complaint" else "caseload"
    return f"/{quote(envelope.authority)}/{area}/{quote(payload.case_id)}"


def _activity(kind: NoticeKind, payload: CaseEvent, language: Language) -> str:
    catalogue = CATALOGUES[language]
    facts = {"application": kind_title(payload.kind, language), "reference": payload.reference}
    texts: dict[NoticeKind, str] = {
        "application_received": catalogue.gettext(
            "Your %(application)s %(reference)s has been received and is in progress"
        ),
        "application_accepted": catalogue.gettext(
            "Your %(application)s %(reference)s has been accepted"
        ),
        "status_changed": catalogue.gettext(
            "The status of your %(application)s %(reference)s has changed"
        ),
        "change_verified": catalogue.gettext(
            "Your change of circumstances on %(reference)s has been verified"
        ),
        "change_rejected": catalogue.gettext(
            "Your change of circumstances on %(reference)s was not accepted"
        ),
        "case_closed": catalogue.gettext("Your %(application)s %(reference)s has been closed"),
        "change_submitted": catalogue.gettext(
            "The applicant on case %(reference)s has told us of a change of circumstances"
        ),
        "details_changed": catalogue.gettext(
            "The applicant on case %(reference)s has changed the case's details"
        ),
        "case_withdrawn": catalogue.gettext("The applicant has withdrawn case %(reference)s"),
        "case_assigned": catalogue.gettext("Case %(reference)s has been assigned to you"),
    }
    return texts[kind] % facts


def _activities(kind: NoticeKind, payload: CaseEvent) -> dict[Language, str]:
    return in_every_language(lambda language: _activity(kind, payload, language))


def _to_applicant(kind: NoticeKind, envelope: Envelope, payload: CaseEvent) -> Notice:
    language = payload.language
    activities = _activities(kind, payload)
    return Notice(
        kind=kind,
        user_id=payload.applicant_id,
        audience="applicant",
        language=language,
        activity=activities[language],
        activities=activities,
        link=_applicant_page(envelope, payload.case_id),
        case_id=payload.case_id,
        email_to=payload.email,
        email_facts={
            "application": kind_title(payload.kind, language),
            "reference": payload.reference,
        },
    )


def _to_staff(kind: NoticeKind, envelope: Envelope, payload: CaseEvent, user_id: str) -> Notice:
    activities = _activities(kind, payload)
    return Notice(
        kind=kind,
        user_id=user_id,
        audience="staff",
        language=STAFF_LANGUAGE,
        activity=activities[STAFF_LANGUAGE],
        activities=activities,
        link=_staff_page(envelope, payload),
        case_id=payload.case_id,
        # Officers' addresses are identity's; they are told in the portal only.
        email_to=None,
        email_facts={},
    )


def _by_someone_else(envelope: Envelope, user_id: str) -> bool:
    """Whether the event was done by someone other than this person: nobody is told of
    what they did themselves."""
    return envelope.actor != user_id


def case_notices(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """The notices a case event leads to."""
    notices: list[Notice] = []
    if isinstance(payload, CaseSubmitted):
        # The receipt the applicant expects, though they sent it themselves.
        notices.append(_to_applicant("application_received", envelope, payload))
    elif isinstance(payload, CaseAccepted):
        notices.append(_to_applicant("application_accepted", envelope, payload))
    elif isinstance(payload, CaseStatusChanged):
        if (
            payload.action not in TOLD_BY_ANOTHER_EVENT
            and payload.status not in ENDED_STATUSES
            and _by_someone_else(envelope, payload.applicant_id)
        ):
            notices.append(_to_applicant("status_changed", envelope, payload))
    elif isinstance(payload, CaseClosed):
        if _by_someone_else(envelope, payload.applicant_id):
            notices.append(_to_applicant("case_closed", envelope, payload))
        elif payload.owner_id is not None:
            notices.append(_to_staff("case_withdrawn", envelope, payload, payload.owner_id))
    elif isinstance(payload, CaseDetailsChanged):
        if payload.owner_id is not None and envelope.actor == payload.applicant_id:
            notices.append(_to_staff("details_changed", envelope, payload, payload.owner_id))
    elif isinstance(payload, CircumstancesVerified):
        notices.append(_to_applicant("change_verified", envelope, payload))
    elif isinstance(payload, CircumstancesRejected):
        notices.append(_to_applicant("change_rejected", envelope, payload))
    elif isinstance(payload, CircumstancesSubmitted):
        if payload.owner_id is not None and _by_someone_else(envelope, payload.owner_id):
            notices.append(_to_staff("change_submitted", envelope, payload, payload.owner_id))
    elif (
        isinstance(payload, CaseAssigned)
        and payload.owner_id is not None
        and _by_someone_else(envelope, payload.owner_id)
    ):
        notices.append(_to_staff("case_assigned", envelope, payload, payload.owner_id))
    return notices


Rule = Callable[[Envelope, EventPayload], list[Notice]]
# Every event that tells someone something, and the rule that says what.
RULES: dict[type[EventPayload], Rule] = {
    CaseSubmitted: case_notices,
    CaseAccepted: case_notices,
    CaseStatusChanged: case_notices,
    CaseClosed: case_notices,
    CircumstancesVerified: case_notices,
    CircumstancesRejected: case_notices,
    CircumstancesSubmitted: case_notices,
    CaseAssigned: case_notices,
    CaseDetailsChanged: case_notices,
    TaskAssigned: task_notices,
    TaskReopened: task_notices,
    TaskUnableToComplete: task_notices,
    MessageSent: message_notices,
    MessageReplied: message_notices,
    AppointmentBooked: meeting_notices,
    AppointmentChanged: meeting_notices,
    AppointmentCancelled: meeting_notices,
    LetterIssued: meeting_notices,
    PlanIssued: plan_notices,
    PlanActionAssigned: plan_notices,
    PlanDisagreed: plan_notices,
    PlanSubmittedForReview: plan_notices,
    SurveyRequested: survey_notices,
}


def notices_for(envelope: Envelope, payload: EventPayload) -> list[Notice]:
    """The notices an event leads to; none for an event no rule knows."""
    rule = RULES.get(type(payload))
    return rule(envelope, payload) if rule is not None else []
