"""The cases API's answers as pages show them: rows of lists, a case's summary and history."""

import datetime
from typing import Any

from web.cases import words
from web.i18n import format_date, format_moment
from web.i18n import gettext as _

# Answers shown with the words for their value rather than the value itself.
CHOICES: dict[str, words.Label] = {
    "tenure": words.tenure_label,
    "topic": words.advice_topic_label,
    "case_type": words.case_type_label,
}
# Answers not shown as such: the landlord's id is shown by its name.
HIDDEN_ANSWERS = frozenset({"landlord_organisation_id"})


def day(value: Any) -> str:
    """An API date or time shown as its date; nothing when absent."""
    if not isinstance(value, str) or not value:
        return ""
    return format_date(datetime.date.fromisoformat(value[:10]))


def moment(value: Any) -> str:
    """An API time shown in UK time; nothing when absent."""
    return format_moment(value) if isinstance(value, str) and value else ""


def yes_no(value: Any) -> str:
    """A yes-or-no answer."""
    return _("Yes") if value is True else _("No")


def applicant_name(case: dict[str, Any]) -> str:
    """Who the case is for: the complainant, or the household's applicant."""
    named = case.get("applicant_name")
    return named if isinstance(named, str) else ""


def owner_name(owner_id: Any, *, me: str, names: dict[str, str], staff: bool) -> str:
    """Whose the case is, as the reader knows them."""
    if not owner_id:
        return _("Unassigned")
    if owner_id == me:
        return _("You")
    if owner_id in names:
        return names[owner_id]
    return _("Another officer") if staff else _("A caseworker")


def days_left(due: Any, *, today: datetime.date) -> str:
    """How long is left until a statutory deadline, or how long ago it passed."""
    if not isinstance(due, str) or not due:
        return ""
    left = (datetime.date.fromisoformat(due) - today).days
    if left < 0:
        return _("%(days)s days overdue") % {"days": -left}
    if left == 0:
        return _("Due today")
    if left == 1:
        return _("1 day left")
    return _("%(days)s days left") % {"days": left}


def answer_rows(case: dict[str, Any]) -> list[dict[str, str]]:
    """The applicant's answers, as question and answer."""
    rows = []
    for question, value in (case.get("answers") or {}).items():
        if question in HIDDEN_ANSWERS or value is None:
            continue
        if isinstance(value, bool):
            shown = yes_no(value)
        elif question in CHOICES:
            shown = CHOICES[question](str(value))
        else:
            shown = str(value)
        rows.append({"question": words.question_label(question), "answer": shown})
    return rows


def household_rows(members: Any) -> list[dict[str, str]]:
    """Everyone in the household, with their National Insurance number as the API gives it."""
    return [
        {
            "name": str(member.get("name", "")),
            "national_insurance_number": str(member.get("national_insurance_number") or ""),
            "date_of_birth": day(member.get("date_of_birth")),
            "relationship": words.relationship_label(str(member.get("relationship", ""))),
        }
        for member in members or []
        if isinstance(member, dict)
    ]


def contact_rows(contact: Any) -> list[dict[str, str]]:
    """How the applicant may be reached, each way with whether it may be used."""
    if not isinstance(contact, dict):
        return []
    rows = []
    for kind, label, permission, allowed in (
        ("home_phone", _("Home phone"), "home_phone_ok_to_call", _("OK to call")),
        ("mobile_phone", _("Mobile phone"), "mobile_phone_ok_to_call", _("OK to call")),
        ("work_phone", _("Work phone"), "work_phone_ok_to_call", _("OK to call")),
        ("email", _("Email"), "email_ok_to_email", _("OK to email")),
    ):
        if contact.get(kind):
            rows.append(
                {
                    "key": label,
                    "value": str(contact[kind]),
                    "permission": f"{allowed}: {yes_no(contact.get(permission))}",
                }
            )
    preferred = contact.get("preferred_contact_method")
    if preferred:
        rows.append(
            {
                "key": _("Preferred contact method"),
                "value": words.contact_method_label(str(preferred)),
                "permission": "",
            }
        )
    return rows


def clock_rows(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The statutory clocks the case's stage dates started, the running one marked."""
    rows = []
    for clock in case.get("clocks") or []:
        left = int(clock.get("days_remaining", 0))
        rows.append(
            {
                "label": words.clock_label(str(clock.get("name"))),
                "started": day(clock.get("started_on")),
                "due": day(clock.get("due_on")),
                "days": _("%(days)s days overdue") % {"days": -left}
                if left < 0
                else _("%(days)s days") % {"days": left},
                "working_days": str(clock.get("working_days_remaining", "")),
                "running": bool(clock.get("running")),
            }
        )
    return rows


def register_rows(details: Any) -> list[dict[str, str]]:
    """A live register application's bidding reference, dates and band."""
    if not isinstance(details, dict):
        return []
    return [
        {"key": _("Bidding reference"), "value": str(details.get("bidding_reference", ""))},
        {"key": _("Registration date"), "value": day(details.get("registration_date"))},
        {"key": _("Priority band"), "value": str(details.get("band", ""))},
        {"key": _("Review date"), "value": day(details.get("review_date"))},
    ]


def change_status(status: str) -> str:
    """Where a change of circumstances stands."""
    return {
        "submitted": _("Waiting to be checked"),
        "verified": _("Verified"),
        "rejected": _("Not accepted"),
    }.get(status, status)


def history_rows(entries: Any, *, me: str) -> list[dict[str, str]]:
    """What happened to the case (entries newest first), by whom."""
    actors = {
        "applicant": _("The applicant"),
        "staff": _("An officer"),
        "landlord": _("The landlord"),
        "system": _("The portal"),
    }
    rows = []
    for entry in entries if isinstance(entries, list) else []:
        before, after = entry.get("from_status"), entry.get("to_status")
        rows.append(
            {
                "at": moment(entry.get("at")),
                "what": words.history_label(str(entry.get("action"))),
                "by": _("You")
                if entry.get("actor_id") == me
                else actors.get(str(entry.get("actor")), ""),
                "status": words.status_label(str(after))
                if before == after or before is None
                else _("%(before)s to %(after)s")
                % {
                    "before": words.status_label(str(before)),
                    "after": words.status_label(str(after)),
                },
                "reason": str(entry.get("reason") or ""),
            }
        )
    return rows
