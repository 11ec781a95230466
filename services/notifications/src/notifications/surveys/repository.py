"""All access to surveys, survey settings and tallies; every query names the authority."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from contracts.events.cases import CaseClosed, CaseKind
from kit.mongo import Document, Session
from kit.repository import AuthorityRepository, scoped
from notifications.surveys.models import (
    ALL_KINDS,
    SURVEY_SETTINGS,
    SURVEY_TALLIES,
    SURVEYS,
    Survey,
    SurveySettings,
    Tally,
)


class SurveyRepository(AuthorityRepository):
    """The surveys of one authority's closed cases."""

    collection_name = SURVEYS

    async def of_case(
        self, authority: str, case_id: str, *, session: Session | None = None
    ) -> Survey | None:
        """The survey about a case, if one was asked for."""
        found = await self.find_one(authority, {"case_id": case_id}, session=session)
        return Survey.from_document(found) if found is not None else None

    async def add(
        self, authority: str, closed: CaseClosed, *, event_id: str, session: Session
    ) -> Survey:
        """Record a new, unanswered survey about a closed case."""
        record: Document = {
            "_id": uuid.uuid4().hex,
            "case_id": closed.case_id,
            "reference": closed.reference,
            "case_kind": closed.kind,
            "applicant_id": closed.applicant_id,
            "language": closed.language,
            "event_id": event_id,
            "requested_at": closed.closed_at,
        }
        return Survey.from_document(await self.insert(authority, record, session=session))

    async def answer(
        self,
        authority: str,
        case_id: str,
        *,
        applicant_id: str,
        rating: int,
        comment: str | None,
        now: datetime,
        session: Session,
    ) -> Survey | None:
        """Keep the applicant's answer unless the survey was answered already; None then."""
        answered = await self.update_one(
            authority,
            {"case_id": case_id, "applicant_id": applicant_id, "answered_at": None},
            {
                "$set": {
                    "answered_at": now,
                    "rating": rating,
                    "comment": comment,
                }
            },
            session=session,
        )
        return Survey.from_document(answered) if answered is not None else None

    async def answered(
        self,
        authority: str,
        *,
        case_kind: CaseKind | None,
        bounds: Document,
        limit: int,
    ) -> list[Survey]:
        """Answers within the bounds (on `answered_at` and `_id`), newest first."""
        query: Document = {} if case_kind is None else {"case_kind": case_kind}
        found = await self.find_many(
            authority,
            {**query, **bounds},
            sort=[("answered_at", -1), ("_id", -1)],
            limit=limit,
        )
        return [Survey.from_document(document) for document in found]


class SurveySettingsRepository(AuthorityRepository):
    """Whether each authority asks for surveys."""

    collection_name = SURVEY_SETTINGS

    async def get(self, authority: str, *, session: Session | None = None) -> SurveySettings:
        """The authority's settings; off until an administrator turns surveys on."""
        found = await self.find_one(authority, {"_id": authority}, session=session)
        return SurveySettings.from_document(found)

    async def save(
        self,
        authority: str,
        *,
        enabled: bool,
        case_kinds: Sequence[CaseKind],
        expected_version: int,
        now: datetime,
    ) -> SurveySettings:
        """Store the settings if nobody changed them since `expected_version` (0: never
        chosen); PreconditionFailed otherwise."""
        saved = await self.save_at_version(
            authority,
            authority,
            changes={"enabled": enabled, "case_kinds": list(case_kinds), "updated_at": now},
            expected_version=expected_version,
        )
        return SurveySettings.from_document(saved)


def tally_id(authority: str, scope: str) -> str:
    """The id of an authority's tally of all answers, or of one kind of case's."""
    return f"{authority}:{scope}"


class TallyRepository(AuthorityRepository):
    """Running counts of answers, kept with each answer so that summaries read one record."""

    collection_name = SURVEY_TALLIES

    async def add_answer(
        self, authority: str, *, case_kind: CaseKind, rating: int, at: datetime, session: Session
    ) -> None:
        """Count one more answer, in the answer's own transaction."""
        for scope in (ALL_KINDS, case_kind):
            await self.collection.update_one(
                scoped(authority, {"_id": tally_id(authority, scope)}),
                {
                    "$set": {"scope": scope},
                    "$inc": {f"ratings.{rating}": 1},
                    "$min": {"first_at": at},
                },
                upsert=True,
                session=session,
            )

    async def get(self, authority: str, *, case_kind: CaseKind | None) -> Tally:
        """The answers of every kind of case, or of one."""
        scope = case_kind or ALL_KINDS
        return Tally.from_document(
            await self.find_one(authority, {"_id": tally_id(authority, scope)})
        )
