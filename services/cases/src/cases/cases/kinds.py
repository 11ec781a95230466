"""Every kind of case, declared in one place each: its questions, statuses and transitions."""

from dataclasses import dataclass, field
from typing import Literal

from cases.cases.answers import (
    Answers,
    ComplaintAnswers,
    HomelessnessAnswers,
    HousingAdviceAnswers,
    HousingRegisterAnswers,
)
from contracts.events.authority import Module
from contracts.events.cases import CaseKind

# Who may take a transition: the case's applicant, the authority's officers and managers,
# the landlord users of the organisation a complaint is about, or the service itself.
Actor = Literal["applicant", "staff", "landlord", "system"]
Action = Literal[
    "submit",
    "accept",
    "start_prevention",
    "start_relief",
    "decide",
    "assess",
    "set_live",
    "suspend",
    "reinstate",
    "start_advice",
    "investigate",
    "determine",
    "close",
    "cancel",
]
ACTIONS: tuple[Action, ...] = (
    "submit",
    "accept",
    "start_prevention",
    "start_relief",
    "decide",
    "assess",
    "set_live",
    "suspend",
    "reinstate",
    "start_advice",
    "investigate",
    "determine",
    "close",
    "cancel",
)
DRAFT = "draft"
CLOSED = "closed"
CANCELLED = "cancelled"
ENDED = frozenset({CLOSED, CANCELLED})


@dataclass(frozen=True)
class Transition:
    """One allowed move from some statuses to another, and who may make it."""

    action: Action
    sources: frozenset[str]
    target: str
    by: frozenset[Actor]
    # What the officer must give with it: a reason, the date the duty or decision began, or
    # the register details of a live application.
    needs_reason: bool = False
    needs_date: bool = False
    needs_register: bool = False


def _t(
    action: Action,
    sources: str,
    target: str,
    by: str,
    *,
    reason: bool = False,
    on: bool = False,
    register: bool = False,
) -> Transition:
    return Transition(
        action=action,
        sources=frozenset(sources.split()),
        target=target,
        by=frozenset(by.split()),  # type: ignore[arg-type]
        needs_reason=reason,
        needs_date=on,
        needs_register=register,
    )


@dataclass(frozen=True)
class Kind:
    """A kind of case an authority may offer."""

    name: CaseKind
    module: Module
    title: str
    answers: type[Answers]
    # Status name -> what people see, in the order a case usually moves through them.
    statuses: dict[str, str]
    transitions: tuple[Transition, ...]
    stages: tuple[str, ...] = field(default=())

    def transition(self, action: str) -> Transition | None:
        """The transition an action names, if this kind has it."""
        return next((t for t in self.transitions if t.action == action), None)

    def label(self, status: str) -> str:
        """The status as people see it."""
        return self.statuses[status]


HOMELESSNESS = Kind(
    name="homelessness",
    module="homelessness",
    title="Homelessness referral",
    answers=HomelessnessAnswers,
    statuses={
        DRAFT: "Draft",
        "pending": "Pending",
        "approach": "Approach",
        "prevention": "Prevention duty",
        "relief": "Relief duty",
        "decision": "Main duty decision",
        CLOSED: "Closed",
        CANCELLED: "Cancelled",
    },
    transitions=(
        _t("submit", "draft", "pending", "applicant"),
        _t("accept", "pending", "approach", "staff"),
        _t("start_prevention", "approach", "prevention", "staff", on=True),
        _t("start_relief", "approach prevention", "relief", "staff", on=True),
        _t("decide", "approach prevention relief", "decision", "staff", on=True, reason=True),
        _t("close", "pending approach prevention relief decision", CLOSED, "staff", reason=True),
        _t("cancel", "draft pending", CANCELLED, "applicant"),
    ),
)

HOUSING_REGISTER = Kind(
    name="housing_register",
    module="housing_register",
    title="Housing register application",
    answers=HousingRegisterAnswers,
    statuses={
        DRAFT: "Draft",
        "submitted": "Submitted",
        "assessed": "Assessed",
        "live": "Live(REG)",
        "suspended": "Suspended",
        CLOSED: "Closed",
        CANCELLED: "Cancelled",
    },
    transitions=(
        _t("submit", "draft", "submitted", "applicant"),
        _t("assess", "submitted", "assessed", "staff"),
        _t("set_live", "assessed", "live", "staff", register=True),
        # A change of circumstances suspends and reinstates; nobody calls these directly.
        _t("suspend", "live", "suspended", "system"),
        _t("reinstate", "suspended", "live", "system"),
        _t("close", "submitted assessed live suspended", CLOSED, "staff", reason=True),
        _t("cancel", "draft submitted assessed live suspended", CANCELLED, "applicant"),
    ),
)

HOUSING_ADVICE = Kind(
    name="housing_advice",
    module="housing_advice",
    title="Housing advice",
    answers=HousingAdviceAnswers,
    statuses={
        DRAFT: "Draft",
        "submitted": "Submitted",
        "in_progress": "In progress",
        CLOSED: "Closed",
        CANCELLED: "Cancelled",
    },
    transitions=(
        _t("submit", "draft", "submitted", "applicant"),
        _t("start_advice", "submitted", "in_progress", "staff"),
        _t("close", "submitted in_progress", CLOSED, "staff", reason=True),
        _t("cancel", "draft submitted", CANCELLED, "applicant"),
    ),
)

COMPLAINT = Kind(
    name="complaint",
    module="complaints",
    title="Complaint",
    answers=ComplaintAnswers,
    statuses={
        DRAFT: "Draft",
        "under_assessment": "Case under assessment",
        "investigation": "Investigation",
        "determination": "Determination",
        CLOSED: "Closed",
        CANCELLED: "Cancelled",
    },
    transitions=(
        _t("submit", "draft", "under_assessment", "applicant"),
        _t("investigate", "under_assessment", "investigation", "staff landlord"),
        _t("determine", "investigation", "determination", "staff landlord", reason=True),
        _t(
            "close",
            "under_assessment investigation determination",
            CLOSED,
            "staff landlord",
            reason=True,
        ),
        _t("cancel", "draft under_assessment", CANCELLED, "applicant"),
    ),
    stages=(
        "DR1 Local Resolution",
        "DR2 Dispute Support",
        "DR2 Review",
        "Investigation",
        "Determination",
    ),
)

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (HOMELESSNESS, HOUSING_REGISTER, HOUSING_ADVICE, COMPLAINT)
}


def offered(modules: list[Module]) -> list[Kind]:
    """The kinds of case an authority with these modules offers."""
    return [kind for kind in KINDS.values() if kind.module in modules]
