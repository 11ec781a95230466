"""The rules of a case's Personal Housing Plan: an officer starts it, writes the assessment and
the actions, and issues it; the applicant agrees to it or not, works on their actions, adds
their own and asks for a review; the officer issues it again.

Every change is saved only if the plan is still at the version it was read at, with the case's
history entry and its events, in one transaction. Each issue is kept as a version."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pymongo.errors import DuplicateKeyError

from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory
from cases.cases.service import today
from cases.errors import DetailsMissing, NotYoursToDo
from cases.parties import CaseClosedForWork
from cases.plans.errors import (
    ActionNotFound,
    FieldMissing,
    PlanExists,
    PlanFull,
    PlanIncomplete,
    PlanNotForThisCase,
    PlanNotFound,
    PlanNotOpenToYou,
)
from cases.plans.models import (
    DUTY_DAYS,
    ActionRecord,
    Agreement,
    Assessment,
    PlanContent,
    PlanRecord,
    VersionRecord,
)
from cases.plans.policy import APPLICANT_FIELDS, Part, part_of
from cases.plans.repository import PLANS, Plans, PlanVersions
from cases.plans.schemas import (
    ActionChange,
    ActionRequest,
    ActionView,
    AgreementRequest,
    AgreementView,
    AssessmentBody,
    AssessmentView,
    PlanSummary,
    PlanView,
    Progress,
    StartRequest,
)
from contracts.events.casework_plans import (
    ActionEnd,
    PlanActionAssigned,
    PlanActionChanged,
    PlanActionEnded,
    PlanAgreed,
    PlanDisagreed,
    PlanIssued,
    PlanSubmittedForReview,
)
from contracts.payload import EventPayload
from kit.auth import Principal
from kit.errors import PreconditionFailed
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority

LONDON = ZoneInfo("Europe/London")
MAX_ACTIONS = 100


def progress_of(first_issued_at: datetime | None, *, on: date) -> Progress:
    """Days since the plan was first issued (London dates), at most the duty's 56."""
    if first_issued_at is None:
        return Progress(day=0, of=DUTY_DAYS, percent=0)
    days = (on - first_issued_at.astimezone(LONDON).date()).days
    day = max(0, min(DUTY_DAYS, days))
    return Progress(day=day, of=DUTY_DAYS, percent=(day * 100 + DUTY_DAYS // 2) // DUTY_DAYS)


def action_view(action: ActionRecord) -> ActionView:
    """An action as the API shows it."""
    return ActionView(
        **action.model_dump(), target_date=action.target_date, review_date=action.review_date
    )


def plan_view(
    plan: PlanRecord, content: PlanContent, *, on: date, status: str | None = None
) -> PlanView:
    """What a plan says (the live plan, the applicant's copy or an issue), as the API shows
    it; the version is always the live plan's, which a change is made from."""
    return PlanView.model_validate(
        {
            "id": plan.id,
            "case_id": plan.case_id,
            "reference": plan.reference,
            "person_id": plan.person_id,
            "status": status or content.status,
            "version": plan.version,
            "issue_number": content.issue_number,
            "assessment": AssessmentView(**content.assessment.model_dump()),
            "actions": [action_view(action) for action in content.actions],
            "agreement": (
                AgreementView(**content.agreement.model_dump()) if content.agreement else None
            ),
            "progress": progress_of(plan.first_issued_at, on=on),
            "actions_complete": sum(a.progress == "complete" for a in content.actions),
            "actions_total": len(content.actions),
            "created_at": content.created_at,
            "updated_at": content.updated_at,
            "first_issued_at": plan.first_issued_at,
            "issued_at": content.issued_at,
            "submitted_at": content.submitted_at,
        }
    )


def applicant_copy(plan: PlanRecord) -> tuple[PlanContent, str] | None:
    """What the applicant sees of a plan and with what status: the live plan while it is
    issued or in review, the last issue (with their changes) while the officer revises it,
    nothing before it is first issued."""
    if plan.status != "draft":
        return plan.content(), plan.status
    if plan.published is not None:
        return plan.published, "issued"
    return None


def summary_of(plan: PlanRecord, *, on: date) -> PlanSummary | None:
    """One of the applicant's plans in their list."""
    seen = applicant_copy(plan)
    if seen is None:
        return None
    view = plan_view(plan, seen[0], on=on, status=seen[1])
    return PlanSummary(**view.model_dump(include=set(PlanSummary.model_fields)))


@dataclass(kw_only=True)
class PlanService(ForAuthority):
    """The plans of one authority's homelessness cases, as one caller works on them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    plans: Plans
    versions: PlanVersions
    history: CaseHistory

    def part(self, case: CaseRecord) -> Part | None:
        """The caller's part in the case's plan."""
        return part_of(self.principal, case)

    def view(self, case: CaseRecord, plan: PlanRecord) -> PlanView:
        """The plan as the caller sees it (not found if they may not yet)."""
        part = self.part(case)
        if part == "staff":
            return plan_view(plan, plan, on=today())
        seen = applicant_copy(plan) if part == "applicant" else None
        if seen is None:
            raise PlanNotFound()
        return plan_view(plan, seen[0], on=today(), status=seen[1])

    async def visible(self, case: CaseRecord) -> PlanRecord:
        """The case's plan, if the caller may see it."""
        plan = await self.plans.of_case(self.slug, case.id)
        if plan is None:
            raise PlanNotFound()
        self.view(case, plan)
        return plan

    async def start(self, case: CaseRecord, body: StartRequest, *, once: Once) -> PlanView:
        """An officer starts the case's plan as a draft."""
        if self.part(case) != "staff":
            raise NotYoursToDo("Only the authority's officers write a Personal Housing Plan.")
        if case.kind != "homelessness":
            raise PlanNotForThisCase()
        if not case.open:
            raise CaseClosedForWork()
        if await self.plans.of_case(self.slug, case.id) is not None:
            raise PlanExists()
        now = datetime.now(UTC)
        plan = PlanRecord(
            id=uuid.uuid4().hex,
            authority=self.slug,
            case_id=case.id,
            reference=case.reference,
            person_id=case.applicant_id,
            language=case.language,
            started_by=self.principal.user_id,
            status="draft",
            version=1,
            assessment=Assessment(**(body.assessment.model_dump() if body.assessment else {})),
            created_at=now,
            updated_at=now,
        )

        async def create(session: Session) -> PlanView:
            await self.plans.add(plan, session=session)
            await self._record(session, case, plan, "plan_started", at=now, staff_only=True)
            view = self.view(case, plan)
            await once.remember(session, view)
            return view

        try:
            return await self.mongo.transaction(create)
        except DuplicateKeyError as exc:
            # Another plan started on the case a moment ago (not a repeat of this request,
            # which its Idempotency-Key answers).
            if PLANS in str(exc) and await self.plans.of_case(self.slug, case.id) is not None:
                raise PlanExists() from None
            raise

    async def change_assessment(
        self, case: CaseRecord, plan: PlanRecord, body: AssessmentBody
    ) -> PlanView:
        """An officer replaces the assessment; the plan is a draft until issued again."""
        self._staff_writing(case)
        changed = plan.model_copy(
            update={"assessment": Assessment(**body.model_dump()), "status": "draft"}
        )
        return await self._commit(case, plan, changed, "plan_assessment_changed", staff_only=True)

    async def add_action(self, case: CaseRecord, plan: PlanRecord, body: ActionRequest) -> PlanView:
        """An officer adds any action (the plan becomes a draft); the applicant one of their
        own to an issued plan (it stays issued)."""
        part = self._writing(case, plan)
        if len(plan.actions) >= MAX_ACTIONS:
            raise PlanFull()
        now = datetime.now(UTC)
        by = "officer" if part == "staff" else "applicant"
        action = ActionRecord(
            id=uuid.uuid4().hex,
            category=body.category,
            text=body.text,
            by_whom=body.by_whom if part == "staff" else "applicant",
            complete_within_days=body.complete_within_days,
            action_date=body.action_date or today(),
            required=body.required,
            notes=body.notes,
            added_by=by,
            created_at=now,
            updated_at=now,
        )
        update: dict[str, Any] = {"actions": [*plan.actions, action]}
        if part == "staff":
            update["status"] = "draft"
        return await self._commit(
            case,
            plan,
            plan.model_copy(update=update),
            "plan_action_added",
            staff_only=part == "staff",
            details={"action_id": action.id, "category": action.category},
        )

    async def change_action(
        self, case: CaseRecord, plan: PlanRecord, action_id: str, body: ActionChange
    ) -> PlanView:
        """An officer changes any field of any action (the plan becomes a draft); the
        applicant the progress and notes of actions that are theirs to take."""
        part = self._writing(case, plan)
        action = self._action(plan, action_id)
        changes = body.changes()
        if not changes:
            raise DetailsMissing("Say what to change.", details={"missing": ["changes"]})
        if part == "applicant":
            if action.by_whom != "applicant":
                raise NotYoursToDo("Only your caseworker changes their own actions.")
            refused = sorted(set(changes) - APPLICANT_FIELDS)
            if refused:
                raise NotYoursToDo(
                    "You can only change the progress and notes of your actions.",
                    details={"fields": refused},
                )
        now = datetime.now(UTC)
        completed = action.progress != "complete" and changes.get("progress") == "complete"
        changed_action = action.model_copy(
            update={**changes, "updated_at": now, **({"ended_at": now} if completed else {})}
        )
        update: dict[str, Any] = {
            "actions": [changed_action if a.id == action.id else a for a in plan.actions]
        }
        if part == "staff":
            update["status"] = "draft"
        return await self._commit(
            case,
            plan,
            plan.model_copy(update=update),
            "plan_action_updated",
            events=self._ended(case, plan, action, "complete") if completed else [],
            staff_only=part == "staff",
            details={
                "action_id": action.id,
                "category": action.category,
                "fields": sorted(changes),
            },
        )

    async def remove_action(self, case: CaseRecord, plan: PlanRecord, action_id: str) -> PlanView:
        """An officer removes any action (the plan becomes a draft); the applicant one they
        added themselves."""
        part = self._writing(case, plan)
        action = self._action(plan, action_id)
        if part == "applicant" and action.added_by != "applicant":
            raise NotYoursToDo("You can only remove actions you added.")
        update: dict[str, Any] = {"actions": [a for a in plan.actions if a.id != action.id]}
        if part == "staff":
            update["status"] = "draft"
        return await self._commit(
            case,
            plan,
            plan.model_copy(update=update),
            "plan_action_removed",
            events=self._ended(case, plan, action, "removed"),
            staff_only=part == "staff",
            details={"action_id": action.id, "category": action.category},
        )

    async def issue(self, case: CaseRecord, plan: PlanRecord) -> PlanView:
        """An officer issues the plan (again): kept as a version, the applicant's copy, and
        any new action of theirs told to them."""
        self._staff_writing(case)
        if not plan.actions:
            raise PlanIncomplete()
        now = datetime.now(UTC)
        number = plan.issue_number + 1
        before = (
            await self.versions.get(self.slug, case.id, plan.issue_number)
            if plan.issue_number
            else None
        )
        told = [
            content
            for content in (before.plan if before is not None else None, plan.published)
            if content is not None
        ]
        issued = plan.model_copy(
            update={
                "status": "issued",
                "issue_number": number,
                "first_issued_at": plan.first_issued_at or now,
                "issued_at": now,
                "submitted_at": None,
                "agreement": None,
                "reader_id": plan.person_id,
                "listed_at": now,
            }
        )
        events: list[EventPayload] = [
            PlanIssued(
                **self._on_plan(case, plan, number),
                issued_by=self.principal.user_id,
                issued_at=now,
                actions_total=len(issued.actions),
                applicant_actions=sum(a.by_whom == "applicant" for a in issued.actions),
            ),
            *self._applicant_action_events(
                case,
                plan,
                issued,
                told=told,
            ),
        ]
        # What was open again is told now: their ends are behind them.
        issued = issued.model_copy(
            update={
                "actions": [
                    a if a.progress == "complete" else a.model_copy(update={"ended_at": None})
                    for a in issued.actions
                ]
            }
        )
        return await self._commit(
            case,
            plan,
            issued,
            "plan_issued",
            events=events,
            details={"issue_number": number},
            at=now,
            keep_version=True,
        )

    async def agree(self, case: CaseRecord, plan: PlanRecord, body: AgreementRequest) -> PlanView:
        """The applicant agrees to the plan as issued, or says why they do not."""
        self._applicant_writing(case, plan)
        reason = body.reason or None
        if not body.agrees and reason is None:
            raise FieldMissing("reason", "Say why you do not agree to the plan.")
        now = datetime.now(UTC)
        agreement = Agreement(
            agrees=body.agrees, reason=reason, at=now, issue_number=plan.issue_number
        )
        event = PlanAgreed if body.agrees else PlanDisagreed
        return await self._commit(
            case,
            plan,
            plan.model_copy(update={"agreement": agreement}),
            "plan_agreed" if body.agrees else "plan_disagreed",
            events=[event(**self._on_plan(case, plan, plan.issue_number))],
            details={"issue_number": plan.issue_number},
            reason=reason,
            at=now,
        )

    async def ask_for_review(self, case: CaseRecord, plan: PlanRecord) -> PlanView:
        """The applicant sends the plan back to their caseworker to review."""
        self._applicant_writing(case, plan)
        now = datetime.now(UTC)
        return await self._commit(
            case,
            plan,
            plan.model_copy(update={"status": "in_review", "submitted_at": now}),
            "plan_submitted_for_review",
            events=[
                PlanSubmittedForReview(
                    **self._on_plan(case, plan, plan.issue_number), submitted_at=now
                )
            ],
            details={"issue_number": plan.issue_number},
            at=now,
        )

    def _applicant_action_events(
        self,
        case: CaseRecord,
        plan: PlanRecord,
        issued: PlanRecord,
        *,
        told: list[PlanContent],
    ) -> list[EventPayload]:
        """What an issue tells of the actions the officer set the applicant, against what the
        applicant was last told (the last issue, and their copy with their progress since): an
        action new to them is assigned; one of theirs due on another day, or complete before
        and open again, is changed. Others were told already."""
        events: list[EventPayload] = []
        for action in issued.actions:
            if action.by_whom != "applicant" or action.added_by != "officer":
                continue
            earlier = [
                found
                for found in (content.action(action.id) for content in told)
                if found is not None and found.by_whom == "applicant"
            ]
            facts: dict[str, Any] = {
                **self._on_plan(case, plan, issued.issue_number),
                "action_id": action.id,
                "category": action.category,
                "required": action.required,
                "target_date": action.target_date,
                "review_date": action.review_date,
            }
            if not earlier:
                events.append(PlanActionAssigned(**facts))
                continue
            if action.progress == "complete":
                continue
            reopened = action.ended_at is not None or any(
                found.progress == "complete" for found in earlier
            )
            moved = any(found.target_date != action.target_date for found in earlier)
            if reopened or moved:
                events.append(PlanActionChanged(**facts, reopened=reopened))
        return events

    def _on_plan(self, case: CaseRecord, plan: PlanRecord, number: int) -> dict[str, Any]:
        return {
            "case_id": case.id,
            "reference": case.reference,
            "person_id": plan.person_id,
            "owner_id": case.owner_id,
            "language": case.language,
            "plan_id": plan.id,
            "issue_number": number,
        }

    def _ended(
        self, case: CaseRecord, plan: PlanRecord, action: ActionRecord, how: ActionEnd
    ) -> list[EventPayload]:
        """The event that tells of an applicant's action ended, once the plan was issued to
        them (so that they are reminded of it no more)."""
        if action.by_whom != "applicant" or plan.issue_number < 1:
            return []
        return [
            PlanActionEnded(
                **self._on_plan(case, plan, plan.issue_number), action_id=action.id, how=how
            )
        ]

    def _action(self, plan: PlanRecord, action_id: str) -> ActionRecord:
        found = plan.action(action_id)
        if found is None:
            raise ActionNotFound()
        return found

    def _staff_writing(self, case: CaseRecord) -> None:
        if self.part(case) != "staff":
            raise NotYoursToDo("Only the authority's officers do this to a plan.")
        if not case.open:
            raise CaseClosedForWork()

    def _applicant_writing(self, case: CaseRecord, plan: PlanRecord) -> None:
        if self.part(case) != "applicant":
            raise NotYoursToDo("Only the applicant does this to their plan.")
        self._open_to_applicant(case, plan)

    def _open_to_applicant(self, case: CaseRecord, plan: PlanRecord) -> None:
        if not case.open:
            raise CaseClosedForWork()
        if plan.status != "issued":
            raise PlanNotOpenToYou()

    def _writing(self, case: CaseRecord, plan: PlanRecord) -> Part:
        part = self.part(case)
        if part == "staff":
            self._staff_writing(case)
            return part
        if part == "applicant":
            self._open_to_applicant(case, plan)
            return part
        raise PlanNotFound()

    async def _commit(
        self,
        case: CaseRecord,
        plan: PlanRecord,
        changed: PlanRecord,
        action: str,
        *,
        events: list[EventPayload] | None = None,
        details: dict[str, Any] | None = None,
        staff_only: bool = False,
        reason: str | None = None,
        at: datetime | None = None,
        keep_version: bool = False,
    ) -> PlanView:
        now = at or datetime.now(UTC)
        changed = changed.model_copy(update={"version": plan.version + 1, "updated_at": now})
        if changed.status != "draft":
            # The applicant reads what is issued: their copy follows every change they see.
            changed = changed.model_copy(update={"published": changed.content()})

        async def work(session: Session) -> PlanRecord:
            stored = await self.plans.replace(
                changed, expected_version=plan.version, session=session
            )
            if stored is None:
                raise PreconditionFailed()
            if keep_version:
                await self.versions.add(
                    VersionRecord(
                        id=f"{stored.id}-{stored.issue_number}",
                        authority=self.slug,
                        case_id=case.id,
                        plan_id=stored.id,
                        issue_number=stored.issue_number,
                        issued_at=now,
                        issued_by=self.principal.user_id,
                        plan=stored.content(),
                    ),
                    session=session,
                )
            await self._record(
                session,
                case,
                stored,
                action,
                at=now,
                staff_only=staff_only,
                reason=reason,
                details=details,
            )
            for event in events or []:
                await self.outbox.add(
                    session,
                    event,
                    authority=self.slug,
                    actor=self.principal.user_id,
                    subject=case.id,
                )
            return stored

        return self.view(case, await self.mongo.transaction(work))

    async def _record(
        self,
        session: Session,
        case: CaseRecord,
        plan: PlanRecord,
        action: str,
        *,
        at: datetime,
        staff_only: bool = False,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor=self.part(case) or "staff",
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=at,
            reason=reason,
            details={
                "plan_id": plan.id,
                **(details or {}),
                **({"for": "staff"} if staff_only else {}),
            },
            session=session,
        )
