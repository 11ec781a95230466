"""The plan's forms: the assessment, an action, the progress of one, and the applicant's answer
to the plan. Each checks what the API would refuse, so the person hears it on the field."""

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import Errors
from web.casework.forms import DateField
from web.i18n import gettext as _
from web.plans import words
from web.plans.views import SECTIONS, section_heading, today_in_london
from web.staff.forms import text_of

SECTION_MAX = 4000
TEXT_MAX = 500
NOTES_MAX = 1000
REASON_MAX = 1000
DAYS_MAX = 365
# The years an action's date may fall in, as the API takes them.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
# Where each field's error links to when the field is not a single input.
ERROR_LINKS = {
    "category": "#category",
    "by_whom": "#by_whom",
    "required": "#required",
    "progress": "#progress",
    "agrees": "#agrees",
    "action_date": "#action_date-day",
}


def _too_long(limit: int) -> str:
    return _("This must be %(count)s characters or fewer") % {"count": limit}


@dataclass
class PlanForm(Errors):
    """What every plan form carries: the version of the plan it was filled from."""

    version: str = ""

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries, each linking to its field."""
        return [
            {"text": text, "href": ERROR_LINKS.get(name, f"#{name}")}
            for name, text in self.errors.items()
        ]


@dataclass
class AssessmentForm(PlanForm):
    """The four sections of the assessment."""

    sections: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SECTIONS, ""))

    @classmethod
    def of(cls, plan: dict[str, Any], *, version: str) -> "AssessmentForm":
        """The form filled from the plan as it is."""
        assessment = plan.get("assessment") or {}
        return cls(
            version=version,
            sections={name: str(assessment.get(name) or "") for name in SECTIONS},
        )

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when every section is right, else None with the errors set."""
        self.version = text_of(form, "version")
        for name in SECTIONS:
            value = form.get(name)
            self.sections[name] = value.strip() if isinstance(value, str) else ""
            if len(self.sections[name]) > SECTION_MAX:
                self.errors[name] = _too_long(SECTION_MAX)
        return None if self.errors else dict(self.sections)

    def fields(self) -> list[dict[str, str]]:
        """Each section's name, heading and text, in order."""
        return [
            {"name": name, "heading": section_heading(name), "text": self.sections[name]}
            for name in SECTIONS
        ]


@dataclass
class ActionForm(PlanForm):
    """An action: all its fields for an officer; an applicant's own has no "by whom"."""

    officer: bool = True
    changing: bool = False
    category: str = ""
    text: str = ""
    by_whom: str = ""
    complete_within_days: str = ""
    action_date: DateField = field(default_factory=lambda: DateField("action_date"))
    required: str = ""
    progress: str = ""
    notes: str = ""
    key: str = ""

    @classmethod
    def of(cls, action: dict[str, Any], *, version: str) -> "ActionForm":
        """An officer's form filled from an action as it is."""
        year, month, day = [*str(action.get("action_date", "")).split("-"), "", "", ""][:3]
        return cls(
            version=version,
            changing=True,
            category=str(action.get("category", "")),
            text=str(action.get("text", "")),
            by_whom=str(action.get("by_whom", "")),
            complete_within_days=str(action.get("complete_within_days", "")),
            action_date=DateField("action_date", day.lstrip("0"), month.lstrip("0"), year),
            required="yes" if action.get("required") else "no",
            progress=str(action.get("progress", "open")),
            notes=str(action.get("notes") or ""),
        )

    @classmethod
    def blank(cls, *, officer: bool, version: str, key: str) -> "ActionForm":
        """A new action's form, its date today."""
        today = today_in_london()
        return cls(
            officer=officer,
            version=version,
            key=key,
            action_date=DateField("action_date", str(today.day), str(today.month), str(today.year)),
            by_whom="" if officer else "applicant",
        )

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when every field is right, else None with the errors set."""
        self.version = text_of(form, "version")
        self.key = text_of(form, "key")
        self.category = text_of(form, "category")
        if self.category not in words.CATEGORIES:
            self.errors["category"] = _("Select the category of the action")
        self.text = text_of(form, "text")
        if not self.text:
            self.errors["text"] = _("Enter what is to be done")
        elif len(self.text) > TEXT_MAX:
            self.errors["text"] = _too_long(TEXT_MAX)
        if self.officer:
            self.by_whom = text_of(form, "by_whom")
            if self.by_whom not in words.WHO:
                self.errors["by_whom"] = _("Select who is to do the action")
        else:
            self.by_whom = "applicant"
        self.complete_within_days = text_of(form, "complete_within_days")
        days = self.complete_within_days
        if not days.isdigit() or not 1 <= int(days) <= DAYS_MAX:
            self.errors["complete_within_days"] = _(
                "Enter the number of days, a whole number from 1 to %(most)s"
            ) % {"most": DAYS_MAX}
        self.action_date.read(form)
        action_date = self.action_date.value()
        if action_date is None:
            self.errors["action_date"] = _(
                "Enter the action date as a real date, for example 27 3 2026"
            )
        elif not EARLIEST_YEAR <= action_date.year <= LATEST_YEAR:
            self.errors["action_date"] = _(
                "The action date must be in a year from %(first)s to %(last)s"
            ) % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            action_date = None
        self.required = text_of(form, "required")
        if self.required not in ("yes", "no"):
            self.errors["required"] = _("Select whether the action is required")
        if self.changing:
            self.progress = text_of(form, "progress")
            if self.progress not in words.PROGRESS:
                self.errors["progress"] = _("Select how far the action has got")
        self.notes = text_of(form, "notes")
        if len(self.notes) > NOTES_MAX:
            self.errors["notes"] = _too_long(NOTES_MAX)
        if self.errors or action_date is None:
            return None
        body: dict[str, Any] = {
            "category": self.category,
            "text": self.text,
            "by_whom": self.by_whom,
            "complete_within_days": int(days),
            "action_date": action_date.isoformat(),
            "required": self.required == "yes",
            "notes": self.notes,
        }
        if self.changing:
            body["progress"] = self.progress
        return body

    def category_items(self) -> list[dict[str, Any]]:
        """The categories to choose from."""
        return [
            {"value": name, "text": words.action_category(name), "checked": name == self.category}
            for name in words.CATEGORIES
        ]

    def who_items(self) -> list[dict[str, Any]]:
        """Who may do the action."""
        return [
            {
                "value": name,
                "text": words.by_whom(name, officer=True),
                "checked": name == self.by_whom,
            }
            for name in words.WHO
        ]

    def required_items(self) -> list[dict[str, Any]]:
        """Whether the action is required."""
        return [
            {"value": "yes", "text": _("Yes"), "checked": self.required == "yes"},
            {"value": "no", "text": _("No"), "checked": self.required == "no"},
        ]

    def progress_items(self) -> list[dict[str, Any]]:
        """How far the action has got."""
        return progress_items(self.progress)


def progress_items(chosen: str) -> list[dict[str, Any]]:
    """The choices of an action's progress."""
    return [
        {"value": name, "text": words.action_progress(name), "checked": name == chosen}
        for name in words.PROGRESS
    ]


@dataclass
class ProgressForm(PlanForm):
    """The applicant's update on one of their actions: how far it has got, and notes."""

    progress: str = ""
    notes: str = ""

    @classmethod
    def of(cls, action: dict[str, Any], *, version: str) -> "ProgressForm":
        """The form filled from the action as it is."""
        return cls(
            version=version,
            progress=str(action.get("progress", "open")),
            notes=str(action.get("notes") or ""),
        )

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when both fields are right, else None with the errors set."""
        self.version = text_of(form, "version")
        self.progress = text_of(form, "progress")
        if self.progress not in words.PROGRESS:
            self.errors["progress"] = _("Select how far the action has got")
        self.notes = text_of(form, "notes")
        if len(self.notes) > NOTES_MAX:
            self.errors["notes"] = _too_long(NOTES_MAX)
        return None if self.errors else {"progress": self.progress, "notes": self.notes}

    def progress_items(self) -> list[dict[str, Any]]:
        """How far the action has got."""
        return progress_items(self.progress)


@dataclass
class AgreementForm(PlanForm):
    """The applicant's answer to "Do you agree with the plan?", and why not."""

    agrees: str = ""
    reason: str = ""

    @classmethod
    def of(cls, plan: dict[str, Any], *, version: str) -> "AgreementForm":
        """The form with the answer already given to this issue of the plan, if any."""
        agreement = plan.get("agreement")
        if not isinstance(agreement, dict):
            return cls(version=version)
        return cls(
            version=version,
            agrees="yes" if agreement.get("agrees") else "no",
            reason=str(agreement.get("reason") or ""),
        )

    def read(self, form: FormData) -> dict[str, Any] | None:
        """The API's body when the answer is complete, else None with the errors set."""
        self.version = text_of(form, "version")
        self.agrees = text_of(form, "agrees")
        self.reason = text_of(form, "reason")
        if self.agrees not in ("yes", "no"):
            self.errors["agrees"] = _("Select yes if you agree with the plan")
        elif self.agrees == "no" and not self.reason:
            self.errors["reason"] = _("Tell us why you do not agree with the plan")
        elif self.agrees == "no" and len(self.reason) > REASON_MAX:
            self.errors["reason"] = _too_long(REASON_MAX)
        if self.errors:
            return None
        if self.agrees == "yes":
            return {"agrees": True, "reason": None}
        return {"agrees": False, "reason": self.reason}
