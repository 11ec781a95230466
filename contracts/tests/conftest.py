"""Example payloads shared by the contract tests."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.support.factories import authority

from contracts import EventPayload
from contracts.events.authority import AuthorityUpserted, Branding, Contact, UploadPolicy
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
    DraftExpiring,
    DraftRemoved,
)
from contracts.events.casework_meetings import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentChanged,
    LetterAcknowledged,
    LetterIssued,
)
from contracts.events.casework_plans import (
    PlanActionAssigned,
    PlanActionChanged,
    PlanActionEnded,
    PlanAgreed,
    PlanDisagreed,
    PlanIssued,
    PlanSubmittedForReview,
)
from contracts.events.casework_tasks import (
    MessageReplied,
    MessageSent,
    TaskAssigned,
    TaskCompleted,
    TaskReopened,
    TaskUnableToComplete,
)
from contracts.events.documents import (
    DocumentRejected,
    DocumentUploaded,
    DocumentVerified,
    DocumentWithdrawn,
    RequestCreated,
    RequestFulfilled,
)
from contracts.events.identity import (
    AccountDeactivated,
    AccountReactivated,
    ConfirmationRequested,
    FactorAdded,
    PasswordChanged,
    PasswordResetRequested,
    RegistrationAttempted,
    SessionEnded,
    SignInCodeIssued,
    SignInLocked,
    StaffInvited,
)
from contracts.events.notifications import SurveyRequested

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
DOCUMENT = {
    "document_id": "d0c",
    "case_id": "9a8b7c6d5e4f",
    "classification": "proof_of_income",
    "sensitive": False,
    "request_id": "r3q",
}
REQUEST = {"request_id": "r3q", "case_id": "9a8b7c6d5e4f", "classification": "proof_of_income"}
PERSON = {"user_id": "6f1c2a", "email": "sam.jones@example.org", "first_name": "Sam"}
PORTAL = "https://portal.example/watford"
CASE = {
    "case_id": "9a8b7c6d5e4f30211203948576afbecd",
    "reference": "1000119",
    "kind": "housing_register",
    "status": "live",
    "applicant_id": "6f1c2a",
}

ON_CASE = {
    "case_id": CASE["case_id"],
    "reference": CASE["reference"],
    "applicant_id": "6f1c2a",
    "owner_id": "7e2d3b",
}
TASK = {
    **ON_CASE,
    "task_id": "7a5c",
    "title": "Send a copy of your tenancy agreement",
    "assignee_id": "6f1c2a",
    "assignee": "applicant",
    "target_date": NOW.date(),
}
MESSAGE = {**ON_CASE, "message_id": "m355", "subject": "Your tenancy", "sender_id": "7e2d3b"}


MEETING_CASE = {"case_id": "9a8b7c6d5e4f", "reference": "1000001", "person_id": "u-123"}
PLAN = {**MEETING_CASE, "owner_id": "officer-1", "plan_id": "p1a2", "issue_number": 1}
APPOINTMENT = {
    **MEETING_CASE,
    "appointment_id": "a990e1",
    "officer_id": "officer-1",
    "appointment_type": "interview",
    "how": "in_person",
    "starts_at": NOW + timedelta(days=3),
    "ends_at": NOW + timedelta(days=3, hours=1),
    "sequence": 0,
}


@pytest.fixture
def watford() -> AuthorityUpserted:
    """A realistic authority registry entry for Watford."""
    return authority(
        "watford",
        name="Watford Borough Council",
        modules=["homelessness", "housing_register", "housing_advice"],
        uploads=UploadPolicy(
            max_bytes=10 * 1024 * 1024, allowed_extensions=[".pdf", ".jpg", ".png"]
        ),
        staff_two_factor_required=True,
        branding=Branding(colour="#00703C", logo_url="/static/authorities/watford.svg"),
        contact=Contact(
            email="housing@watford.gov.uk", phone="01923 226400", website="https://watford.gov.uk"
        ),
        hosts=["watford.housing-portal.local"],
        revision=3,
    )


@pytest.fixture
def example_payloads(watford: AuthorityUpserted) -> dict[type[EventPayload], EventPayload]:
    """One valid payload for every event version; a new event must add one here."""
    examples: list[EventPayload] = [
        watford,
        ConfirmationRequested(
            **PERSON, link=f"{PORTAL}/confirm?token=abc", expires_at=NOW + timedelta(days=1)
        ),
        RegistrationAttempted(
            **PERSON, sign_in_link=f"{PORTAL}/sign-in", reset_link=f"{PORTAL}/forgotten-password"
        ),
        SignInCodeIssued(
            **PERSON, code="123456", purpose="sign_in", expires_at=NOW + timedelta(minutes=10)
        ),
        SignInLocked(
            **PERSON,
            wrong_answers=10,
            locked_until=NOW + timedelta(minutes=15),
            reset_link=f"{PORTAL}/forgotten-password",
        ),
        PasswordResetRequested(
            **PERSON, link=f"{PORTAL}/reset?token=xyz", expires_at=NOW + timedelta(hours=1)
        ),
        PasswordChanged(**PERSON, changed_at=NOW, by_reset=True),
        FactorAdded(**PERSON, factor="totp", added_at=NOW),
        StaffInvited(
            **PERSON,
            role="officer",
            organisation_name=None,
            invited_by="Alex Admin",
            link=f"{PORTAL}/invitation?token=def",
            expires_at=NOW + timedelta(days=7),
        ),
        AccountDeactivated(user_id="6f1c2a", reason="restricted", until=NOW + timedelta(days=30)),
        AccountReactivated(user_id="6f1c2a", reason="restriction_lifted"),
        SessionEnded(
            user_id="6f1c2a",
            session_id="3b9d0e5c",
            reason="signed_out",
            ended_at=NOW,
            tokens_expire_by=NOW + timedelta(minutes=10, seconds=30),
        ),
        CaseCreated(**{**CASE, "status": "draft"}),
        CaseSubmitted(**{**CASE, "status": "submitted"}, submitted_at=NOW),
        CaseAccepted(**{**CASE, "kind": "homelessness", "status": "approach"}),
        CaseAssigned(**CASE, owner_id="7e2d3b", previous_owner_id=None),
        CaseStatusChanged(**CASE, previous_status="assessed", action="set_live", reason=None),
        CaseDetailsChanged(**CASE, parts=["contact"]),
        CaseSuspended(**{**CASE, "status": "suspended"}),
        CaseReinstated(**CASE),
        CaseClosed(**{**CASE, "status": "closed"}, closed_at=NOW, reason="Rehoused"),
        CircumstancesSubmitted(**{**CASE, "status": "suspended"}, change_id="c0ffee"),
        CircumstancesVerified(**CASE, change_id="c0ffee"),
        CircumstancesRejected(**CASE, change_id="c0ffee", reason="No evidence of the new job"),
        DraftExpiring(
            **{**CASE, "status": "draft"},
            email="sam.jones@example.org",
            removal_on=NOW.date() + timedelta(days=2),
            link="https://portal.example/watford/applications/9a8b7c6d5e4f/tasks",
            language="cy",
        ),
        DraftRemoved(**{**CASE, "status": "draft"}),
        TaskAssigned(**TASK, set_by="7e2d3b"),
        TaskCompleted(**TASK, completed_by="6f1c2a"),
        TaskUnableToComplete(**TASK, told_by="6f1c2a"),
        TaskReopened(**TASK, reopened_by="7e2d3b"),
        MessageSent(**MESSAGE, recipient_ids=["6f1c2a"], recipient="applicant"),
        MessageReplied(**MESSAGE, recipient_ids=["7e2d3b"], reply_id="r3p1y"),
        DocumentUploaded(
            **DOCUMENT,
            source="upload",
            size=120_000,
            content_type="application/pdf",
            uploaded_by="u-123",
        ),
        DocumentVerified(**DOCUMENT),
        DocumentRejected(**DOCUMENT, reason="The photo is too blurry to read"),
        DocumentWithdrawn(**DOCUMENT),
        RequestCreated(**REQUEST, due_on=NOW.date(), requested_by="officer-1"),
        RequestFulfilled(**REQUEST, document_id="d0c"),
        AppointmentBooked(**APPOINTMENT),
        AppointmentChanged(**APPOINTMENT, previous_starts_at=NOW + timedelta(days=1)),
        AppointmentCancelled(**APPOINTMENT),
        LetterIssued(
            **MEETING_CASE,
            letter_id="1e77e4",
            template="decision",
            created_by="officer-1",
            document_id="d0c",
        ),
        LetterAcknowledged(**MEETING_CASE, letter_id="1e77e4", acknowledged_at=NOW),
        PlanIssued(
            **PLAN,
            issued_by="officer-1",
            issued_at=NOW,
            actions_total=3,
            applicant_actions=2,
        ),
        PlanActionAssigned(
            **PLAN,
            action_id="ac710",
            category="financial",
            required=True,
            target_date=NOW.date() + timedelta(days=14),
            review_date=NOW.date() + timedelta(days=28),
        ),
        PlanActionChanged(
            **PLAN,
            action_id="ac710",
            category="financial",
            required=True,
            target_date=NOW.date() + timedelta(days=21),
            review_date=NOW.date() + timedelta(days=35),
            reopened=False,
        ),
        PlanActionEnded(**PLAN, action_id="ac710", how="complete"),
        PlanAgreed(**PLAN),
        PlanDisagreed(**PLAN),
        PlanSubmittedForReview(**PLAN, submitted_at=NOW),
        SurveyRequested(
            case_id="c0ffee",
            reference="1042",
            kind="homelessness",
            applicant_id="u-applicant",
            language="cy",
            email="resident@example.org",
        ),
    ]
    return {type(example): example for example in examples}
