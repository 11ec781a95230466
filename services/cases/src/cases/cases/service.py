"""The rules of cases: creating, answering, moving through a kind's transitions, assigning,
and changes of circumstances. Every change is saved with its history entry and its event in
one transaction, and only if the case is still at the version it was read at."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from cases.cases.clocks import running_due_on
from cases.cases.details import (
    ContactDetails,
    HouseholdMember,
    HouseholdMemberChange,
    RegisterDetails,
    unmasked,
)
from cases.cases.kinds import DRAFT, ENDED, KINDS, Actor, Kind, Transition
from cases.cases.models import CaseRecord, ChangeOfCircumstances
from cases.cases.policy import acting_as, audience, may_take
from cases.cases.repository import CaseHistory, Cases, References
from cases.cases.schemas import ActionRequest, CaseRequest, CaseView
from cases.cases.views import case_view
from cases.errors import (
    AnswersIncomplete,
    ChangeAlreadyPending,
    ChangeOfCircumstancesRequired,
    DetailsMissing,
    KindNotOffered,
    NoChangePending,
    NotYoursToDo,
    TransitionNotAllowed,
)
from contracts.events.cases import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseCreated,
    CaseDetailsChanged,
    CaseReinstated,
    CaseStatusChanged,
    CaseSubmitted,
    CaseSuspended,
    CircumstancesRejected,
    CircumstancesSubmitted,
    CircumstancesVerified,
)
from contracts.payload import EventPayload
from kit.auth import Principal
from kit.errors import AppError, PreconditionFailed
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority

LONDON = ZoneInfo("Europe/London")
# Statuses a register application's household may still change in without a change of
# circumstances.
LIVE_REGISTER = frozenset({"live", "suspended"})


def today() -> date:
    """Today in England and Wales."""
    return datetime.now(LONDON).date()


def validated_answers(kind: Kind, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the kind's questions take them; refused with field details if not."""
    try:
        model = kind.answers.model_validate(answers)
    except ValidationError as error:
        details = [
            {
                "loc": ["answers", *[str(p) for p in e["loc"]]],
                "message": e["msg"],
                "type": e["type"],
            }
            for e in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise AppError(
            "Some of the answers are not valid.",
            code="validation_failed",
            status=422,
            details=details,
        ) from None
    return model.model_dump(mode="json", exclude_none=True)


def household_sent(case: CaseRecord, sent: list[HouseholdMemberChange]) -> list[HouseholdMember]:
    """The household sent to replace the case's, masked numbers taken from those held."""
    members, unmatched = unmasked(sent, case.household)
    if unmatched:
        raise AppError(
            "A masked National Insurance number is not one held for that person.",
            code="validation_failed",
            status=422,
            details=[
                {
                    "loc": ["household", position, "national_insurance_number"],
                    "message": "Enter the National Insurance number in full",
                    "type": "value_error",
                }
                for position in unmatched
            ],
        )
    return members


def unanswered(kind: Kind, answers: dict[str, Any]) -> list[str]:
    """The required questions of the kind the answers leave out."""
    return kind.answers.model_validate(answers).unanswered()


@dataclass(kw_only=True)
class CaseService(ForAuthority):
    """Cases of one authority, as one caller works on them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    cases: Cases
    history: CaseHistory
    references: References
    draft_days: int

    # Reading

    def view(self, case: CaseRecord) -> CaseView:
        """The case as the caller sees it."""
        return case_view(case, principal=self.principal, today=today())

    # Creating

    async def create(self, body: CaseRequest, *, once: Once) -> CaseView:
        """Start an application of a kind the authority offers, as a draft or submitted."""
        kind = KINDS[body.kind]
        if kind.module not in self.authority.modules:
            raise KindNotOffered()
        if "applicant" not in self.principal.roles:
            raise NotYoursToDo("Only applicants start applications.")
        answers = validated_answers(kind, body.answers)
        if body.submit and unanswered(kind, answers):
            raise AnswersIncomplete(details={"unanswered": unanswered(kind, answers)})
        now = datetime.now(UTC)

        async def create(session: Session) -> CaseView:
            reference = await self.references.next(self.slug, at=now, session=session)
            case = CaseRecord(
                id=uuid.uuid4().hex,
                authority=self.slug,
                reference=reference,
                kind=kind.name,
                status=DRAFT,
                # Open means with the authority: a draft is the applicant's until sent.
                open=False,
                applicant_id=self.principal.user_id,
                organisation_id=answers.get("landlord_organisation_id"),
                answers=answers,
                household=body.household,
                contact=body.contact,
                created_at=now,
                updated_at=now,
                version=1,
                draft_expires_on=(today() + timedelta(days=self.draft_days)).isoformat(),
                language=body.language,
            )
            await self.history.record(
                self.slug,
                case_id=case.id,
                actor_id=self.principal.user_id,
                actor="applicant",
                action="create",
                from_status=None,
                to_status=DRAFT,
                at=now,
                session=session,
            )
            await self._event(session, CaseCreated, case)
            if body.submit:
                transition = kind.transition("submit")
                assert transition is not None
                case = await self._move(session, case, transition, actor="applicant", at=now)
            await self.cases.add(case, session=session)
            view = self.view(case)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(create)

    # Changing what the applicant told us

    async def change_answers(self, case: CaseRecord, answers: dict[str, Any]) -> CaseView:
        """Answer more of a draft's questions, or change answers given."""
        self._applicant_only(case)
        if case.status != DRAFT:
            raise TransitionNotAllowed("Only a draft's answers can be changed.")
        kind = KINDS[case.kind]
        merged = validated_answers(kind, {**case.answers, **answers})
        changed = case.model_copy(
            update={"answers": merged, "organisation_id": merged.get("landlord_organisation_id")}
        )
        return await self._save(case, changed, parts=["answers"], action="answers_changed")

    async def change_household(
        self, case: CaseRecord, household: list[HouseholdMemberChange]
    ) -> CaseView:
        """Replace the household, unless the application is live on the register."""
        self._applicant_only(case)
        self._still_open(case)
        if case.kind == "housing_register" and case.status in LIVE_REGISTER:
            raise ChangeOfCircumstancesRequired()
        changed = case.model_copy(update={"household": household_sent(case, household)})
        return await self._save(case, changed, parts=["household"], action="household_changed")

    async def change_contact(self, case: CaseRecord, contact: ContactDetails) -> CaseView:
        """Replace the contact details; this never suspends an application."""
        self._applicant_only(case)
        self._still_open(case)
        changed = case.model_copy(update={"contact": contact})
        return await self._save(case, changed, parts=["contact"], action="contact_changed")

    # Casework

    async def act(self, case: CaseRecord, request: ActionRequest) -> CaseView:
        """Take one of the kind's declared transitions, with what it needs."""
        kind = KINDS[case.kind]
        transition = kind.transition(request.action)
        if transition is None or "system" in transition.by:
            raise TransitionNotAllowed(
                f"{kind.title} has no action {request.action!r}.",
                details={"action": request.action},
            )
        actor = acting_as(self.principal, case)
        if not may_take(self.principal, case, transition) or actor is None:
            raise NotYoursToDo()
        if case.status not in transition.sources:
            raise TransitionNotAllowed(
                f"A case that is {kind.label(case.status)} cannot take the action "
                f"{request.action!r}.",
                details={"status": case.status, "action": request.action},
            )
        if transition.action == "submit" and unanswered(kind, case.answers):
            raise AnswersIncomplete(details={"unanswered": unanswered(kind, case.answers)})
        missing = [
            name
            for name, needed, given in (
                ("reason", transition.needs_reason, request.reason),
                ("on", transition.needs_date, request.on),
                ("register_details", transition.needs_register, request.register_details),
            )
            if needed and given is None
        ]
        if missing:
            raise DetailsMissing(details={"missing": missing})
        if request.on is not None and request.on > today():
            raise AppError("The date cannot be in the future.", code="date_in_future", status=422)
        now = datetime.now(UTC)

        async def work(session: Session) -> CaseRecord:
            return await self._move(
                session,
                case,
                transition,
                actor=actor,
                at=now,
                reason=request.reason,
                on=request.on,
                register=request.register_details,
            )

        return await self._commit(case, work)

    async def assign(self, case: CaseRecord, owner_id: str | None) -> CaseView:
        """Give the case to an officer, or leave it unassigned."""
        if audience(self.principal) != "staff":
            raise NotYoursToDo()
        self._still_open(case)
        now = datetime.now(UTC)

        async def work(session: Session) -> CaseRecord:
            changed = case.model_copy(update={"owner_id": owner_id})
            await self.history.record(
                self.slug,
                case_id=case.id,
                actor_id=self.principal.user_id,
                actor="staff",
                action="assign",
                from_status=case.status,
                to_status=case.status,
                at=now,
                details={"owner_id": owner_id, "previous_owner_id": case.owner_id},
                session=session,
            )
            await self._event(
                session,
                CaseAssigned,
                changed,
                owner_id=owner_id,
                previous_owner_id=case.owner_id,
            )
            return changed

        return await self._commit(case, work)

    async def set_stage(self, case: CaseRecord, stage: str) -> CaseView:
        """Record the stage a complaint has reached."""
        kind = KINDS[case.kind]
        if audience(self.principal) not in ("staff", "landlord") or not kind.stages:
            raise NotYoursToDo()
        if stage not in kind.stages:
            raise AppError(
                "Choose one of the stages.",
                code="unknown_stage",
                status=422,
                details={"stages": list(kind.stages)},
            )
        self._still_open(case)
        changed = case.model_copy(update={"stage": stage})
        return await self._save(case, changed, parts=["complaint"], action="stage_changed")

    # Changes of circumstances

    async def submit_change(
        self,
        case: CaseRecord,
        *,
        note: str,
        household: list[HouseholdMemberChange] | None,
        answers: dict[str, Any] | None,
    ) -> CaseView:
        """Tell the authority of a change on a live register application: it is suspended
        (no bidding) until an officer verifies the change."""
        self._applicant_only(case)
        if case.kind != "housing_register" or case.status != "live":
            raise TransitionNotAllowed(
                "A change of circumstances is made on a live housing register application."
            )
        if case.change is not None and case.change.status == "submitted":
            raise ChangeAlreadyPending()
        kind = KINDS[case.kind]
        checked = validated_answers(kind, {**case.answers, **answers}) if answers else None
        now = datetime.now(UTC)
        change = ChangeOfCircumstances(
            id=uuid.uuid4().hex,
            status="submitted",
            note=note,
            household=household_sent(case, household) if household is not None else None,
            answers=checked,
            submitted_at=now,
        )
        suspend = kind.transition("suspend")
        assert suspend is not None

        async def work(session: Session) -> CaseRecord:
            held = case.model_copy(update={"change": change})
            moved = await self._move(session, held, suspend, actor="applicant", at=now, reason=note)
            await self._event(session, CircumstancesSubmitted, moved, change_id=change.id)
            return moved

        return await self._commit(case, work)

    async def verify_change(self, case: CaseRecord) -> CaseView:
        """Apply the change waiting on the case; the application is live again."""
        change = self._pending_change(case)
        now = datetime.now(UTC)
        decided = change.model_copy(
            update={"status": "verified", "decided_at": now, "decided_by": self.principal.user_id}
        )
        update: dict[str, Any] = {"change": decided}
        if change.household is not None:
            update["household"] = change.household
        if change.answers is not None:
            update["answers"] = change.answers
        return await self._end_change(case, case.model_copy(update=update), decided, at=now)

    async def reject_change(self, case: CaseRecord, reason: str) -> CaseView:
        """Drop the change waiting on the case, with the reason; the application is live again."""
        change = self._pending_change(case)
        now = datetime.now(UTC)
        decided = change.model_copy(
            update={
                "status": "rejected",
                "decided_at": now,
                "decided_by": self.principal.user_id,
                "reason": reason,
            }
        )
        return await self._end_change(
            case, case.model_copy(update={"change": decided}), decided, at=now
        )

    async def _end_change(
        self, case: CaseRecord, changed: CaseRecord, change: ChangeOfCircumstances, *, at: datetime
    ) -> CaseView:
        reinstate = KINDS[case.kind].transition("reinstate")
        assert reinstate is not None

        async def work(session: Session) -> CaseRecord:
            moved = await self._move(
                session, changed, reinstate, actor="staff", at=at, reason=change.reason
            )
            if change.status == "verified":
                await self._event(session, CircumstancesVerified, moved, change_id=change.id)
            else:
                assert change.reason is not None
                await self._event(
                    session,
                    CircumstancesRejected,
                    moved,
                    change_id=change.id,
                    reason=change.reason,
                )
            return moved

        return await self._commit(case, work)

    def _pending_change(self, case: CaseRecord) -> ChangeOfCircumstances:
        if audience(self.principal) != "staff":
            raise NotYoursToDo()
        if case.change is None or case.change.status != "submitted" or case.status != "suspended":
            raise NoChangePending()
        return case.change

    # Shared steps

    def _applicant_only(self, case: CaseRecord) -> None:
        if case.applicant_id != self.principal.user_id:
            raise NotYoursToDo("Only the applicant can change this.")

    def _still_open(self, case: CaseRecord) -> None:
        if case.status in ENDED:
            raise TransitionNotAllowed("The case is closed.")

    async def _move(
        self,
        session: Session,
        case: CaseRecord,
        transition: Transition,
        *,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
        on: date | None = None,
        register: RegisterDetails | None = None,
    ) -> CaseRecord:
        """The case after a transition, with its history entry and events written."""
        update: dict[str, Any] = {"status": transition.target}
        stages = case.stages.model_copy()
        if transition.action == "start_prevention":
            stages.prevention_started_on = on
        elif transition.action == "start_relief":
            stages.relief_started_on = on
        elif transition.action == "decide":
            stages.decision_notified_on = on
        update["stages"] = stages
        if transition.action == "submit":
            update |= {"submitted_at": at, "draft_expires_on": None, "open": True}
        if register is not None:
            update["register_details"] = register
        if transition.target in ENDED:
            update |= {"open": False, "closed_at": at, "closure_reason": reason}
        moved = case.model_copy(update=update)
        moved.next_deadline = _iso(running_due_on(moved.status, stages.model_dump()))
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor=actor,
            action=transition.action,
            from_status=case.status,
            to_status=transition.target,
            at=at,
            reason=reason,
            details={
                key: value
                for key, value in (
                    ("on", on.isoformat() if on else None),
                    ("register_details", register.model_dump(mode="json") if register else None),
                )
                if value is not None
            },
            session=session,
        )
        await self._event(
            session,
            CaseStatusChanged,
            moved,
            previous_status=case.status,
            action=transition.action,
            reason=reason,
        )
        follow_up: dict[str, type[EventPayload]] = {
            "accept": CaseAccepted,
            "suspend": CaseSuspended,
            "reinstate": CaseReinstated,
        }
        if transition.action == "submit":
            await self._event(session, CaseSubmitted, moved, submitted_at=at)
        elif transition.action in follow_up:
            await self._event(session, follow_up[transition.action], moved)
        if transition.target in ENDED:
            await self._event(session, CaseClosed, moved, closed_at=at, reason=reason)
        return moved

    async def _save(
        self, case: CaseRecord, changed: CaseRecord, *, parts: list[str], action: str
    ) -> CaseView:
        now = datetime.now(UTC)

        async def work(session: Session) -> CaseRecord:
            await self.history.record(
                self.slug,
                case_id=case.id,
                actor_id=self.principal.user_id,
                actor=acting_as(self.principal, case) or "staff",
                action=action,
                from_status=case.status,
                to_status=case.status,
                at=now,
                details={"parts": parts},
                session=session,
            )
            await self._event(session, CaseDetailsChanged, changed, parts=parts)
            return changed

        return await self._commit(case, work)

    async def _commit(self, case: CaseRecord, work: Any) -> CaseView:
        """Run the change's work and store its result, if nobody changed the case meanwhile."""

        async def transaction(session: Session) -> CaseRecord:
            changed: CaseRecord = await work(session)
            changed = changed.model_copy(
                update={"version": case.version + 1, "updated_at": datetime.now(UTC)}
            )
            stored = await self.cases.replace(
                changed, expected_version=case.version, session=session
            )
            if stored is None:
                raise PreconditionFailed()
            return stored

        return self.view(await self.mongo.transaction(transaction))

    async def _event(
        self, session: Session, event: type[EventPayload], case: CaseRecord, **extra: Any
    ) -> None:
        payload = event.model_validate(
            {
                "case_id": case.id,
                "reference": case.reference,
                "kind": case.kind,
                "status": case.status,
                "applicant_id": case.applicant_id,
                "owner_id": case.owner_id,
                "language": case.language,
                "email": _email_to(case),
                **extra,
            }
        )
        await self.outbox.add(
            session,
            payload,
            authority=self.slug,
            actor=self.principal.user_id,
            subject=case.id,
        )


def _email_to(case: CaseRecord) -> str | None:
    """Where the applicant may be emailed about the case: only with their say-so."""
    contact = case.contact
    return contact.email if contact is not None and contact.email_ok_to_email else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
