"""Which event tells whom what, and the email each notice becomes, in English and Welsh."""

from datetime import UTC, datetime
from typing import Any

import pytest
from tests.support.factories import authority

from contracts.envelope import Envelope
from contracts.events.authority import Contact
from contracts.events.cases import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseDetailsChanged,
    CaseStatusChanged,
    CaseSubmitted,
    CircumstancesRejected,
    CircumstancesSubmitted,
    CircumstancesVerified,
)
from contracts.payload import EventPayload
from notifications.emails.rendering import EmailTemplates, authority_facts
from notifications.inbox.activity import NOTICE_KINDS, notices_for
from notifications.inbox.consumers import notice_email

APPLICANT = "applicant-1"
OFFICER = "officer-1"
SECRET = "Rent arrears of 1200 pounds"
EMAIL = "resident@example.org"


def case(**extra: Any) -> dict[str, Any]:
    """What every case event names."""
    return {
        "case_id": "case-1",
        "reference": "1234",
        "kind": "homelessness",
        "status": "approach",
        "applicant_id": APPLICANT,
        "owner_id": OFFICER,
        "email": EMAIL,
        **extra,
    }


def envelope(payload: EventPayload, *, actor: str | None) -> Envelope:
    """The event as the cases service publishes it at Watford."""
    return Envelope.for_event(payload, authority="watford", actor=actor)


# The event, who did it, and the kind and person it tells; None: nobody is told.
RULES: list[tuple[str, EventPayload, str | None, tuple[str, str] | None]] = [
    (
        "submitted",
        CaseSubmitted(**case(status="pending"), submitted_at=datetime.now(UTC)),
        APPLICANT,
        ("application_received", APPLICANT),
    ),
    ("accepted", CaseAccepted(**case()), OFFICER, ("application_accepted", APPLICANT)),
    (
        "stage started",
        CaseStatusChanged(**case(status="prevention"), previous_status="approach", action="x"),
        OFFICER,
        ("status_changed", APPLICANT),
    ),
    (
        "accept told by its own event",
        CaseStatusChanged(**case(), previous_status="pending", action="accept"),
        OFFICER,
        None,
    ),
    (
        "suspension told by the change of circumstances",
        CaseStatusChanged(**case(status="suspended"), previous_status="live", action="suspend"),
        APPLICANT,
        None,
    ),
    (
        "closing told by the closed event",
        CaseStatusChanged(**case(status="closed"), previous_status="approach", action="close"),
        OFFICER,
        None,
    ),
    (
        "closed by an officer",
        CaseClosed(**case(status="closed"), closed_at=datetime.now(UTC), reason=SECRET),
        OFFICER,
        ("case_closed", APPLICANT),
    ),
    (
        "withdrawn by the applicant",
        CaseClosed(**case(status="cancelled"), closed_at=datetime.now(UTC)),
        APPLICANT,
        ("case_withdrawn", OFFICER),
    ),
    (
        "details changed by the applicant",
        CaseDetailsChanged(**case(), parts=["contact"]),
        APPLICANT,
        ("details_changed", OFFICER),
    ),
    (
        "details changed by staff",
        CaseDetailsChanged(**case(), parts=["complaint"]),
        OFFICER,
        None,
    ),
    (
        "change verified",
        CircumstancesVerified(**case(status="live"), change_id="c1"),
        OFFICER,
        ("change_verified", APPLICANT),
    ),
    (
        "change rejected",
        CircumstancesRejected(**case(status="live"), change_id="c1", reason=SECRET),
        OFFICER,
        ("change_rejected", APPLICANT),
    ),
    (
        "change submitted",
        CircumstancesSubmitted(**case(status="suspended"), change_id="c1"),
        APPLICANT,
        ("change_submitted", OFFICER),
    ),
    (
        "change submitted on an unowned case",
        CircumstancesSubmitted(**case(status="suspended", owner_id=None), change_id="c1"),
        APPLICANT,
        None,
    ),
    ("assigned to another", CaseAssigned(**case()), "manager-1", ("case_assigned", OFFICER)),
    ("took it themselves", CaseAssigned(**case()), OFFICER, None),
]


class TestWhoIsTold:
    @pytest.mark.parametrize(
        ("payload", "actor", "told"),
        [(payload, actor, told) for _, payload, actor, told in RULES],
        ids=[name for name, *_ in RULES],
    )
    def test_the_rule(
        self, payload: EventPayload, actor: str | None, told: tuple[str, str] | None
    ) -> None:
        notices = notices_for(envelope(payload, actor=actor), payload)
        assert [(notice.kind, notice.user_id) for notice in notices] == ([told] if told else [])
        for notice in notices:
            assert SECRET not in notice.activity
            assert notice.case_id == "case-1"

    def test_staff_are_not_emailed_and_link_to_the_caseload(self) -> None:
        payload = CircumstancesSubmitted(**case(status="suspended"), change_id="c1")
        [notice] = notices_for(envelope(payload, actor=APPLICANT), payload)
        assert notice.audience == "staff"
        assert notice.link == "/watford/caseload/case-1"
        assert notice_email(notice, portal_url="https://portal.example") is None

    def test_staff_are_told_in_english_and_can_read_it_in_welsh(self) -> None:
        payload = CircumstancesSubmitted(**case(status="suspended", language="cy"), change_id="c1")
        [notice] = notices_for(envelope(payload, actor=APPLICANT), payload)
        assert (notice.language, notice.activity) == (
            "en",
            "The applicant on case 1234 has told us of a change of circumstances",
        )
        assert notice.activities == {
            "en": notice.activity,
            "cy": "Mae'r ymgeisydd ar achos 1234 wedi rhoi gwybod i ni am newid mewn amgylchiadau",
        }

    def test_an_applicant_is_told_in_their_language_and_can_read_it_in_the_other(self) -> None:
        payload = CaseAccepted(**case(language="cy"))
        [notice] = notices_for(envelope(payload, actor=OFFICER), payload)
        assert (notice.language, notice.activity) == (
            "cy",
            "Mae eich atgyfeiriad digartrefedd 1234 wedi'i derbyn",
        )
        assert notice.activities["en"] == "Your homelessness referral 1234 has been accepted"

    def test_no_email_without_an_address_the_applicant_allowed(self) -> None:
        payload = CaseAccepted(**case(email=None))
        [notice] = notices_for(envelope(payload, actor=OFFICER), payload)
        assert notice.link == "/watford/applications/case-1"
        assert notice_email(notice, portal_url="https://portal.example") is None


class TestEveryEmail:
    """Each kind an applicant is emailed about has its email in both languages, with the
    authority's details and the link, and nothing of the case."""

    @pytest.mark.parametrize("language", ["en", "cy"])
    @pytest.mark.parametrize(
        "payload",
        [payload for _, payload, _, told in RULES if told and told[1] == APPLICANT],
        ids=[told[0] for _, _, _, told in RULES if told and told[1] == APPLICANT],
    )
    def test_renders(self, payload: EventPayload, language: str) -> None:
        payload = payload.model_copy(update={"language": language})
        [notice] = notices_for(envelope(payload, actor=OFFICER), payload)
        email = notice_email(notice, portal_url="https://portal.example/")
        assert email is not None
        assert email.to == EMAIL
        assert email.case_id == "case-1"
        council = authority(
            "watford",
            name="Watford Borough Council",
            contact=Contact(email="housing@watford.example", phone="01923 226400"),
        )
        rendered = EmailTemplates().render(
            email.template,
            {**email.facts, "authority": authority_facts(council)},
            language=notice.language,
        )
        assert rendered.subject.startswith("Watford Borough Council: ")
        for body in (rendered.text, rendered.html):
            assert "https://portal.example/watford/applications/case-1" in body
            assert "housing@watford.example" in body
            assert "01923 226400" in body
            assert "1234" in body
            assert SECRET not in body
        if language == "cy":
            assert "atgyfeiriad digartrefedd" in rendered.text
            assert '<html lang="cy">' in rendered.html

    def test_every_kind_is_told_by_some_rule(self) -> None:
        told = {told[0] for _, _, _, told in RULES if told}
        # Casework and documents are told of in test_notifications_casework.
        assert told == set(NOTICE_KINDS[: NOTICE_KINDS.index("task_assigned")])
