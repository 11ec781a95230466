"""Cases as the API shows them to one caller."""

from datetime import date

from cases.cases.clocks import RUNNING, clocks
from cases.cases.details import HouseholdMember, masked
from cases.cases.kinds import KINDS
from cases.cases.models import CaseRecord, ChangeOfCircumstances, HistoryEntry
from cases.cases.policy import audience, may_take
from cases.cases.schemas import (
    CaseSummary,
    CaseView,
    ChangeView,
    ClockView,
    HistoryView,
    HouseholdMemberView,
)
from kit.auth import Principal


def summary(case: CaseRecord) -> CaseSummary:
    """A case in a list."""
    kind = KINDS[case.kind]
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        kind=case.kind,
        title=kind.title,
        status=case.status,
        status_label=kind.label(case.status),
        owner_id=case.owner_id,
        applicant_id=case.applicant_id,
        complainant_name=case.answers.get("complainant_name"),
        landlord_name=case.answers.get("landlord_name"),
        applicant_name=case.answers.get("complainant_name") or _applicant_name(case),
        case_type=case.answers.get("case_type"),
        stage=case.stage,
        created_at=case.created_at,
        submitted_at=case.submitted_at,
        closed_at=case.closed_at,
        next_deadline=date.fromisoformat(case.next_deadline) if case.next_deadline else None,
        version=case.version,
    )


def _applicant_name(case: CaseRecord) -> str | None:
    return next(
        (member.name for member in case.household if member.relationship == "applicant"), None
    )


def _members(household: list[HouseholdMember], *, officer: bool) -> list[HouseholdMemberView]:
    return [
        HouseholdMemberView(
            name=member.name,
            national_insurance_number=(
                member.national_insurance_number
                if officer or member.national_insurance_number is None
                else masked(member.national_insurance_number)
            ),
            date_of_birth=member.date_of_birth,
            relationship=member.relationship,
        )
        for member in household
    ]


def _change(change: ChangeOfCircumstances | None, *, officer: bool) -> ChangeView | None:
    if change is None:
        return None
    return ChangeView(
        id=change.id,
        status=change.status,
        note=change.note,
        submitted_at=change.submitted_at,
        household=_members(change.household, officer=officer) if change.household else None,
        answers=change.answers,
        decided_at=change.decided_at,
        reason=change.reason,
    )


def case_view(case: CaseRecord, *, principal: Principal, today: date) -> CaseView:
    """Everything the caller may see of a case; NI numbers in full to officers only."""
    kind = KINDS[case.kind]
    officer = audience(principal) == "staff"
    stages = case.stages.model_dump()
    running = RUNNING.get(case.status, (None, ""))[0]
    return CaseView(
        **summary(case).model_dump(),
        answers=case.answers,
        household=_members(case.household, officer=officer),
        contact=case.contact,
        stages=stages,
        clocks=[
            ClockView(
                name=clock.name,
                label=clock.label,
                started_on=clock.started_on,
                due_on=clock.due_on,
                period_days=clock.period_days,
                days_remaining=clock.days_remaining,
                working_days_remaining=clock.working_days_remaining,
                running=clock.name == running,
            )
            for clock in clocks(stages, today=today)
        ],
        register_details=case.register_details,
        organisation_id=case.organisation_id,
        closure_reason=case.closure_reason,
        draft_expires_on=date.fromisoformat(case.draft_expires_on)
        if case.draft_expires_on
        else None,
        change=_change(case.change, officer=officer),
        actions=[
            transition.action
            for transition in kind.transitions
            if case.status in transition.sources
            and "system" not in transition.by
            and may_take(principal, case, transition)
        ],
    )


def history_view(entry: HistoryEntry) -> HistoryView:
    """One history entry."""
    return HistoryView(**entry.model_dump(exclude={"id", "authority", "case_id"}))
