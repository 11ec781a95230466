"""Emails say what the event carries, safely: escaped in HTML, as written in plain text."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.support.factories import authority

from contracts.envelope import Envelope
from contracts.events.authority import Branding, Contact
from contracts.events.identity import ConfirmationRequested, StaffInvited
from contracts.fields import LANGUAGES, Language
from kit.authorities import Authority
from notifications.emails.account import UnusableLink, account_email
from notifications.emails.casework import casework_wording
from notifications.emails.rendering import (
    CATALOGUES,
    EmailTemplates,
    RenderedEmail,
    authority_facts,
    duration,
    uk_time,
)
from notifications.inbox.notice import CASEWORK_KINDS, KIND_AUDIENCES, NOTICE_KINDS

AUTHORITY = authority("watford", name="Watford Borough Council").model_copy(
    update={
        "contact": Contact(
            email="housing@watford.gov.uk",
            phone="01923 226400",
            website="https://www.watford.gov.uk/housing",
        ),
        "branding": Branding(colour="#7a1f5c"),
    }
)


def render(payload: StaffInvited | ConfirmationRequested, authority: Authority) -> RenderedEmail:
    """Render an event's email as the consumer does."""
    envelope = Envelope.for_event(payload, authority="watford")
    email = account_email(envelope, payload)
    return EmailTemplates().render(
        email.template,
        {**email.facts, "authority": authority_facts(authority)},
        language=email.language,
    )


def invitation(**changes: object) -> StaffInvited:
    """A staff invitation, with some fields changed."""
    fields: dict[str, object] = {
        "user_id": "user-secret-id-77",
        "email": "new.officer@example.org",
        "first_name": "Zoë",
        "role": "landlord_admin",
        "organisation_name": "Harrison's Huts & Homes",
        "invited_by": "Chris <Harrison>",
        "link": "https://watford.portal.example/invite?token=T0k&x=<y>",
        "expires_at": datetime.now(UTC) + timedelta(days=7),
    }
    fields.update(changes)
    return StaffInvited.model_validate(fields)


class TestEscaping:
    """Text from an event cannot become markup in the HTML part, and stays intact in text."""

    def test_html_escapes_and_text_keeps_what_the_event_says(self) -> None:
        email = render(invitation(first_name="<script>alert(1)</script>"), AUTHORITY)
        assert "<script>" not in email.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
        assert "Chris &lt;Harrison&gt;" in email.html
        assert "Harrison&#39;s Huts &amp; Homes" in email.html
        assert (
            'href="https://watford.portal.example/invite?token=T0k&amp;x=&lt;y&gt;"' in email.html
        )
        assert "Hello <script>alert(1)</script>," in email.text
        assert "Chris <Harrison> has invited you" in email.text
        assert "for Harrison's Huts & Homes" in email.text
        assert "https://watford.portal.example/invite?token=T0k&x=<y>" in email.text
        assert "as a landlord administrator" in email.text

    def test_nothing_beyond_the_event_and_the_authority(self) -> None:
        email = render(invitation(), AUTHORITY)
        for body in (email.text, email.html):
            assert "user-secret-id-77" not in body
            assert "new.officer@example.org" not in body

    def test_a_link_that_is_not_a_web_address_is_refused(self) -> None:
        with pytest.raises(UnusableLink):
            render(invitation(link="javascript:alert(1)"), AUTHORITY)

    def test_an_authority_website_that_is_not_a_web_address_is_left_out(self) -> None:
        odd = AUTHORITY.model_copy(update={"contact": Contact(website="javascript:alert(1)")})
        email = render(invitation(), odd)
        assert "javascript:" not in email.html
        assert "Website:" not in email.text

    def test_the_subject_is_one_line(self) -> None:
        crafted = AUTHORITY.model_copy(update={"name": "Watford\r\nBcc: someone@example.org"})
        email = render(invitation(), crafted)
        assert "\n" not in email.subject
        assert "\r" not in email.subject
        assert email.subject.startswith("Watford Bcc: someone@example.org: ")


class TestLanguage:
    """An email is written in the language the person chose; English when they chose none."""

    def test_welsh(self) -> None:
        email = render(invitation(language="cy"), AUTHORITY)
        assert email.language == "cy"
        assert email.subject == (
            "Watford Borough Council: rydych wedi cael gwahoddiad i'r porth tai"
        )
        assert email.text.startswith("Helo Zoë,\n")
        assert "fel gweinyddwr landlord ar ran Harrison's Huts & Homes." in email.text
        assert "Mae'r ddolen yn gweithio am 7 diwrnod." in email.text
        assert '<html lang="cy">' in email.html
        assert "Derbyn y gwahoddiad" in email.html
        assert "invited" not in email.text

    def test_english_by_default(self) -> None:
        email = render(invitation(), AUTHORITY)
        assert email.language == "en"
        assert email.subject == (
            "Watford Borough Council: you have been invited to the housing portal"
        )
        assert email.text.startswith("Hello Zoë,\n")
        assert '<html lang="en-GB">' in email.html


class TestTimes:
    """Times are shown in UK time and spans in plain words."""

    @pytest.mark.parametrize(
        ("moment", "shown"),
        [
            (datetime(2026, 1, 12, 9, 0, tzinfo=UTC), "9am on 12 January 2026"),
            (datetime(2026, 7, 1, 14, 5, tzinfo=UTC), "3:05pm on 1 July 2026"),
            (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "12:30am on 29 March 2026"),
            (datetime(2026, 10, 25, 11, 0, tzinfo=UTC), "11am on 25 October 2026"),
            (datetime(2026, 6, 30, 23, 15, tzinfo=UTC), "12:15am on 1 July 2026"),
        ],
    )
    def test_uk_time(self, moment: datetime, shown: str) -> None:
        assert uk_time(moment, "en") == shown

    @pytest.mark.parametrize(
        ("moment", "shown"),
        [
            (datetime(2026, 1, 12, 9, 0, tzinfo=UTC), "9yb ar 12 Ionawr 2026"),
            (datetime(2026, 7, 1, 14, 5, tzinfo=UTC), "3:05yh ar 1 Gorffennaf 2026"),
        ],
    )
    def test_uk_time_in_welsh(self, moment: datetime, shown: str) -> None:
        assert uk_time(moment, "cy") == shown

    @pytest.mark.parametrize(
        ("span", "words"),
        [
            (timedelta(minutes=1), "1 minute"),
            (timedelta(minutes=10), "10 minutes"),
            (timedelta(minutes=9, seconds=59), "10 minutes"),
            (timedelta(hours=1), "60 minutes"),
            (timedelta(hours=2), "2 hours"),
            (timedelta(hours=24), "24 hours"),
            (timedelta(days=7), "7 days"),
            (timedelta(seconds=-5), "1 minute"),
        ],
    )
    def test_duration(self, span: timedelta, words: str) -> None:
        assert duration(span, "en") == words

    @pytest.mark.parametrize(
        ("span", "words"),
        [
            (timedelta(minutes=1), "1 munud"),
            (timedelta(minutes=10), "10 munud"),
            (timedelta(hours=24), "24 awr"),
            (timedelta(days=7), "7 diwrnod"),
        ],
    )
    def test_duration_in_welsh(self, span: timedelta, words: str) -> None:
        assert duration(span, "cy") == words

    def test_confirmation_link_lifetime_is_counted_from_the_event(self) -> None:
        occurred = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
        payload = ConfirmationRequested(
            user_id="user-1",
            email="a@example.org",
            first_name="Ann",
            link="https://watford.portal.example/confirm?token=x",
            expires_at=occurred + timedelta(hours=24),
        )
        envelope = Envelope.for_event(payload, authority="watford", occurred_at=occurred)
        email = account_email(envelope, payload)
        assert email.facts["expires_in"] == "24 hours"
        assert email.send_by == payload.expires_at


class TestCaseworkEmails:
    """Each kind of casework an applicant is emailed about has its own words, in both
    languages, from one table."""

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_each_kind_told_to_applicants_has_its_own_subject(self, language: Language) -> None:
        catalogue = CATALOGUES[language]
        emailed = [
            kind
            for kind in NOTICE_KINDS
            if kind in CASEWORK_KINDS and "applicant" in KIND_AUDIENCES[kind]
        ]
        general = casework_wording(None, catalogue=catalogue)
        subjects = [casework_wording(kind, catalogue=catalogue).subject for kind in emailed]
        assert general.subject not in subjects
        assert len(set(subjects)) == len(emailed)

    def test_the_welsh_words_are_welsh(self) -> None:
        for kind in CASEWORK_KINDS:
            english = casework_wording(kind, catalogue=CATALOGUES["en"])
            welsh = casework_wording(kind, catalogue=CATALOGUES["cy"])
            assert english.subject != welsh.subject
            assert english.next_step != welsh.next_step
            assert english.button != welsh.button
