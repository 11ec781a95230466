"""The caseload's filters and the forms of each move made on a case."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, QueryParams

from web.account.registration_forms import Errors
from web.casework.desks import ASSIGN, REJECT, STAGE
from web.i18n import gettext as _
from web.staff.forms import text_of

# The ETag the cases API gave with the case the form was filled from: a version, quoted.
ETAG = re.compile(r'^"[0-9]{1,18}"$')
BIDDING_REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
REASON_MAX = 2000
DUE_WITHIN_MAX = 366
OWNERS = ("anyone", "me", "unassigned")
STALE = "stale"
# Where the error summary sends the person for a refusal that is about no one field.
MOVE_ANCHOR = "move"


@dataclass
class CaseloadFilters(Errors):
    """What the caseload is narrowed to: status, kind, owner and deadline within some days."""

    status: str = ""
    kind: str = ""
    owner: str = "anyone"
    due_within: str = ""

    def read(self, query: QueryParams, *, statuses: set[str], kinds: set[str]) -> bool:
        """Whether every filter is one the caseload takes, else False with the errors set."""
        self.status = query.get("status", "").strip()
        self.kind = query.get("kind", "").strip()
        self.owner = query.get("owner", "").strip() or "anyone"
        self.due_within = query.get("due_within", "").strip()
        if self.status and self.status not in statuses:
            self.errors["status"] = _("Select a status from the list")
        if self.kind and self.kind not in kinds:
            self.errors["kind"] = _("Select a kind of case from the list")
        if self.owner not in OWNERS:
            self.errors["owner"] = _("Select whose cases to show")
        if self.due_within and (
            not self.due_within.isdigit() or int(self.due_within) > DUE_WITHIN_MAX
        ):
            self.errors["due_within"] = _("Enter a whole number of days from 0 to 366")
        return not self.errors

    def params(self, *, user_id: str) -> dict[str, str]:
        """The caseload API's query for these filters."""
        params: dict[str, str] = {}
        if self.status:
            params["status"] = self.status
        if self.kind:
            params["kind"] = self.kind
        if self.owner == "me":
            params["owner"] = user_id
        elif self.owner == "unassigned":
            params["unassigned"] = "true"
        if self.due_within:
            params["due_within"] = str(int(self.due_within))
        return params


@dataclass
class DateField:
    """A date typed in three boxes, and which of them are wrong."""

    name: str
    day: str = ""
    month: str = ""
    year: str = ""
    wrong: list[str] = field(default_factory=list)

    def read(self, form: FormData) -> None:
        """Take the three boxes' values."""
        self.day = text_of(form, f"{self.name}-day")
        self.month = text_of(form, f"{self.name}-month")
        self.year = text_of(form, f"{self.name}-year")

    def value(self) -> datetime.date | None:
        """The date, if the boxes make a real one; the wrong boxes noted if not."""
        parts = {"day": self.day, "month": self.month, "year": self.year}
        self.wrong = [name for name, value in parts.items() if not value.isdigit()]
        if self.wrong:
            return None
        try:
            return datetime.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            self.wrong = ["day", "month", "year"]
            return None

    def items(self) -> list[dict[str, Any]]:
        """The date input's day, month and year."""
        widths = {"day": 2, "month": 2, "year": 4}
        labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        return [
            {
                "name": part,
                "label": labels[part],
                "value": getattr(self, part),
                "classes": f"govuk-input--width-{widths[part]}"
                + (" govuk-input--error" if part in self.wrong else ""),
            }
            for part in ("day", "month", "year")
        ]


@dataclass
class MoveForm(Errors):
    """What one move on a case needs: a reason, a date, register details, an owner or a stage."""

    move: str = ""
    needs_reason: bool = False
    needs_date: bool = False
    needs_register: bool = False
    # The version of the case the form was filled from (its ETag).
    version: str = ""
    reason: str = ""
    on: DateField = field(default_factory=lambda: DateField("on"))
    bidding_reference: str = ""
    registration_date: DateField = field(default_factory=lambda: DateField("registration_date"))
    band: str = ""
    review_date: DateField = field(default_factory=lambda: DateField("review_date"))
    owner: str = ""
    stage: str = ""
    # The choices of an owner or a stage offered: value -> words.
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def asks_reason(self) -> bool:
        """Whether the form has a reason box."""
        return self.needs_reason or self.move == REJECT

    def read(self, form: FormData, *, today: datetime.date) -> dict[str, Any] | None:
        """The API body of the move when every field is right, else None with the errors set."""
        sent = form.get("version")
        self.version = sent if isinstance(sent, str) and ETAG.match(sent) else ""
        body: dict[str, Any] = {}
        if self.asks_reason:
            self.reason = text_of(form, "reason")
            if not self.reason:
                self.errors["reason"] = _("Enter the reason")
            elif len(self.reason) > REASON_MAX:
                self.errors["reason"] = _("The reason must be 2000 characters or fewer")
            body["reason"] = self.reason
        if self.needs_date:
            self.on.read(form)
            day = self._past_date(self.on, today=today)
            if day is not None:
                body["on"] = day.isoformat()
        if self.needs_register:
            details = self._register(form)
            if details is not None:
                body["register_details"] = details
        if self.move == ASSIGN:
            self.owner = text_of(form, "owner")
            if self.owner not in self.choices:
                self.errors["owner"] = _("Select who the case is for")
        if self.move == STAGE:
            self.stage = text_of(form, "stage")
            if self.stage not in self.choices:
                self.errors["stage"] = _("Select the stage the complaint has reached")
        return None if self.errors else body

    def _past_date(self, date_field: DateField, *, today: datetime.date) -> datetime.date | None:
        day = date_field.value()
        if day is None:
            self.errors[date_field.name] = _("The date must be a real date, like 27 3 2026")
        elif day > today:
            date_field.wrong = ["day", "month", "year"]
            self.errors[date_field.name] = _("The date must be today or in the past")
            return None
        return day

    def _register(self, form: FormData) -> dict[str, Any] | None:
        self.bidding_reference = text_of(form, "bidding_reference")
        self.band = text_of(form, "band")
        self.registration_date.read(form)
        self.review_date.read(form)
        if not self.bidding_reference:
            self.errors["bidding_reference"] = _("Enter the bidding reference")
        elif not BIDDING_REFERENCE.match(self.bidding_reference):
            self.errors["bidding_reference"] = _(
                "The bidding reference must be up to 20 letters, numbers and hyphens"
            )
        registered = self.registration_date.value()
        if registered is None:
            self.errors["registration_date"] = _(
                "The registration date must be a real date, like 27 3 2026"
            )
        if self.band not in {"1", "2", "3", "4", "5"}:
            self.errors["band"] = _("Select a priority band from 1 to 5")
        review = self.review_date.value()
        if review is None:
            self.errors["review_date"] = _("The review date must be a real date, like 27 3 2027")
        elif registered is not None and review <= registered:
            self.review_date.wrong = ["day", "month", "year"]
            self.errors["review_date"] = _("The review date must be after the registration date")
        if registered is None or review is None or "band" in self.errors:
            return None
        return {
            "bidding_reference": self.bidding_reference,
            "registration_date": registered.isoformat(),
            "band": int(self.band),
            "review_date": review.isoformat(),
        }

    def stale(self, current_version: str | None) -> None:
        """The case changed after the form was filled from it: say so, take the new version."""
        self.version = current_version or ""
        self.errors[STALE] = _(
            "The case was changed by someone else after you opened this page. Check the case, "
            "then try again."
        )

    def refused(self, status: int, code: str | None, details: Any) -> None:
        """Set the errors that explain the cases API's refusal."""
        if code == "date_in_future":
            self.on.wrong = ["day", "month", "year"]
            self.errors["on"] = _("The date must be today or in the past")
            return
        if code == "details_missing" and isinstance(details, dict):
            for missing in details.get("missing", []):
                name = "bidding_reference" if missing == "register_details" else str(missing)
                self.errors[name] = _("Enter this to make the move")
            if self.errors:
                return
        if code == "validation_failed" and isinstance(details, list):
            for problem in details:
                where = problem.get("loc", []) if isinstance(problem, dict) else []
                name = str(where[-1]) if where else ""
                if name in {"reason", "bidding_reference", "band", "stage", "owner_id"}:
                    self.errors["owner" if name == "owner_id" else name] = _("Check this answer")
                elif name in {"on", "registration_date", "review_date"}:
                    self.errors[name] = _("The date must be a real date, like 27 3 2026")
            if self.errors:
                return
        if status == 409:
            self.errors[MOVE_ANCHOR] = _(
                "This cannot be done to the case as it stands. Check the case, then try again."
            )
            return
        self.errors[MOVE_ANCHOR] = _("Sorry, the case could not be changed. Try again later.")

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries, each linking to its field (a date to its first box)."""
        dates = {"on": self.on, "registration_date": self.registration_date}
        dates["review_date"] = self.review_date
        entries = []
        for name, text in self.errors.items():
            target = name
            if name in dates:
                target = f"{name}-{(dates[name].wrong or ['day'])[0]}"
            elif name == STALE:
                target = MOVE_ANCHOR
            entries.append({"text": text, "href": f"#{target}"})
        return entries
