"""The plan's words in the page's language: its status, an action's category, progress and who
does it, from the vocabulary the pages and the PDF share (`contracts.words`)."""

from contracts import words as vocabulary
from web.i18n import current_language
from web.i18n import gettext as _

CATEGORIES = (
    "generic",
    "financial",
    "loss_of_rented_accommodation",
    "family_or_friends",
    "domestic_abuse",
    "health_and_support",
    "employment_and_training",
    "ad_hoc",
)
PROGRESS = ("open", "in_progress", "complete")
WHO = ("applicant", "officer")


def plan_status(status: str) -> str:
    """A plan's status: being written, issued, or being reviewed."""
    return vocabulary.plan_status(status, current_language.get())


def action_category(category: str) -> str:
    """What area of the person's housing an action is about."""
    return vocabulary.plan_action_category(category, current_language.get())


def action_progress(progress: str) -> str:
    """How far an action has got."""
    return vocabulary.plan_action_progress(progress, current_language.get())


def by_whom(who: str, *, officer: bool) -> str:
    """Who is to do an action: to the applicant "you" or "your caseworker"; to officers, the
    applicant or an officer."""
    if not officer:
        return vocabulary.plan_action_by_whom(who, current_language.get())
    return {"applicant": _("Applicant"), "officer": _("Officer")}.get(who, who)
