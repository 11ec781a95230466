"""Identity's account events, published on the real broker, reach people as emails."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from markupsafe import escape
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.identity import (
    ConfirmationRequested,
    FactorAdded,
    PasswordChanged,
    PasswordResetRequested,
    RegistrationAttempted,
    SignInCodeIssued,
    SignInLocked,
    StaffInvited,
)
from contracts.payload import EventPayload
from kit.mongo import Document, Mongo
from notifications.emails.models import DELIVERIES
from portalstack.endpoints import Stack

WATFORD = "Watford Borough Council"

Publish = Callable[..., Awaitable[Envelope]]


@dataclass(frozen=True)
class Case:
    """One kind of account email: the event, the subject it gets and what must stand out."""

    subject: str
    make: Callable[[str], EventPayload]
    secrets: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


def _soon(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


LINK = "https://watford.portal.example/account/confirm?token=Zx81-qq&next=%2Fcases"
RESET = "https://watford.portal.example/password/reset?token=R3set-77&from=email"
SIGN_IN = "https://watford.portal.example/sign-in?email=hint&lang=en"
INVITE = "https://watford.portal.example/invitations/accept?token=Inv-4242&x=1"

CASES = {
    "confirm_email": Case(
        subject=f"{WATFORD}: confirm your email address",
        make=lambda to: ConfirmationRequested(
            user_id="user-1",
            email=to,
            first_name="Amara",
            link=LINK,
            expires_at=_soon(hours=24),
        ),
        secrets=(LINK,),
        words=("24 hours",),
    ),
    "account_exists": Case(
        subject=f"{WATFORD}: you already have an account",
        make=lambda to: RegistrationAttempted(
            user_id="user-2",
            email=to,
            first_name="Bilal",
            sign_in_link=SIGN_IN,
            reset_link=RESET,
        ),
        secrets=(SIGN_IN, RESET),
    ),
    "sign_in_code": Case(
        subject=f"{WATFORD}: your sign-in code",
        make=lambda to: SignInCodeIssued(
            user_id="user-3",
            email=to,
            first_name="Ciara",
            code="483920",
            purpose="sign_in",
            expires_at=_soon(minutes=10),
        ),
        secrets=("483920",),
        words=("10 minutes",),
    ),
    "enrol_code": Case(
        subject=f"{WATFORD}: your security code",
        make=lambda to: SignInCodeIssued(
            user_id="user-4",
            email=to,
            first_name="Dafydd",
            code="017364",
            purpose="enrol",
            expires_at=_soon(minutes=15),
        ),
        secrets=("017364",),
        words=("15 minutes",),
    ),
    "password_reset": Case(
        subject=f"{WATFORD}: reset your password",
        make=lambda to: PasswordResetRequested(
            user_id="user-5", email=to, first_name="Eilidh", link=RESET, expires_at=_soon(hours=1)
        ),
        secrets=(RESET,),
        words=("60 minutes",),
    ),
    "password_changed": Case(
        subject=f"{WATFORD}: your password has been changed",
        make=lambda to: PasswordChanged(
            user_id="user-6",
            email=to,
            first_name="Femi",
            changed_at=datetime(2026, 7, 1, 14, 5, tzinfo=UTC),
            by_reset=True,
        ),
        # British Summer Time: 14:05 UTC is 3:05pm in London.
        words=("3:05pm on 1 July 2026", "signed out on every device"),
    ),
    "factor_added": Case(
        subject=f"{WATFORD}: a new way to sign in was added to your account",
        make=lambda to: FactorAdded(
            user_id="user-7",
            email=to,
            first_name="Gwen",
            factor="totp",
            added_at=datetime(2026, 1, 12, 9, 0, tzinfo=UTC),
        ),
        words=("An authenticator app was added", "9am on 12 January 2026"),
    ),
    "sign_in_locked": Case(
        subject=f"{WATFORD}: signing in to your account has been paused",
        make=lambda to: SignInLocked(
            user_id="user-9",
            email=to,
            first_name="Iona",
            wrong_answers=10,
            locked_until=datetime(2026, 2, 3, 10, 30, tzinfo=UTC),
            reset_link=RESET,
        ),
        secrets=(RESET,),
        words=("gave 10 wrong codes", "paused until 10:30am on 3 February 2026"),
    ),
    "staff_invitation": Case(
        subject=f"{WATFORD}: you have been invited to the housing portal",
        make=lambda to: StaffInvited(
            user_id="user-8",
            email=to,
            first_name="Hamza",
            role="officer",
            invited_by="Priya Shah",
            link=INVITE,
            expires_at=_soon(days=7),
        ),
        secrets=(INVITE,),
        words=("Priya Shah has invited you", "as a housing officer", "7 days"),
    ),
}


class TestEveryAccountEventSendsItsEmail:
    """Each identity email event becomes one email with the authority's name and its secret."""

    @pytest.mark.parametrize("name", sorted(CASES))
    async def test_email_reaches_the_mail_catcher(
        self,
        name: str,
        recipient: str,
        publish: Publish,
        read_mail: Callable[..., Awaitable[list[dict[str, object]]]],
        delivery_of: Callable[..., Awaitable[Document]],
    ) -> None:
        case = CASES[name]
        payload = case.make(recipient)
        envelope = await publish(payload, authority="watford")

        [message] = await read_mail(recipient)
        assert message["subject"] == case.subject
        assert message["to"] == [recipient]
        headers = message["headers"]
        assert isinstance(headers, dict)
        assert headers["From"] == f"{WATFORD} <no-reply@housing-portal.local>"
        assert headers["Message-ID"].startswith("<")
        text, html = message["text"], message["html"]
        assert isinstance(text, str)
        assert isinstance(html, str)
        first_name = str(getattr(payload, "first_name", ""))
        for body in (text, html):
            assert WATFORD in body
            assert f"Hello {first_name}," in body
            for words in case.words:
                assert words in body
        for secret in case.secrets:
            assert secret in text
            # In HTML the link is escaped once (`&` becomes `&amp;`), in the href and the text.
            assert str(escape(secret)) in html
            assert f'href="{escape(secret)}"' in html or secret.isdigit()
        assert html.startswith("<!doctype html>")
        assert '<html lang="en-GB">' in html

        delivery = await delivery_of(envelope, status="sent")
        assert delivery["template"] == ("sign_in_code" if name == "enrol_code" else name), (
            "the delivery names its template"
        )
        assert delivery["authority"] == "watford"
        assert delivery["to"] == recipient
        assert delivery["attempts"] == 1
        assert delivery["message_id"] == headers["Message-ID"]
        # Once sent, nothing of the message is kept: neither bodies nor any link or code.
        assert "content" not in delivery
        for secret in case.secrets:
            assert secret not in repr(delivery)


class TestSameEventTwice:
    """A redelivered event sends no second email, whether it arrives at once or later."""

    async def test_one_email_for_an_event_published_three_times(
        self,
        recipient: str,
        stack: Stack,
        publish: Publish,
        read_mail: Callable[..., Awaitable[list[dict[str, object]]]],
        delivery_of: Callable[..., Awaitable[Document]],
        service_mongo: Mongo,
    ) -> None:
        # This is the only test that sends the running service copies of an event, so the
        # count of copies it recognised tells when every copy here has been handled.
        before = await _duplicates(stack)
        payload = CASES["sign_in_code"].make(recipient)
        envelope = await publish(payload)
        await publish(payload, envelope=envelope)
        await delivery_of(envelope, status="sent")
        await read_mail(recipient)
        await publish(payload, envelope=envelope)

        async def both_copies_seen() -> bool:
            return await _duplicates(stack) >= before + 2

        await eventually(both_copies_seen, within=20, what="both copies consumed", every=0.1)
        assert len(await read_mail(recipient)) == 1
        count = await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)})
        assert count == 1


async def _duplicates(stack: Stack) -> float:
    """How many account events the running service has recognised as already handled."""
    async with httpx.AsyncClient(base_url=stack.service_urls["notifications"]) as client:
        response = await client.get("/metrics")
    total = 0.0
    for line in response.text.splitlines():
        if (
            line.startswith("portal_events_consumed_total{")
            and 'consumer="notifications.account-emails"' in line
            and 'outcome="duplicate"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total
