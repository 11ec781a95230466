"""The plan as the pages show it: its progress, assessment and actions, in the page's language."""

import datetime
from typing import Any

from web.casework.views import day, moment
from web.i18n import LOCAL_TIME, ngettext
from web.i18n import gettext as _
from web.plans import words

SECTIONS = ("circumstances", "housing_needs", "housing_wishes", "support_needs")
PROGRESS_COLOURS = {"open": "grey", "in_progress": "blue", "complete": "green"}
STATUS_COLOURS = {"draft": "grey", "issued": "green", "in_review": "yellow"}


def section_heading(section: str) -> str:
    """What one of the assessment's four sections is about."""
    headings = {
        "circumstances": _("Circumstances that caused homelessness or the threat of it"),
        "housing_needs": _("Housing needs"),
        "housing_wishes": _("Housing wishes"),
        "support_needs": _("Support needed to find and keep accommodation"),
    }
    return headings.get(section, section)


def within(days: Any) -> str:
    """How long an action has, in days."""
    count = days if isinstance(days, int) else 0
    return ngettext("%(num)s day", "%(num)s days", count) % {"num": count}


def shown_action(action: dict[str, Any], *, number: int, officer: bool) -> dict[str, Any]:
    """One action, every field in words."""
    progress = str(action.get("progress", "open"))
    return {
        **action,
        "number": number,
        "category_text": words.action_category(str(action.get("category", ""))),
        "by_whom_text": words.by_whom(str(action.get("by_whom", "")), officer=officer),
        "added_by_text": words.by_whom(str(action.get("added_by", "")), officer=officer),
        "within_text": within(action.get("complete_within_days")),
        "action_date_text": day(action.get("action_date")),
        "target_date_text": day(action.get("target_date")),
        "review_date_text": day(action.get("review_date")),
        "required_text": _("Yes") if action.get("required") else _("No"),
        "progress_text": words.action_progress(progress),
        "progress_colour": PROGRESS_COLOURS.get(progress, "grey"),
        "notes": str(action.get("notes") or ""),
    }


def progress_line(plan: dict[str, Any]) -> str:
    """How far through the 56 days the plan is: "Plan progress: 8 of 56 days (14%)"."""
    progress = plan.get("progress") or {}
    return _("Plan progress: %(day)s of %(of)s days (%(percent)s%%)") % {
        "day": progress.get("day", 0),
        "of": progress.get("of", 56),
        "percent": progress.get("percent", 0),
    }


def actions_line(plan: dict[str, Any]) -> str:
    """How many actions are complete: "2 of 6 actions complete"."""
    total = plan.get("actions_total", 0)
    total = total if isinstance(total, int) else 0
    return ngettext(
        "%(complete)s of %(num)s action complete",
        "%(complete)s of %(num)s actions complete",
        total,
    ) % {"complete": plan.get("actions_complete", 0), "num": total}


def shown_agreement(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The applicant's answer to the plan as last issued, if they have given one."""
    agreement = plan.get("agreement")
    if not isinstance(agreement, dict):
        return None
    return {
        **agreement,
        "answer_text": _("Agrees with the plan")
        if agreement.get("agrees")
        else _("Does not agree with the plan"),
        "at_text": moment(agreement.get("at")),
        "reason": str(agreement.get("reason") or ""),
    }


def shown_plan(plan: dict[str, Any], *, officer: bool) -> dict[str, Any]:
    """The whole plan as a page shows it."""
    status = str(plan.get("status", ""))
    assessment = plan.get("assessment") or {}
    actions = [a for a in plan.get("actions", []) if isinstance(a, dict)]
    percent = (plan.get("progress") or {}).get("percent", 0)
    return {
        **plan,
        "status_text": words.plan_status(status),
        "status_colour": STATUS_COLOURS.get(status, "grey"),
        "progress_text": progress_line(plan),
        "percent": percent if isinstance(percent, int) else 0,
        "actions_text": actions_line(plan),
        "sections": [
            {
                "name": name,
                "heading": section_heading(name),
                "text": str(assessment.get(name) or ""),
            }
            for name in SECTIONS
        ],
        "action_cards": [
            shown_action(a, number=n, officer=officer) for n, a in enumerate(actions, start=1)
        ],
        "agreement_shown": shown_agreement(plan),
        "first_issued_text": day(plan.get("first_issued_at")),
        "issued_text": moment(plan.get("issued_at")),
        "submitted_text": moment(plan.get("submitted_at")),
        "updated_text": moment(plan.get("updated_at")),
        "is_issued": status == "issued",
        "in_review": status == "in_review",
    }


def shown_version(version: dict[str, Any]) -> dict[str, Any]:
    """One issued version in the list of earlier versions."""
    return {**version, "issued_text": moment(version.get("issued_at"))}


def listed_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan in the person's list of plans."""
    status = str(plan.get("status", ""))
    return {
        **plan,
        "status_text": words.plan_status(status),
        "status_colour": STATUS_COLOURS.get(status, "grey"),
        "progress_text": progress_line(plan),
        "actions_text": actions_line(plan),
        "issued_text": day(plan.get("issued_at")),
    }


def today_in_london() -> datetime.date:
    """Today in England and Wales: an action's date unless another is given."""
    return datetime.datetime.now(LOCAL_TIME).date()
