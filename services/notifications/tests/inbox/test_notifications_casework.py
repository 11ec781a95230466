"""People hear of tasks, messages, appointments, letters, plans and documents on their cases:
the right people, in their language, with a link to the thing, and nobody else."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from tests.support.cases import REFERRAL, Caller, CasesApi
from tests.support.metrics import counted
from tests.support.polling import eventually
from tests.support.tasks_and_messages import send_message, set_task, task_change

from contracts.envelope import Envelope
from contracts.events.cases import CaseAssigned, CaseSubmitted, DraftRemoved
from contracts.events.casework_meetings import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentChanged,
    LetterIssued,
)
from contracts.events.casework_plans import (
    PlanActionAssigned,
    PlanDisagreed,
    PlanIssued,
    PlanSubmittedForReview,
)
from contracts.events.casework_tasks import (
    MessageReplied,
    MessageSent,
    TaskAssigned,
    TaskReopened,
    TaskUnableToComplete,
)
from contracts.events.documents import (
    DocumentRejected,
    DocumentUploaded,
    DocumentVerified,
    RequestCreated,
)
from contracts.events.notifications import SurveyRequested
from contracts.payload import EventPayload
from kit.mongo import Mongo
from notifications.emails.models import DELIVERIES
from notifications.inbox.activity import NOTICE_KINDS, notices_for
from notifications.inbox.consumers import known_case, notice_email
from notifications.inbox.documents import CASE_COPIES, document_notices
from notifications.inbox.models import NOTIFICATIONS
from notifications.inbox.repository import Told as StoredNotice
from notifications.reminders.notices import REMINDER_KINDS
from portalstack.endpoints import Stack

Publish = Callable[..., Awaitable[Envelope]]
ReadMail = Callable[..., Awaitable[list[dict[str, Any]]]]
Json = dict[str, Any]

API = "/watford/api/notifications"
# What a task's title or a message's subject might say: never shown in a notice.
SECRET = "Eviction notice from Mr Smith"
REFERENCE = "6060"


@dataclass(frozen=True)
class People:
    """The people of one case, and some who have nothing to do with it."""

    applicant: Caller
    owner: Caller
    other_officer: Caller
    landlord: Caller
    stranger: Caller

    def everyone(self) -> list[Caller]:
        return [self.applicant, self.owner, self.other_officer, self.landlord, self.stranger]


async def people(cases_api: CasesApi) -> People:
    return People(
        applicant=await cases_api.person("applicant"),
        owner=await cases_api.person("officer"),
        other_officer=await cases_api.person("officer"),
        landlord=await cases_api.person("landlord_user"),
        stranger=await cases_api.person("applicant"),
    )


def on_case(case_id: str, who: People, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "reference": REFERENCE,
        "applicant_id": who.applicant.user_id,
        "owner_id": who.owner.user_id,
        "language": "cy",
        **extra,
    }


def task(case_id: str, who: People, *, landlord: bool = False) -> dict[str, Any]:
    assignee = who.landlord if landlord else who.applicant
    return on_case(
        case_id,
        who,
        task_id="task-1",
        title=SECRET,
        assignee_id=assignee.user_id,
        assignee="landlord" if landlord else "applicant",
        target_date=date(2027, 1, 31),
    )


def message(case_id: str, who: People, **extra: Any) -> dict[str, Any]:
    return on_case(case_id, who, message_id="message-1", subject=SECRET, **extra)


def meeting(case_id: str, who: People) -> dict[str, Any]:
    starts = datetime(2027, 1, 5, 10, tzinfo=UTC)
    return {
        "case_id": case_id,
        "reference": REFERENCE,
        "person_id": who.applicant.user_id,
        "language": "cy",
        "appointment_id": "appointment-1",
        "officer_id": who.owner.user_id,
        "appointment_type": "interview",
        "how": "phone",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "sequence": 0,
    }


def letter(case_id: str, who: People) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "reference": REFERENCE,
        "person_id": who.applicant.user_id,
        "language": "cy",
        "letter_id": "letter-1",
        "template": "decision",
        "created_by": who.owner.user_id,
        "document_id": "document-1",
    }


def plan(case_id: str, who: People) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "reference": REFERENCE,
        "person_id": who.applicant.user_id,
        "owner_id": who.owner.user_id,
        "language": "cy",
        "plan_id": "plan-1",
        "issue_number": 1,
    }


@dataclass(frozen=True)
class Told:
    """One event, who does it, and the notice it leads to."""

    name: str
    event: Callable[[str, People], EventPayload]
    actor: Callable[[People], Caller]
    told: Callable[[People], Caller]
    kind: str
    english: str
    welsh: str
    # The link's path after the authority, with {case} for the case's id.
    link: str
    # Whether the person told reads Welsh (applicants who chose it) or English (staff).
    in_welsh: bool = True


def _applicant(who: People) -> Caller:
    return who.applicant


def _owner(who: People) -> Caller:
    return who.owner


def _landlord(who: People) -> Caller:
    return who.landlord


def _other_officer(who: People) -> Caller:
    return who.other_officer


CASEWORK: list[Told] = [
    Told(
        "task set for the applicant",
        lambda case, who: TaskAssigned(**task(case, who), set_by=who.owner.user_id),
        _owner,
        _applicant,
        "task_assigned",
        f"You have a new task on case {REFERENCE}",
        f"Mae gennych dasg newydd ar achos {REFERENCE}",
        "tasks",
    ),
    Told(
        "task set for a landlord's user",
        lambda case, who: TaskAssigned(**task(case, who, landlord=True), set_by=who.owner.user_id),
        _owner,
        _landlord,
        "task_assigned",
        f"You have a new task on case {REFERENCE}",
        f"Mae gennych dasg newydd ar achos {REFERENCE}",
        "tasks",
        in_welsh=False,
    ),
    Told(
        "task set again",
        lambda case, who: TaskReopened(**task(case, who), reopened_by=who.owner.user_id),
        _owner,
        _applicant,
        "task_reopened",
        f"A task on case {REFERENCE} has been set for you again",
        f"Mae tasg ar achos {REFERENCE} wedi'i gosod i chi eto",
        "tasks",
    ),
    Told(
        "applicant cannot complete a task",
        lambda case, who: TaskUnableToComplete(**task(case, who), told_by=who.applicant.user_id),
        _applicant,
        _owner,
        "task_unable_to_complete",
        f"A task on case {REFERENCE} could not be completed and needs your review",
        f"Ni ellid cwblhau tasg ar achos {REFERENCE} ac mae angen i chi ei hadolygu",
        "caseload/{case}/tasks/task-1/review",
        in_welsh=False,
    ),
    Told(
        "message to the applicant",
        lambda case, who: MessageSent(
            **message(
                case,
                who,
                sender_id=who.owner.user_id,
                recipient_ids=[who.applicant.user_id],
                recipient="applicant",
            )
        ),
        _owner,
        _applicant,
        "message_received",
        f"You have a new message on case {REFERENCE}",
        f"Mae gennych neges newydd ar achos {REFERENCE}",
        "messages/{case}/message-1",
    ),
    Told(
        "message to a landlord's user",
        lambda case, who: MessageSent(
            **message(
                case,
                who,
                sender_id=who.other_officer.user_id,
                recipient_ids=[who.landlord.user_id],
                recipient="landlord",
            )
        ),
        _other_officer,
        _landlord,
        "message_received",
        f"You have a new message on case {REFERENCE}",
        f"Mae gennych neges newydd ar achos {REFERENCE}",
        "messages/{case}/message-1",
        in_welsh=False,
    ),
    Told(
        # The message was sent by another officer: of the officers only the owner hears.
        "applicant replies",
        lambda case, who: MessageReplied(
            **message(
                case,
                who,
                sender_id=who.applicant.user_id,
                recipient_ids=[who.other_officer.user_id, who.owner.user_id],
            ),
            reply_id="reply-1",
        ),
        _applicant,
        _owner,
        "reply_received",
        f"There is a new reply to a message on case {REFERENCE}",
        f"Mae ateb newydd i neges ar achos {REFERENCE}",
        "caseload/{case}/messages/message-1",
        in_welsh=False,
    ),
    Told(
        "officer replies to the applicant",
        lambda case, who: MessageReplied(
            **message(
                case, who, sender_id=who.owner.user_id, recipient_ids=[who.applicant.user_id]
            ),
            reply_id="reply-1",
        ),
        _owner,
        _applicant,
        "reply_received",
        f"There is a new reply to a message on case {REFERENCE}",
        f"Mae ateb newydd i neges ar achos {REFERENCE}",
        "messages/{case}/message-1",
    ),
    Told(
        "appointment booked",
        lambda case, who: AppointmentBooked(**meeting(case, who)),
        _owner,
        _applicant,
        "appointment_booked",
        f"An appointment has been booked for you on case {REFERENCE}",
        f"Mae apwyntiad wedi'i drefnu i chi ar achos {REFERENCE}",
        "appointments",
    ),
    Told(
        "appointment moved",
        lambda case, who: AppointmentChanged(
            **meeting(case, who), previous_starts_at=datetime(2027, 1, 4, 9, tzinfo=UTC)
        ),
        _owner,
        _applicant,
        "appointment_changed",
        f"Your appointment on case {REFERENCE} has changed",
        f"Mae eich apwyntiad ar achos {REFERENCE} wedi newid",
        "appointments",
    ),
    Told(
        "appointment cancelled",
        lambda case, who: AppointmentCancelled(**meeting(case, who)),
        _owner,
        _applicant,
        "appointment_cancelled",
        f"Your appointment on case {REFERENCE} has been cancelled",
        f"Mae eich apwyntiad ar achos {REFERENCE} wedi'i ganslo",
        "appointments",
    ),
    Told(
        "letter issued",
        lambda case, who: LetterIssued(**letter(case, who)),
        _owner,
        _applicant,
        "letter_issued",
        f"You have a new letter on case {REFERENCE}",
        f"Mae gennych lythyr newydd ar achos {REFERENCE}",
        "letters",
    ),
    Told(
        "plan issued",
        lambda case, who: PlanIssued(
            **plan(case, who),
            issued_by=who.owner.user_id,
            issued_at=datetime.now(UTC),
            actions_total=3,
            applicant_actions=2,
        ),
        _owner,
        _applicant,
        "plan_issued",
        f"Your Personal Housing Plan on case {REFERENCE} has been issued",
        f"Mae eich Cynllun Tai Personol ar achos {REFERENCE} wedi'i gyhoeddi",
        "plans/{case}",
    ),
    Told(
        "plan gives the applicant an action",
        lambda case, who: PlanActionAssigned(
            **plan(case, who),
            action_id="action-1",
            category="financial",
            required=True,
            target_date=date(2027, 2, 1),
            review_date=date(2027, 2, 8),
        ),
        _owner,
        _applicant,
        "plan_action_assigned",
        f"Your Personal Housing Plan on case {REFERENCE} gives you a new action",
        f"Mae eich Cynllun Tai Personol ar achos {REFERENCE} yn rhoi cam gweithredu newydd i chi",
        "plans/{case}/actions/action-1",
    ),
    Told(
        "applicant disagrees with the plan",
        lambda case, who: PlanDisagreed(**plan(case, who)),
        _applicant,
        _owner,
        "plan_disagreed",
        f"The applicant on case {REFERENCE} does not agree to their Personal Housing Plan",
        f"Nid yw'r ymgeisydd ar achos {REFERENCE} yn cytuno â'i Gynllun Tai Personol",
        "caseload/{case}/plan",
        in_welsh=False,
    ),
    Told(
        "applicant asks for the plan to be reviewed",
        lambda case, who: PlanSubmittedForReview(**plan(case, who), submitted_at=datetime.now(UTC)),
        _applicant,
        _owner,
        "plan_submitted_for_review",
        f"The applicant on case {REFERENCE} has asked for their Personal Housing Plan "
        "to be reviewed",
        f"Mae'r ymgeisydd ar achos {REFERENCE} wedi gofyn i'w Gynllun Tai Personol gael ei adolygu",
        "caseload/{case}/plan",
        in_welsh=False,
    ),
    Told(
        "survey asked of the applicant",
        lambda case, who: SurveyRequested(
            case_id=case,
            reference=REFERENCE,
            kind="homelessness",
            applicant_id=who.applicant.user_id,
            language="cy",
        ),
        _owner,
        _applicant,
        "survey_requested",
        "You have a new customer satisfaction survey to complete",
        "Mae gennych arolwg boddhad cwsmeriaid newydd i\u2019w lenwi",
        "surveys/{case}",
    ),
]

# Events whose own doer would otherwise be told: nobody hears of what they did themselves.
THEIR_OWN_ACTS: list[
    tuple[str, Callable[[str, People], EventPayload], Callable[[People], Caller]]
] = [
    (
        "owner marked a task as not possible",
        lambda case, who: TaskUnableToComplete(**task(case, who), told_by=who.owner.user_id),
        _owner,
    ),
    (
        "owner replied to their own message",
        lambda case, who: MessageReplied(
            **message(case, who, sender_id=who.owner.user_id, recipient_ids=[who.owner.user_id]),
            reply_id="reply-1",
        ),
        _owner,
    ),
    (
        "owner disagreed on the applicant's behalf",
        lambda case, who: PlanDisagreed(**plan(case, who)),
        _owner,
    ),
    (
        "applicant cancelled their own appointment",
        lambda case, who: AppointmentCancelled(**meeting(case, who)),
        _applicant,
    ),
]


def submitted(case_id: str, who: People, *, kind: str = "homelessness") -> CaseSubmitted:
    """The case event that tells this service the case's people."""
    return CaseSubmitted.model_validate(
        {
            "case_id": case_id,
            "reference": REFERENCE,
            "kind": kind,
            "status": "pending",
            "applicant_id": who.applicant.user_id,
            "owner_id": who.owner.user_id,
            "language": "cy",
            "submitted_at": datetime.now(UTC),
        }
    )


def document(case_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "document_id": "document-1",
        "case_id": case_id,
        "classification": "proof_of_income",
        "sensitive": False,
        "request_id": "request-1",
        **extra,
    }


def uploaded(case_id: str, by: Caller) -> DocumentUploaded:
    return DocumentUploaded(
        **document(case_id),
        source="upload",
        size=1024,
        content_type="application/pdf",
        uploaded_by=by.user_id,
    )


DOCUMENTS: list[Told] = [
    Told(
        "document asked for",
        lambda case, who: RequestCreated(
            request_id="request-1",
            case_id=case,
            classification="proof_of_income",
            requested_by=who.owner.user_id,
        ),
        _owner,
        _applicant,
        "document_requested",
        f"We have asked you for a document on case {REFERENCE}",
        f"Rydym wedi gofyn i chi am ddogfen ar achos {REFERENCE}",
        "applications/{case}/documents",
    ),
    Told(
        "document verified",
        lambda case, who: DocumentVerified(**document(case)),
        _other_officer,
        _applicant,
        "document_verified",
        f"A document on case {REFERENCE} has been verified",
        f"Mae dogfen ar achos {REFERENCE} wedi'i dilysu",
        "applications/{case}/documents",
    ),
    Told(
        "document rejected",
        lambda case, who: DocumentRejected(**document(case), reason=SECRET),
        _owner,
        _applicant,
        "document_rejected",
        f"A document on case {REFERENCE} was not accepted: please send another",
        f"Ni dderbyniwyd dogfen ar achos {REFERENCE}: anfonwch un arall",
        "applications/{case}/documents",
    ),
    Told(
        "applicant uploads a document",
        lambda case, who: uploaded(case, who.applicant),
        _applicant,
        _owner,
        "document_uploaded",
        f"A document has been uploaded on case {REFERENCE}",
        f"Mae dogfen wedi'i huwchlwytho ar achos {REFERENCE}",
        "caseload/{case}/documents",
        in_welsh=False,
    ),
]


def fake_people() -> People:
    def caller(user_id: str) -> Caller:
        return Caller(user_id=user_id, authority="watford", token="")

    return People(
        applicant=caller("applicant-1"),
        owner=caller("owner-1"),
        other_officer=caller("officer-2"),
        landlord=caller("landlord-1"),
        stranger=caller("stranger-1"),
    )


class TestWhoIsTold:
    """The rules, event by event, without the broker."""

    @pytest.mark.parametrize("told", CASEWORK, ids=[told.name for told in CASEWORK])
    def test_the_rule(self, told: Told) -> None:
        who = fake_people()
        payload = told.event("case-1", who)
        envelope = Envelope.for_event(payload, authority="watford", actor=told.actor(who).user_id)
        [notice] = notices_for(envelope, payload)
        assert notice.kind == told.kind
        assert notice.user_id == told.told(who).user_id
        assert notice.activity == (told.welsh if told.in_welsh else told.english)
        assert notice.activities == {"en": told.english, "cy": told.welsh}
        assert notice.link == "/watford/" + told.link.format(case="case-1")
        assert notice.case_id == "case-1"
        assert SECRET not in notice.activity
        # No address travels with these events: they are told in the portal only.
        assert notice_email(notice, portal_url="https://portal.example") is None

    @pytest.mark.parametrize(
        ("event", "actor"),
        [(event, actor) for _, event, actor in THEIR_OWN_ACTS],
        ids=[name for name, *_ in THEIR_OWN_ACTS],
    )
    def test_nobody_hears_of_their_own_act(
        self, event: Callable[[str, People], EventPayload], actor: Callable[[People], Caller]
    ) -> None:
        who = fake_people()
        payload = event("case-1", who)
        envelope = Envelope.for_event(payload, authority="watford", actor=actor(who).user_id)
        assert notices_for(envelope, payload) == []

    @pytest.mark.parametrize("told", DOCUMENTS, ids=[told.name for told in DOCUMENTS])
    def test_the_document_rule(self, told: Told) -> None:
        who = fake_people()
        payload = told.event("case-1", who)
        envelope = Envelope.for_event(payload, authority="watford", actor=told.actor(who).user_id)
        [notice] = document_notices(envelope, payload, known_case(submitted("case-1", who)))
        assert (notice.kind, notice.user_id) == (told.kind, told.told(who).user_id)
        assert notice.activity == (told.welsh if told.in_welsh else told.english)
        assert notice.activities == {"en": told.english, "cy": told.welsh}
        assert notice.link == "/watford/" + told.link.format(case="case-1")
        assert SECRET not in notice.activity

    def test_only_what_the_applicant_uploads_tells_the_owner(self) -> None:
        who = fake_people()
        case = known_case(submitted("case-1", who))
        for by in (who.owner, who.other_officer):
            payload = uploaded("case-1", by)
            envelope = Envelope.for_event(payload, authority="watford", actor=by.user_id)
            assert document_notices(envelope, payload, case) == []

    def test_a_complaints_documents_are_in_complaints(self) -> None:
        who = fake_people()
        case = known_case(submitted("case-1", who, kind="complaint"))
        payload = uploaded("case-1", who.applicant)
        envelope = Envelope.for_event(payload, authority="watford", actor=who.applicant.user_id)
        [notice] = document_notices(envelope, payload, case)
        assert notice.link == "/watford/complaints/case-1/documents"

    def test_officers_only_on_cases_they_own(self) -> None:
        who = fake_people()
        payload = PlanDisagreed(**{**plan("case-1", who), "owner_id": None})
        envelope = Envelope.for_event(payload, authority="watford", actor=who.applicant.user_id)
        assert notices_for(envelope, payload) == []

    def test_every_kind_is_told_by_some_rule(self) -> None:
        told = {told.kind for told in CASEWORK} | {told.kind for told in DOCUMENTS}
        told |= set(REMINDER_KINDS)
        casework_kinds = set(NOTICE_KINDS[NOTICE_KINDS.index("task_assigned") :])
        assert told == casework_kinds


async def notices(gateway: httpx.AsyncClient, caller: Caller, **params: str) -> list[Json]:
    response = await gateway.get(f"{API}/notifications", headers=caller.headers, params=params)
    assert response.status_code == 200, response.text
    items: list[Json] = response.json()["items"]
    return items


async def notice_of(gateway: httpx.AsyncClient, caller: Caller, kind: str) -> Json:
    async def arrived() -> Json | None:
        return next((item for item in await notices(gateway, caller) if item["kind"] == kind), None)

    found: Json = await eventually(arrived, within=20, what=f"a {kind} notice")
    return found


async def handled_count(stack: Stack, event_type: str) -> float:
    """How many events of a type the running service's notices consumer has handled, new or
    copies. Another test's late copies could only end a wait early, never make a wrong
    answer pass."""
    return await counted(
        stack.service_urls["notifications"],
        "portal_events_consumed_total",
        consumer="notifications.notices",
        type=event_type,
    )


async def publish_twice(
    publish: Publish, stack: Stack, payload: EventPayload, *, actor: str
) -> Envelope:
    """Deliver the event twice, as a broker may, and wait until both copies are handled."""
    before = await handled_count(stack, payload.event_type)
    envelope = await publish(payload, actor=actor)
    await publish(payload, envelope=envelope)

    async def both_handled() -> bool:
        return await handled_count(stack, payload.event_type) >= before + 2

    await eventually(both_handled, within=20, what=f"both copies of {payload.event_type}")
    return envelope


async def check_told(
    told: Told,
    who: People,
    envelope: Envelope,
    case_id: str,
    gateway: httpx.AsyncClient,
    service_mongo: Mongo,
) -> None:
    """The right person has the notice, once, in the language of the page they read, and
    nobody else has one of that event."""
    person = told.told(who)
    notice = await notice_of(gateway, person, told.kind)
    assert notice["activity"] == (told.welsh if told.in_welsh else told.english)
    assert notice["language"] == ("cy" if told.in_welsh else "en")
    assert notice["link"] == "/watford/" + told.link.format(case=case_id)
    assert notice["case_id"] == case_id
    assert notice["seen_at"] is None
    assert notice["created_at"]
    # One event's notices are written together: once one is in, all of them are.
    stored = await service_mongo.db[NOTIFICATIONS].count_documents({"event_id": str(envelope.id)})
    assert stored == 1
    for other in who.everyone():
        if other is not person:
            assert told.kind not in [item["kind"] for item in await notices(gateway, other)]
    # Read in the language of the page, whatever the language it was told in.
    for language, text in (("en", told.english), ("cy", told.welsh)):
        [shown] = [
            item
            for item in await notices(gateway, person, language=language)
            if item["id"] == notice["id"]
        ]
        assert shown == notice | {"activity": text, "language": language}

    seen = await gateway.post(
        f"{API}/notifications/{notice['id']}/seen",
        headers=person.headers,
        params={"language": "cy"},
    )
    assert seen.status_code == 200, seen.text
    assert seen.json()["seen_at"] is not None
    assert seen.json()["activity"] == told.welsh


class TestOverTheBroker:
    """Each event, published as its service publishes it, reaches the running service."""

    @pytest.mark.parametrize("told", CASEWORK, ids=[told.name for told in CASEWORK])
    async def test_the_right_person_is_told(
        self,
        told: Told,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        payload = told.event(case_id, who)
        envelope = await publish_twice(publish, stack, payload, actor=told.actor(who).user_id)
        await check_told(told, who, envelope, case_id, gateway, service_mongo)

    @pytest.mark.parametrize("told", DOCUMENTS, ids=[told.name for told in DOCUMENTS])
    async def test_documents_tell_the_cases_people(
        self,
        told: Told,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        # The case's people are known from its own events first.
        await publish(submitted(case_id, who), actor=who.applicant.user_id)
        await notice_of(gateway, who.applicant, "application_received")
        payload = told.event(case_id, who)
        envelope = await publish_twice(publish, stack, payload, actor=told.actor(who).user_id)
        await check_told(told, who, envelope, case_id, gateway, service_mongo)

    async def test_a_new_owner_is_told_not_the_old(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        await publish(submitted(case_id, who), actor=who.applicant.user_id)
        await notice_of(gateway, who.applicant, "application_received")
        reassigned = CaseAssigned.model_validate(
            {
                **submitted(case_id, who).model_dump(exclude={"submitted_at"}),
                "status": "approach",
                "owner_id": who.other_officer.user_id,
            }
        )
        await publish(reassigned, actor="manager-1")
        await notice_of(gateway, who.other_officer, "case_assigned")
        await publish_twice(
            publish, stack, uploaded(case_id, who.applicant), actor=who.applicant.user_id
        )
        await notice_of(gateway, who.other_officer, "document_uploaded")
        assert "document_uploaded" not in [i["kind"] for i in await notices(gateway, who.owner)]

    async def test_an_older_case_event_does_not_undo_a_newer(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        now = datetime.now(UTC)
        reassigned = CaseAssigned.model_validate(
            {
                **submitted(case_id, who).model_dump(exclude={"submitted_at"}),
                "status": "approach",
                "owner_id": who.other_officer.user_id,
            }
        )
        await publish(
            reassigned,
            envelope=Envelope.for_event(
                reassigned, authority="watford", actor="manager-1", occurred_at=now
            ),
        )
        await notice_of(gateway, who.other_officer, "case_assigned")
        # The submission, an hour older, arrives late and names the first owner.
        late = submitted(case_id, who)
        await publish(
            late,
            envelope=Envelope.for_event(
                late,
                authority="watford",
                actor=who.applicant.user_id,
                occurred_at=now - timedelta(hours=1),
            ),
        )
        await notice_of(gateway, who.applicant, "application_received")
        await publish_twice(
            publish, stack, uploaded(case_id, who.applicant), actor=who.applicant.user_id
        )
        await notice_of(gateway, who.other_officer, "document_uploaded")
        assert "document_uploaded" not in [i["kind"] for i in await notices(gateway, who.owner)]

    async def test_a_case_not_heard_of_tells_nobody(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        envelope = await publish_twice(
            publish,
            stack,
            DocumentVerified(**document(uuid.uuid4().hex)),
            actor=who.owner.user_id,
        )
        assert (
            await service_mongo.db[NOTIFICATIONS].count_documents({"event_id": str(envelope.id)})
            == 0
        )

    @pytest.mark.parametrize(
        ("event", "actor"),
        [(event, actor) for _, event, actor in THEIR_OWN_ACTS],
        ids=[name for name, *_ in THEIR_OWN_ACTS],
    )
    async def test_nobody_hears_of_their_own_act(
        self,
        event: Callable[[str, People], EventPayload],
        actor: Callable[[People], Caller],
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        envelope = await publish_twice(
            publish, stack, event(uuid.uuid4().hex, who), actor=actor(who).user_id
        )
        assert (
            await service_mongo.db[NOTIFICATIONS].count_documents({"event_id": str(envelope.id)})
            == 0
        )
        for person in who.everyone():
            assert await notices(gateway, person) == []

    async def test_a_removed_case_is_forgotten(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        first = await publish(submitted(case_id, who), actor=who.applicant.user_id)
        await notice_of(gateway, who.applicant, "application_received")
        copy = {"_id": f"watford:{case_id}"}
        assert await service_mongo.db[CASE_COPIES].count_documents(copy) == 1
        await publish(
            DraftRemoved(
                case_id=case_id,
                reference=REFERENCE,
                kind="homelessness",
                status="draft",
                applicant_id=who.applicant.user_id,
            )
        )

        async def tombstone() -> dict[str, Any] | None:
            found = await service_mongo.db[CASE_COPIES].find_one(copy)
            return found if found is not None and found.get("removed") else None

        async def forgotten() -> dict[str, Any] | None:
            return await tombstone() if not await notices(gateway, who.applicant) else None

        # Only a tombstone is left: nothing of the case's people, and none of its notices.
        left = await eventually(forgotten, within=20, what="the removed case forgotten")
        assert set(left) == {"_id", "authority", "case_id", "removed", "at"}

        # The submission delivered again, and an event of the case arriving late, tell
        # nobody and bring no copy back.
        before = await handled_count(stack, CaseSubmitted.event_type)
        await publish(submitted(case_id, who), envelope=first)
        await publish(submitted(case_id, who), actor=who.applicant.user_id)

        async def both_handled() -> bool:
            return await handled_count(stack, CaseSubmitted.event_type) >= before + 2

        await eventually(both_handled, within=20, what="both late submissions handled")
        assert await notices(gateway, who.applicant) == []
        assert await service_mongo.db[NOTIFICATIONS].count_documents({"case_id": case_id}) == 0
        assert await tombstone() == left


class TestARealCase:
    """Tasks and messages made through the cases API reach the right people."""

    async def test_tasks_and_messages_between_applicant_and_owner(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        applicant = await cases_api.person("applicant")
        owner = await cases_api.person("officer")
        other_officer = await cases_api.person("officer")
        case = await cases_api.create(
            applicant,
            {"kind": "homelessness", "answers": REFERRAL, "submit": True, "language": "cy"},
        )
        case = await cases_api.act(owner, case, "accept")
        await cases_api.change("PUT", owner, case, "/owner", {"owner_id": owner.user_id})
        reference = case["reference"]

        task = await set_task(cases_api, owner, case, title=SECRET)
        notice = await notice_of(gateway, applicant, "task_assigned")
        assert notice["activity"] == f"Mae gennych dasg newydd ar achos {reference}"
        assert notice["link"] == "/watford/tasks"

        answer = await task_change(
            cases_api, applicant, task, "unable-to-complete", {"reason": "I am in hospital"}
        )
        assert answer.status_code == 200, answer.text
        notice = await notice_of(gateway, owner, "task_unable_to_complete")
        assert notice["activity"] == (
            f"A task on case {reference} could not be completed and needs your review"
        )
        assert notice["link"] == f"/watford/caseload/{case['id']}/tasks/{task['id']}/review"

        message = await send_message(cases_api, owner, case, subject=SECRET)
        notice = await notice_of(gateway, applicant, "message_received")
        assert notice["activity"] == f"Mae gennych neges newydd ar achos {reference}"
        assert notice["link"] == f"/watford/messages/{case['id']}/{message['id']}"

        answer = await cases_api.call(
            "POST",
            applicant,
            f"/cases/{case['id']}/messages/{message['id']}/replies",
            json={"body": "Sent it today."},
        )
        assert answer.status_code == 201, answer.text
        notice = await notice_of(gateway, owner, "reply_received")
        assert notice["link"] == f"/watford/caseload/{case['id']}/messages/{message['id']}"

        # Nobody hears of what they did themselves, and other officers hear nothing.
        assert {item["kind"] for item in await notices(gateway, owner)} == {
            "task_unable_to_complete",
            "reply_received",
        }
        assert "reply_received" not in [i["kind"] for i in await notices(gateway, applicant)]
        assert await notices(gateway, other_officer) == []


async def emailable_case(
    cases_api: CasesApi, publish: Publish, gateway: httpx.AsyncClient, *, language: str = "cy"
) -> tuple[People, str, str]:
    """A case heard of, whose applicant said they may be emailed at an address of its own:
    its people, its id and that address."""
    who = await people(cases_api)
    case_id = uuid.uuid4().hex
    to = f"applicant-{uuid.uuid4().hex[:12]}@example.org"
    await publish(
        submitted(case_id, who).model_copy(update={"email": to, "language": language}),
        actor=who.applicant.user_id,
    )
    await notice_of(gateway, who.applicant, "application_received")
    return who, case_id, to


class TestEmail:
    """An applicant who said they may be emailed hears of casework by email too, at the
    address the case's own events gave, with only what the notice says."""

    async def test_welsh_email_of_a_task(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who, case_id, to = await emailable_case(cases_api, publish, gateway)
        await publish_twice(
            publish,
            stack,
            TaskAssigned(**task(case_id, who), set_by=who.owner.user_id),
            actor=who.owner.user_id,
        )
        await notice_of(gateway, who.applicant, "task_assigned")
        envelope = await publish_twice(
            publish,
            stack,
            TaskUnableToComplete(**task(case_id, who), told_by=who.applicant.user_id),
            actor=who.applicant.user_id,
        )
        await notice_of(gateway, who.owner, "task_unable_to_complete")

        messages = await read_mail(to, count=2)
        [email] = [m for m in messages if "dasg" in m["subject"]]
        assert email["subject"] == "Watford Borough Council: Mae gennych dasg newydd"
        for body in (email["text"], email["html"]):
            assert f"Mae gennych dasg newydd ar achos {REFERENCE}." in body
            assert "Mewngofnodwch i weld beth i" in body
            assert "Gweld eich tasgau" in body
            assert "/watford/tasks" in body
            assert SECRET not in body
        # Officers are told in the portal only; the same event twice was emailed once.
        assert (
            await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)}) == 0
        )
        assert await service_mongo.db[DELIVERIES].count_documents({"to": to}) == 2

    async def test_a_notice_written_before_its_email_was_queued_still_gets_its_email(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        # The consumer writes the notices, then queues their emails, each write on its own:
        # one stopped between the two left the notice and no email. The event comes again.
        who, case_id, to = await emailable_case(cases_api, publish, gateway)
        payload = TaskAssigned(**task(case_id, who), set_by=who.owner.user_id)
        envelope = Envelope.for_event(payload, authority="watford", actor=who.owner.user_id)
        [notice] = notices_for(envelope, payload)
        written = StoredNotice(
            "watford", notice, str(envelope.id), envelope.type, datetime.now(UTC)
        )
        await service_mongo.db[NOTIFICATIONS].insert_one(written.record())

        before = await handled_count(stack, payload.event_type)
        await publish(payload, envelope=envelope)

        async def handled() -> bool:
            return await handled_count(stack, payload.event_type) >= before + 1

        await eventually(handled, within=20, what="the event handled again")
        [email] = [m for m in await read_mail(to, count=2) if "dasg" in m["subject"]]
        assert "/watford/tasks" in email["text"]
        assert (
            await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)}) == 1
        )
        assert (
            await service_mongo.db[NOTIFICATIONS].count_documents({"event_id": str(envelope.id)})
            == 1
        )

    @pytest.mark.parametrize(
        ("language", "subjects", "buttons"),
        [
            (
                "en",
                [
                    "You have a new message about your case",
                    "An appointment has been booked",
                    "A document has been asked for",
                    "You have a new letter",
                ],
                ["Read the message", "See your appointments", "See the documents asked for"],
            ),
            (
                "cy",
                [
                    "Mae gennych neges newydd am eich achos",
                    "Mae apwyntiad wedi'i drefnu",
                    "Gofynnwyd am ddogfen",
                    "Mae gennych lythyr newydd",
                ],
                ["Darllen y neges", "Gweld eich apwyntiadau", "Gweld y dogfennau y gofynnwyd"],
            ),
        ],
    )
    async def test_each_kind_is_emailed_with_its_own_words(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        language: str,
        subjects: list[str],
        buttons: list[str],
    ) -> None:
        who, case_id, to = await emailable_case(cases_api, publish, gateway, language=language)
        sent = MessageSent(
            **message(
                case_id,
                who,
                sender_id=who.owner.user_id,
                recipient_ids=[who.applicant.user_id],
                recipient="applicant",
            )
        )
        for payload in (
            sent,
            AppointmentBooked(**meeting(case_id, who)),
            RequestCreated(
                request_id="request-1",
                case_id=case_id,
                classification="proof_of_income",
                requested_by=who.owner.user_id,
            ),
            LetterIssued(**letter(case_id, who)),
        ):
            language_of = {"language": language} if "language" in type(payload).model_fields else {}
            await publish(payload.model_copy(update=language_of), actor=who.owner.user_id)
        messages = await read_mail(to, count=5)
        got = [str(m["subject"]) for m in messages]
        # The receipt of the case, and one email of each kind with its own subject.
        assert len(set(got)) == 5
        for subject in subjects:
            assert f"Watford Borough Council: {subject}" in got
        bodies = " ".join(f"{m['text']} {m['html']}" for m in messages)
        for button in buttons:
            assert button in bodies
        # The thing's own words never go in an email.
        assert SECRET not in bodies
        assert "proof_of_income" not in bodies

    async def test_no_email_without_an_address_allowed(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
        stack: Stack,
    ) -> None:
        who = await people(cases_api)
        case_id = uuid.uuid4().hex
        await publish(submitted(case_id, who), actor=who.applicant.user_id)
        await notice_of(gateway, who.applicant, "application_received")
        envelope = await publish_twice(
            publish, stack, LetterIssued(**letter(case_id, who)), actor=who.owner.user_id
        )
        await notice_of(gateway, who.applicant, "letter_issued")
        assert (
            await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)}) == 0
        )
