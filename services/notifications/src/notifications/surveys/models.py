"""The stored surveys, the authorities' survey settings and the running tallies of answers,
and the indexes their queries use."""

from dataclasses import dataclass
from datetime import datetime

from contracts.events.cases import CaseKind
from contracts.fields import Language
from kit.mongo import Document, Index

SURVEYS = "surveys"
SURVEY_SETTINGS = "survey_settings"
SURVEY_TALLIES = "survey_tallies"

# A survey document, one per case:
#   _id            the survey id (uuid hex)
#   authority      the authority it belongs to; every query names it
#   case_id        the closed case it asks about (with authority: unique)
#   reference      the case's reference
#   case_kind      the case's kind
#   applicant_id   the person asked; only they may see and answer it
#   language       the applicant's language
#   event_id       the envelope id of the case-closed event that asked for it
#   requested_at   when the case was closed
#   answered_at    when the applicant answered; absent until then
#   rating         1 (very dissatisfied) to 5 (very satisfied); absent until answered
#   comment        what the applicant added, if anything
#
# A settings document, one per authority:
#   _id = authority, authority, enabled, case_kinds (empty: every kind), version, updated_at
#
# A tally document, one per authority for all answers and one per authority and case kind:
#   _id = "{authority}:{scope}" (scope: "all" or the case kind), authority, scope
#   ratings        answers per rating, {"1": n, ..., "5": n}
#   first_at       when the first of them was answered

SURVEY_INDEXES = [
    # One survey per case, even if the case-closed event arrives twice.
    Index(SURVEYS, [("authority", 1), ("case_id", 1)], name="one_per_case", unique=True),
    # The managers' list reads answers newest first in time windows that widen only while
    # the page is not full: the store examines every answer within a window's bounds, so a
    # query's cost follows the page, not how many answers the authority holds.
    Index(SURVEYS, [("authority", 1), ("answered_at", -1), ("_id", -1)], name="answers_newest"),
    Index(
        SURVEYS,
        [("authority", 1), ("case_kind", 1), ("answered_at", -1), ("_id", -1)],
        name="answers_by_kind_newest",
    ),
]

RATINGS = (1, 2, 3, 4, 5)
ALL_KINDS = "all"


@dataclass(frozen=True)
class Survey:
    """One applicant's survey about one closed case."""

    id: str
    case_id: str
    reference: str
    case_kind: CaseKind
    applicant_id: str
    language: Language
    requested_at: datetime
    answered_at: datetime | None
    rating: int | None
    comment: str | None

    @classmethod
    def from_document(cls, document: Document) -> "Survey":
        """The survey a stored document holds."""
        return cls(
            id=document["_id"],
            case_id=document["case_id"],
            reference=document["reference"],
            case_kind=document["case_kind"],
            applicant_id=document["applicant_id"],
            language=document["language"],
            requested_at=document["requested_at"],
            answered_at=document.get("answered_at"),
            rating=document.get("rating"),
            comment=document.get("comment"),
        )


@dataclass(frozen=True)
class SurveySettings:
    """Whether an authority asks for surveys, and for which kinds of case."""

    enabled: bool
    case_kinds: tuple[CaseKind, ...]
    version: int

    def asks_about(self, kind: CaseKind) -> bool:
        """Whether a closed case of this kind is followed by a survey."""
        return self.enabled and (not self.case_kinds or kind in self.case_kinds)

    @classmethod
    def from_document(cls, document: Document | None) -> "SurveySettings":
        """The stored settings; never chosen: off, at version 0."""
        if document is None:
            return cls(enabled=False, case_kinds=(), version=0)
        return cls(
            enabled=bool(document["enabled"]),
            case_kinds=tuple(document.get("case_kinds", [])),
            version=int(document["version"]),
        )


@dataclass(frozen=True)
class Tally:
    """How many answers an authority has, per rating, and since when."""

    ratings: dict[int, int]
    first_at: datetime | None

    @classmethod
    def from_document(cls, document: Document | None) -> "Tally":
        """The stored tally; none yet: nothing answered."""
        stored = document or {}
        ratings = stored.get("ratings", {})
        return cls(
            ratings={rating: int(ratings.get(str(rating), 0)) for rating in RATINGS},
            first_at=stored.get("first_at"),
        )
