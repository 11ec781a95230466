"""The rules of tasks: an officer sets one, its person completes it or says why they cannot,
and a caseworker reviews that. Every change is saved with its history entry and its event in
one transaction, and only if the task is still at the version it was read at."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cases.cases.kinds import KINDS
from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory
from cases.cases.service import today
from cases.errors import DetailsMissing, NotYoursToDo
from cases.parties import Party, party_of, person_on_side, sees_part, start_work
from cases.tasks.errors import TaskNotOpen
from cases.tasks.models import TaskRecord
from cases.tasks.repository import Tasks
from cases.tasks.schemas import ShownStatus, TaskAction, TaskRequest, TaskReview, TaskView
from contracts.events.casework_tasks import (
    TaskAssigned,
    TaskCompleted,
    TaskReopened,
    TaskUnableToComplete,
)
from contracts.payload import EventPayload
from kit.auth import Principal
from kit.errors import PreconditionFailed
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority


def shown_status(task: TaskRecord, *, on: date) -> ShownStatus:
    """The status its person sees: overdue once the target date has passed and it is new."""
    if task.status == "new" and task.due_on() < on:
        return "overdue"
    return task.status


def may_do(party: Party | None, task: TaskRecord) -> list[TaskAction]:
    """What a caller playing `party` on the task's case may do with it now."""
    if party == "staff":
        return ["accept", "reopen"] if task.review == "pending" else []
    if party is not None and party == task.assignee and task.status == "new":
        return ["complete", "unable_to_complete"]
    return []


def task_view(task: TaskRecord, *, party: Party | None, on: date) -> TaskView:
    """A task as a caller playing `party` sees it."""
    return TaskView(
        **task.model_dump(exclude={"authority", "open", "status", "target_date"}),
        application_type=KINDS[task.case_kind].title,
        target_date=task.due_on(),
        status=shown_status(task, on=on),
        actions=may_do(party, task),
    )


@dataclass(kw_only=True)
class TaskService(ForAuthority):
    """Tasks of one authority's cases, as one caller works on them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    tasks: Tasks
    history: CaseHistory

    def party(self, case: CaseRecord) -> Party | None:
        """The caller's part on the case."""
        return party_of(self.principal, case)

    def view(self, case: CaseRecord, task: TaskRecord) -> TaskView:
        """The task as the caller sees it."""
        return task_view(task, party=self.party(case), on=today())

    def sees(self, case: CaseRecord, task: TaskRecord) -> bool:
        """Whether the caller may see the task: staff every one, each person their side's."""
        return sees_part(self.party(case), task.assignee)

    async def set(self, case: CaseRecord, body: TaskRequest, *, once: Once) -> TaskView:
        """Set a task on an open case for its applicant or a user of its landlord."""
        start_work(self.party(case), case, what="set tasks")
        assignee_id = person_on_side(
            case, body.assignee, body.landlord_user_id, thing="task", to="to set tasks for"
        )
        now = datetime.now(UTC)
        task = TaskRecord(
            id=uuid.uuid4().hex,
            authority=self.slug,
            case_id=case.id,
            reference=case.reference,
            case_kind=case.kind,
            assignee=body.assignee,
            assignee_id=assignee_id,
            title=body.title,
            description=body.description,
            target_date=body.target_date.isoformat(),
            status="new",
            open=True,
            set_by=self.principal.user_id,
            created_at=now,
            updated_at=now,
            version=1,
        )

        async def create(session: Session) -> TaskView:
            await self.tasks.add(task, session=session)
            await self._record(session, case, task, action="task_set", at=now)
            await self._event(session, TaskAssigned, case, task, set_by=self.principal.user_id)
            view = self.view(case, task)
            await once.remember(session, view)
            return view

        return await self.mongo.transaction(create)

    async def complete(self, case: CaseRecord, task: TaskRecord) -> TaskView:
        """Its person marks the task complete."""
        self._by_its_person(case, task)
        now = datetime.now(UTC)
        done = task.model_copy(update={"status": "complete", "open": False, "done_at": now})
        return await self._commit(
            case,
            task,
            done,
            action="task_completed",
            event=TaskCompleted,
            extra={"completed_by": self.principal.user_id},
        )

    async def unable(self, case: CaseRecord, task: TaskRecord, reason: str) -> TaskView:
        """Its person says why they cannot complete the task; a caseworker reviews it."""
        self._by_its_person(case, task)
        now = datetime.now(UTC)
        told = task.model_copy(
            update={
                "status": "unable_to_complete",
                "open": False,
                "done_at": now,
                "reason": reason,
                "review": "pending",
                "review_note": None,
            }
        )
        return await self._commit(
            case,
            task,
            told,
            action="task_unable_to_complete",
            event=TaskUnableToComplete,
            extra={"told_by": self.principal.user_id},
            reason=reason,
        )

    async def review(self, case: CaseRecord, task: TaskRecord, body: TaskReview) -> TaskView:
        """A caseworker accepts the person's reason, or sets the task again with a note."""
        if self.party(case) != "staff":
            raise NotYoursToDo("Only the authority's officers review tasks.")
        if task.review != "pending":
            raise TaskNotOpen("Only a task its person could not complete is reviewed.")
        if body.decision == "accept":
            accepted = task.model_copy(update={"review": "accepted"})
            return await self._commit(case, task, accepted, action="task_accepted")
        if body.note is None:
            raise DetailsMissing("Say why the task is set again.", details={"missing": ["note"]})
        reopened = task.model_copy(
            update={
                "status": "new",
                "open": True,
                "done_at": None,
                "review": None,
                "review_note": body.note,
            }
        )
        return await self._commit(
            case,
            task,
            reopened,
            action="task_reopened",
            event=TaskReopened,
            extra={"reopened_by": self.principal.user_id},
            reason=body.note,
        )

    def _by_its_person(self, case: CaseRecord, task: TaskRecord) -> None:
        if self.party(case) != task.assignee:
            raise NotYoursToDo("Only the person the task is for can do this.")
        if task.status != "new":
            raise TaskNotOpen("This task is not waiting to be done.")

    async def _commit(
        self,
        case: CaseRecord,
        task: TaskRecord,
        changed: TaskRecord,
        *,
        action: str,
        event: type[EventPayload] | None = None,
        extra: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> TaskView:
        now = datetime.now(UTC)
        changed = changed.model_copy(update={"version": task.version + 1, "updated_at": now})

        async def work(session: Session) -> TaskRecord:
            stored = await self.tasks.replace(
                changed, expected_version=task.version, session=session
            )
            if stored is None:
                raise PreconditionFailed()
            await self._record(session, case, stored, action=action, at=now, reason=reason)
            if event is not None:
                await self._event(session, event, case, stored, **(extra or {}))
            return stored

        return self.view(case, await self.mongo.transaction(work))

    async def _record(
        self,
        session: Session,
        case: CaseRecord,
        task: TaskRecord,
        *,
        action: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor=self.party(case) or "staff",
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=at,
            reason=reason,
            details={"task_id": task.id, "title": task.title, "for": task.assignee},
            session=session,
        )

    async def _event(
        self,
        session: Session,
        event: type[EventPayload],
        case: CaseRecord,
        task: TaskRecord,
        **extra: Any,
    ) -> None:
        payload = event.model_validate(
            {
                "case_id": case.id,
                "reference": case.reference,
                "applicant_id": case.applicant_id,
                "owner_id": case.owner_id,
                "language": case.language,
                "task_id": task.id,
                "title": task.title,
                "assignee_id": task.assignee_id,
                "assignee": task.assignee,
                "target_date": task.target_date,
                **extra,
            }
        )
        await self.outbox.add(
            session, payload, authority=self.slug, actor=self.principal.user_id, subject=case.id
        )
