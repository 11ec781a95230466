"""What a reminder tells its person: a notice like any other, saying what is due and when."""

from datetime import date, datetime
from typing import cast
from urllib.parse import quote

from babel.dates import format_date

from contracts.fields import Language
from kit.mongo import Document
from notifications.emails.rendering import CATALOGUES, uk_time
from notifications.inbox.documents import KnownCase
from notifications.inbox.notice import STAFF_LANGUAGE, Notice, NoticeKind, in_every_language

REMINDER_KINDS: tuple[NoticeKind, ...] = (
    "appointment_reminder",
    "document_due_soon",
    "plan_action_due_soon",
    "task_overdue",
)


def reminder_activity(kind: NoticeKind, *, reference: str, about: str, language: Language) -> str:
    """What a reminder says, in the person's language: the case's reference and when the
    thing is, never what it is about."""
    catalogue = CATALOGUES[language]
    if kind == "appointment_reminder":
        when = uk_time(datetime.fromisoformat(about), language)
        text = catalogue.gettext(
            "Reminder: you have an appointment at %(when)s on case %(reference)s"
        )
        return text % {"when": when, "reference": reference}
    day = format_date(date.fromisoformat(about), "d MMMM y", locale=language)
    texts: dict[NoticeKind, str] = {
        "document_due_soon": catalogue.gettext(
            "Reminder: a document we asked for on case %(reference)s is due by %(day)s"
        ),
        "plan_action_due_soon": catalogue.gettext(
            "Reminder: an action in your Personal Housing Plan on case %(reference)s is due "
            "by %(day)s"
        ),
        "task_overdue": catalogue.gettext(
            "A task on case %(reference)s was due by %(day)s and is now overdue"
        ),
    }
    return texts[kind] % {"day": day, "reference": reference}


def overdue_for_the_owner(*, reference: str, about: str, language: Language) -> str:
    """What the case's owner is told of an applicant's task gone overdue, in the language:
    the case's reference and the day, never what the task is."""
    day = format_date(date.fromisoformat(about), "d MMMM y", locale=language)
    text = CATALOGUES[language].gettext(
        "A task set for the applicant on case %(reference)s was due by %(day)s and is now overdue"
    )
    return text % {"day": day, "reference": reference}


def reminder_notices(reminder: Document, case: KnownCase | None) -> list[Notice]:
    """The notices a due reminder tells: its person's, and for an applicant's task gone
    overdue, the case's owner's too (in the portal, as the case is known when it is sent);
    none when nobody is known to tell."""
    notice = reminder_notice(reminder, case)
    if notice is None:
        return []
    if (
        notice.kind != "task_overdue"
        or notice.audience != "applicant"
        or case is None
        or case.owner_id is None
    ):
        return [notice]
    parts = (str(reminder["authority"]), "caseload", case.case_id, "tasks")
    reference = str(reminder.get("reference") or case.reference)
    activities = in_every_language(
        lambda language: overdue_for_the_owner(
            reference=reference, about=str(reminder["about"]), language=language
        )
    )
    owners = Notice(
        kind="task_overdue",
        user_id=case.owner_id,
        audience="staff",
        language=STAFF_LANGUAGE,
        activity=activities[STAFF_LANGUAGE],
        activities=activities,
        link="/" + "/".join(quote(part, safe="") for part in parts),
        case_id=case.case_id,
    )
    return [notice, owners]


def reminder_notice(reminder: Document, case: KnownCase | None) -> Notice | None:
    """The notice a due reminder tells; None when nobody is known to tell (a document
    request's case never heard of)."""
    user_id = reminder.get("user_id") or (case.applicant_id if case is not None else None)
    reference = reminder.get("reference") or (case.reference if case is not None else None)
    if user_id is None or reference is None:
        return None
    audience = reminder["audience"]
    language = cast(
        Language,
        reminder.get("language") or (case.language if case is not None else STAFF_LANGUAGE),
    )
    # Only an applicant's language is known; landlords' users read the portal in either, so
    # theirs is told in English and shown in the page's language.
    told_in: Language = language if audience == "applicant" else STAFF_LANGUAGE
    kind = cast(NoticeKind, reminder["kind"])
    activities = in_every_language(
        lambda shown: reminder_activity(
            kind, reference=str(reference), about=str(reminder["about"]), language=shown
        )
    )
    return Notice(
        kind=kind,
        user_id=str(user_id),
        audience=audience,
        language=told_in,
        activity=activities[told_in],
        activities=activities,
        link=str(reminder["link"]),
        case_id=str(reminder["case_id"]),
    )
