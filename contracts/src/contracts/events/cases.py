"""Events about cases, published by the cases service.

They say what happened to which case and who did it; the answers, household and contact
details stay in the cases service (a consumer that needs them asks its API). Only what it
takes to tell people goes with each event: who owns the case, the applicant's language, and
the applicant's email address when they said it is OK to email them.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from contracts.fields import EmailAddress, Language
from contracts.payload import EventPayload

CaseKind = Literal["homelessness", "housing_register", "housing_advice", "complaint"]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Reference = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class _Case(BaseModel):
    """What every case event names: the case, its kind and its status after the change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: Identifier
    reference: Reference
    kind: CaseKind
    status: Name
    applicant_id: Identifier
    owner_id: Identifier | None = Field(
        default=None, description="The officer who owns the case after the change, if any."
    )
    language: Language = Field(
        default="en", description="The language the applicant uses: what they are told is in it."
    )
    email: EmailAddress | None = Field(
        default=None,
        description="The applicant's email address, only when they said it is OK to email them.",
    )


class CaseCreated(EventPayload, _Case):
    """An application was started and saved as a draft."""

    event_type = "cases.case.created"
    event_version = 1


class CaseSubmitted(EventPayload, _Case):
    """An application was submitted to the authority."""

    event_type = "cases.case.submitted"
    event_version = 1

    submitted_at: AwareDatetime


class CaseAccepted(EventPayload, _Case):
    """An officer accepted a homelessness referral: it is an approach now."""

    event_type = "cases.case.accepted"
    event_version = 1


class CaseAssigned(EventPayload, _Case):
    """The case's owner changed (None: nobody owns it now)."""

    event_type = "cases.case.assigned"
    event_version = 1

    previous_owner_id: Identifier | None = None


class CaseStatusChanged(EventPayload, _Case):
    """The case moved from one status to another by a declared transition."""

    event_type = "cases.case.status_changed"
    event_version = 1

    previous_status: Name
    action: Name
    reason: Reason | None = None


class CaseDetailsChanged(EventPayload, _Case):
    """Answers, household or contact details of the case were changed."""

    event_type = "cases.case.details_changed"
    event_version = 1

    parts: list[Literal["answers", "household", "contact", "register", "complaint"]] = Field(
        min_length=1, max_length=5
    )


class CaseSuspended(EventPayload, _Case):
    """A live register application is suspended (no bidding) while a change is checked."""

    event_type = "cases.case.suspended"
    event_version = 1


class CaseReinstated(EventPayload, _Case):
    """A suspended register application is live again."""

    event_type = "cases.case.reinstated"
    event_version = 1


class CaseClosed(EventPayload, _Case):
    """The case was closed or cancelled."""

    event_type = "cases.case.closed"
    event_version = 1

    closed_at: AwareDatetime
    reason: Reason | None = None


class CircumstancesSubmitted(EventPayload, _Case):
    """The applicant told the authority of a change of circumstances."""

    event_type = "cases.circumstances.submitted"
    event_version = 1

    change_id: Identifier


class CircumstancesVerified(EventPayload, _Case):
    """An officer verified a change of circumstances; it now stands on the application."""

    event_type = "cases.circumstances.verified"
    event_version = 1

    change_id: Identifier


class CircumstancesRejected(EventPayload, _Case):
    """An officer rejected a change of circumstances, with the reason."""

    event_type = "cases.circumstances.rejected"
    event_version = 1

    change_id: Identifier
    reason: Reason


class DraftExpiring(EventPayload, _Case):
    """A draft will be removed soon unless it is finished; `email` is where to warn, if the
    applicant gave one they are happy to be emailed at."""

    event_type = "cases.draft.expiring"
    event_version = 1

    removal_on: date
    link: str = Field(
        min_length=1, max_length=2048, description="The portal page where the draft goes on."
    )


class DraftRemoved(EventPayload, _Case):
    """A draft kept for the authority's number of days was removed unfinished."""

    event_type = "cases.draft.removed"
    event_version = 1
