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
#   answered_month "YYYY-MM" of answered_at: the managers' list reads one month at a time
#   rating         1 (very dissatisfied) to 5 (very satisfied); absent until answered
#   comment        what the applicant added, if anything
#
# A settings document, one per authority:
#   _id = authority, authority, enabled, case_kinds (empty: every kind), version, updated_at
#
# A tally document, one per authority for all answers and one per authority and case kind:
#   _id = "{authority}:{scope}" (scope: "all" or the case kind), authority, scope
#   ratings        answers per rating, {"1": n, ..., "5": n}
#   months         answers per month answered, {"2026-12": n, ...}

SURVEY_INDEXES = [
    # One survey per case, even if the case-closed event arrives twice.
    Index(SURVEYS, [("authority", 1), ("case_id", 1)], name="one_per_case", unique=True),
    # The managers' list reads one month's answers at a time, newest first, so that a query
    # examines at most that month's answers however many the authority has.
    Index(
        SURVEYS,
        [("authority", 1), ("answered_month", 1), ("answered_at", -1), ("_id", -1)],
        name="answers_by_month",
    ),
    Index(
        SURVEYS,
        [
            ("authority", 1),
            ("case_kind", 1),
            ("answered_month", 1),
            ("answered_at", -1),
            ("_id", -1),
        ],
        name="answers_by_kind_month",
    ),
]

RATINGS = (1, 2, 3, 4, 5)
ALL_KINDS = "all"


def month_of(moment: datetime) -> str:
    """The month bucket of an answer."""
    return moment.strftime("%Y-%m")


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
    """How many answers an authority has, per rating and per month answered."""

    ratings: dict[int, int]
    months: dict[str, int]

    @classmethod
    def from_document(cls, document: Document | None) -> "Tally":
        """The stored tally; none yet: nothing answered."""
        stored = document or {}
        ratings = stored.get("ratings", {})
        return cls(
            ratings={rating: int(ratings.get(str(rating), 0)) for rating in RATINGS},
            months={month: int(n) for month, n in stored.get("months", {}).items() if n},
        )
