"""Events about a homelessness case's Personal Housing Plan, published by the cases service.

They name the case, the applicant the plan is for, the case's owner and the plan's issue, so
that notifications and reminders can be made from them. What the plan says (the assessment,
the actions' words, notes and reasons) never goes with its events: it stays in the cases
service, where whoever may read it reads it.
"""

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events.cases import Identifier, Reference
from contracts.fields import Language
from contracts.payload import EventPayload

# How an applicant's action ended: they marked it complete, or it was taken off the plan.
ActionEnd = Literal["complete", "removed"]
ActionCategory = Literal[
    "generic",
    "financial",
    "loss_of_rented_accommodation",
    "family_or_friends",
    "domestic_abuse",
    "health_and_support",
    "employment_and_training",
    "ad_hoc",
]


class _OnPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: Identifier
    reference: Reference
    person_id: Identifier = Field(description="The applicant the plan is for.")
    owner_id: Identifier | None = Field(
        default=None, description="The officer who owns the case, if any."
    )
    language: Language = Field(
        default="en", description="The language the applicant uses: what they are told is in it."
    )
    plan_id: Identifier
    issue_number: int = Field(ge=1, description="Which issue of the plan this is about.")


class PlanIssued(EventPayload, _OnPlan):
    """An officer issued the plan, or issued it again after changing or reviewing it."""

    event_type = "cases.plan.issued"
    event_version = 1

    issued_by: Identifier
    issued_at: AwareDatetime
    actions_total: int = Field(ge=0)
    applicant_actions: int = Field(ge=0, description="How many actions are the applicant's.")


class PlanActionAssigned(EventPayload, _OnPlan):
    """An issue of the plan gave the applicant an action they did not have before."""

    event_type = "cases.plan.action_assigned"
    event_version = 1

    action_id: Identifier
    category: ActionCategory
    required: bool
    target_date: date
    review_date: date


class PlanActionChanged(EventPayload, _OnPlan):
    """An issue of the plan changed when one of the applicant's actions is due, or opened
    again one that had ended: the action as it now stands."""

    event_type = "cases.plan.action_changed"
    event_version = 1

    action_id: Identifier
    category: ActionCategory
    required: bool
    target_date: date
    review_date: date
    reopened: bool = Field(
        description="Whether the action had ended (complete) and is open again on this issue."
    )


class PlanActionEnded(EventPayload, _OnPlan):
    """One of the applicant's actions needs no more doing: they marked it complete, or it was
    removed from the plan."""

    event_type = "cases.plan.action_ended"
    event_version = 1

    action_id: Identifier
    how: ActionEnd


class PlanAgreed(EventPayload, _OnPlan):
    """The applicant agreed to the plan as issued."""

    event_type = "cases.plan.agreed"
    event_version = 1


class PlanDisagreed(EventPayload, _OnPlan):
    """The applicant does not agree to the plan as issued (their reason stays with the plan)."""

    event_type = "cases.plan.disagreed"
    event_version = 1


class PlanSubmittedForReview(EventPayload, _OnPlan):
    """The applicant asked their caseworker to review the plan."""

    event_type = "cases.plan.submitted_for_review"
    event_version = 1

    submitted_at: AwareDatetime
