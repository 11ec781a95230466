"""Tasks and the character count as the pages show them, in the page's language."""

from typing import Any

from web.cases.applications import Applicant, day_of
from web.cases.words import kind_title
from web.i18n import gettext as _

STATUS_COLOURS = {
    "new": "blue",
    "overdue": "red",
    "complete": "green",
    "unable_to_complete": "yellow",
}


def status_text(status: str) -> str:
    """A task's status as people read it."""
    texts = {
        "new": _("New"),
        "overdue": _("Overdue"),
        "complete": _("Complete"),
        "unable_to_complete": _("Unable to complete"),
    }
    return texts.get(status, status)


def shown_task(task: dict[str, Any]) -> dict[str, Any]:
    """A task as a list of tasks shows it."""
    status = str(task.get("status"))
    return {
        **task,
        "kind_title": kind_title(str(task.get("case_kind"))),
        "due": day_of(task.get("target_date")),
        "status_text": status_text(status),
        "status_colour": STATUS_COLOURS.get(status, "grey"),
        "can_do": "complete" in task.get("actions", []),
    }


def counted(text: str) -> dict[str, str]:
    """A character count's message in every plural form Welsh and English have."""
    return {form: text for form in ("zero", "one", "two", "few", "many", "other")}


def character_count_texts() -> dict[str, Any]:
    """What the Design System's character count says, in the page's language."""
    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": counted(_("You have %{count} characters remaining")),
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": counted(_("You have %{count} characters too many")),
    }


# The case's overview shows the tasks due soonest.
NEXT_TASKS = "5"


async def next_tasks(applicant: Applicant, case_id: str) -> list[dict[str, Any]]:
    """The applicant's next few tasks on the case, soonest target date first."""
    answer = await applicant.call("GET", f"/cases/{case_id}/tasks", params={"limit": NEXT_TASKS})
    items = answer.body.get("items", []) if isinstance(answer.body, dict) else []
    return [shown_task(task) for task in items if isinstance(task, dict)]
