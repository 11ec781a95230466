"""The rules of appointments: booking, moving and cancelling one on a case. Every change is
saved with the case's history entry and its event in one transaction, and a move or a
cancellation only if the appointment is still at the version it was read at."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cases.appointments.errors import AppointmentCancelled
from cases.appointments.models import AppointmentRecord
from cases.appointments.policy import may_arrange
from cases.appointments.repository import Appointments
from cases.appointments.schemas import (
    AppointmentChange,
    AppointmentRequest,
    AppointmentView,
    Cancellation,
)
from cases.cases.kinds import ENDED
from cases.cases.models import CaseRecord
from cases.cases.repository import CaseHistory
from cases.errors import NotYoursToDo, TransitionNotAllowed
from contracts.events.casework_meetings import (
    AppointmentBooked,
    AppointmentChanged,
)
from contracts.events.casework_meetings import (
    AppointmentCancelled as AppointmentCancelledEvent,
)
from kit.auth import Principal
from kit.errors import AppError, PreconditionFailed
from kit.events.outbox import Outbox
from kit.idempotency import Once
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority


def appointment_view(appointment: AppointmentRecord) -> AppointmentView:
    """An appointment as the API shows it."""
    return AppointmentView(
        **appointment.model_dump(
            exclude={"authority", "booked_by"},
        )
    )


def _person_of(case: CaseRecord, person_id: str | None) -> str:
    """The person the appointment is with: the applicant, or on a complaint about a landlord
    a user of that landlord (whose membership identity holds; the officer names them)."""
    if person_id is None or person_id == case.applicant_id:
        return case.applicant_id
    if case.kind == "complaint" and case.organisation_id:
        return person_id
    raise AppError(
        "Only the applicant can be met on this case.",
        code="validation_failed",
        status=422,
        details=[
            {
                "loc": ["body", "person_id"],
                "message": "Only the applicant can be met on this case",
                "type": "value_error",
            }
        ],
    )


@dataclass(kw_only=True)
class AppointmentService(ForAuthority):
    """Appointments of one authority, as one caller arranges them."""

    principal: Principal
    mongo: Mongo
    outbox: Outbox
    appointments: Appointments
    history: CaseHistory

    async def book(
        self, case: CaseRecord, request: AppointmentRequest, *, once: Once
    ) -> AppointmentView:
        """Book an appointment on the case."""
        if not may_arrange(self.principal, case):
            raise NotYoursToDo()
        self._still_open(case)
        now = datetime.now(UTC)
        appointment = AppointmentRecord(
            id=uuid.uuid4().hex,
            authority=self.slug,
            case_id=case.id,
            reference=case.reference,
            person_id=_person_of(case, request.person_id),
            officer_id=request.officer_id or self.principal.user_id,
            officer_name=request.officer_name,
            appointment_type=request.appointment_type,
            how=request.how,
            detail=request.detail,
            starts_at=request.starts_at.astimezone(UTC),
            ends_at=request.ends_at.astimezone(UTC),
            booked_by=self.principal.user_id,
            created_at=now,
            updated_at=now,
            language=case.language,
        )
        view = appointment_view(appointment)

        async def work(session: Session) -> None:
            await self.appointments.add(appointment, session=session)
            await self._record(session, case, appointment, "appointment_booked", at=now)
            await self._event(session, AppointmentBooked, appointment)
            await once.remember(session, view)

        await self.mongo.transaction(work)
        return view

    async def move(
        self, case: CaseRecord, appointment: AppointmentRecord, change: AppointmentChange
    ) -> AppointmentView:
        """Move an appointment (and change how, where or with whom); its sequence grows."""
        self._changeable(case, appointment)
        self._still_open(case)
        now = datetime.now(UTC)
        updates = change.model_dump(exclude_none=True, exclude={"starts_at", "ends_at"})
        moved = appointment.model_copy(
            update={
                **updates,
                "starts_at": change.starts_at.astimezone(UTC),
                "ends_at": change.ends_at.astimezone(UTC),
                "sequence": appointment.sequence + 1,
                "updated_at": now,
                "version": appointment.version + 1,
            }
        )
        moved = AppointmentRecord.model_validate(moved.stored())

        async def work(session: Session) -> None:
            await self._replace(session, appointment, moved)
            await self._record(
                session,
                case,
                moved,
                "appointment_moved",
                at=now,
                previous_starts_at=appointment.starts_at.isoformat(),
            )
            await self._event(
                session, AppointmentChanged, moved, previous_starts_at=appointment.starts_at
            )

        await self.mongo.transaction(work)
        return appointment_view(moved)

    async def cancel(
        self, case: CaseRecord, appointment: AppointmentRecord, cancellation: Cancellation
    ) -> AppointmentView:
        """Cancel an appointment; it stays listed as cancelled."""
        self._changeable(case, appointment)
        now = datetime.now(UTC)
        cancelled = appointment.model_copy(
            update={
                "status": "cancelled",
                "cancel_reason": cancellation.reason or None,
                "cancelled_at": now,
                "sequence": appointment.sequence + 1,
                "updated_at": now,
                "version": appointment.version + 1,
            }
        )

        async def work(session: Session) -> None:
            await self._replace(session, appointment, cancelled)
            await self._record(
                session,
                case,
                cancelled,
                "appointment_cancelled",
                at=now,
                reason=cancellation.reason or None,
            )
            await self._event(session, AppointmentCancelledEvent, cancelled)

        await self.mongo.transaction(work)
        return appointment_view(cancelled)

    @staticmethod
    def _still_open(case: CaseRecord) -> None:
        # A closed case's appointments can still be cancelled, never made or moved.
        if case.status in ENDED:
            raise TransitionNotAllowed("The case is closed: no appointment can be made on it.")

    def _changeable(self, case: CaseRecord, appointment: AppointmentRecord) -> None:
        if not may_arrange(self.principal, case):
            raise NotYoursToDo()
        if appointment.status == "cancelled":
            raise AppointmentCancelled()

    async def _replace(
        self, session: Session, before: AppointmentRecord, after: AppointmentRecord
    ) -> None:
        if not await self.appointments.replace(
            after, expected_version=before.version, session=session
        ):
            raise PreconditionFailed("The appointment was changed by someone else; read it again.")

    async def _record(
        self,
        session: Session,
        case: CaseRecord,
        appointment: AppointmentRecord,
        action: str,
        *,
        at: datetime,
        reason: str | None = None,
        **details: str,
    ) -> None:
        await self.history.record(
            self.slug,
            case_id=case.id,
            actor_id=self.principal.user_id,
            actor="staff",
            action=action,
            from_status=case.status,
            to_status=case.status,
            at=at,
            reason=reason,
            details={
                "appointment_id": appointment.id,
                "person_id": appointment.person_id,
                "starts_at": appointment.starts_at.isoformat(),
                **details,
            },
            session=session,
        )

    async def _event(
        self,
        session: Session,
        event: type[AppointmentBooked] | type[AppointmentChanged] | type[AppointmentCancelledEvent],
        appointment: AppointmentRecord,
        **extra: datetime,
    ) -> None:
        payload = event(
            case_id=appointment.case_id,
            reference=appointment.reference,
            person_id=appointment.person_id,
            language=appointment.language,
            appointment_id=appointment.id,
            officer_id=appointment.officer_id,
            appointment_type=appointment.appointment_type,
            how=appointment.how,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            sequence=appointment.sequence,
            **extra,
        )
        await self.outbox.add(
            session,
            payload,
            authority=self.slug,
            actor=self.principal.user_id,
            subject=appointment.case_id,
        )
