"""What the surveys API answers and takes."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from contracts.events.cases import CaseKind
from kit.fields import Trimmed
from notifications.surveys.models import RATINGS, Survey, SurveySettings, Tally

COMMENT_LIMIT = 1000
Comment = Annotated[str, Trimmed(COMMENT_LIMIT, min_length=0)]


class SurveyView(BaseModel):
    """A survey as the applicant it asks sees it."""

    case_id: str = Field(description="The closed case it asks about.")
    reference: str = Field(description="The case's reference.")
    case_kind: CaseKind
    requested_at: datetime = Field(description="When the case was closed.")
    answered_at: datetime | None = Field(description="When it was answered; null until then.")
    rating: int | None = Field(description="1 (very dissatisfied) to 5 (very satisfied).")
    comment: str | None

    @classmethod
    def of(cls, survey: Survey) -> "SurveyView":
        """The view of a stored survey."""
        return cls(
            case_id=survey.case_id,
            reference=survey.reference,
            case_kind=survey.case_kind,
            requested_at=survey.requested_at,
            answered_at=survey.answered_at,
            rating=survey.rating,
            comment=survey.comment,
        )


class SurveyAnswer(BaseModel):
    """The applicant's answer, given once."""

    model_config = ConfigDict(extra="forbid")

    rating: StrictInt = Field(
        ge=1, le=5, description="1 (very dissatisfied) to 5 (very satisfied)."
    )
    comment: Comment | None = Field(default=None, description="Anything the applicant adds.")

    def said(self) -> str | None:
        """The comment, or None when it is blank."""
        return self.comment or None


class AnswerView(BaseModel):
    """One answer as the authority's managers see it."""

    case_id: str
    reference: str
    case_kind: CaseKind
    answered_at: datetime
    rating: int = Field(ge=1, le=5)
    comment: str | None

    @classmethod
    def of(cls, survey: Survey) -> "AnswerView":
        """The view of an answered survey."""
        if survey.answered_at is None or survey.rating is None:
            raise ValueError("the survey is not answered")
        return cls(
            case_id=survey.case_id,
            reference=survey.reference,
            case_kind=survey.case_kind,
            answered_at=survey.answered_at,
            rating=survey.rating,
            comment=survey.comment,
        )


class AnswerSummary(BaseModel):
    """Every answer of the authority (or of the kind of case asked for), counted."""

    answered: int = Field(ge=0, description="How many surveys were answered.")
    ratings: dict[str, int] = Field(description="How many answers gave each rating, 1 to 5.")
    average: float | None = Field(description="The average rating; null with no answers.")

    @classmethod
    def of(cls, tally: Tally) -> "AnswerSummary":
        """The summary of a tally."""
        answered = sum(tally.ratings.values())
        total = sum(rating * count for rating, count in tally.ratings.items())
        return cls(
            answered=answered,
            ratings={str(rating): tally.ratings[rating] for rating in RATINGS},
            average=round(total / answered, 2) if answered else None,
        )


class AnswerPage(BaseModel):
    """A page of answers, newest first, with the summary of them all."""

    items: list[AnswerView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    page_average: float | None = Field(description="The average rating on this page.")
    summary: AnswerSummary


class SurveySettingsView(BaseModel):
    """Whether the authority asks applicants for a survey when their case closes."""

    enabled: bool
    case_kinds: list[CaseKind] = Field(
        description="The kinds of case asked about; empty: every kind."
    )
    version: int = Field(ge=0, description="Send it back in If-Match to change the settings.")

    @classmethod
    def of(cls, settings: SurveySettings) -> "SurveySettingsView":
        """The view of stored settings."""
        return cls(
            enabled=settings.enabled, case_kinds=list(settings.case_kinds), version=settings.version
        )


class SurveySettingsChange(BaseModel):
    """The administrator's choice."""

    model_config = ConfigDict(extra="forbid")

    enabled: StrictBool
    case_kinds: list[CaseKind] = Field(
        default_factory=list,
        max_length=4,
        description="The kinds of case to ask about; empty or left out: every kind.",
    )
