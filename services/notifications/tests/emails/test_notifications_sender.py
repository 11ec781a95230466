"""The sender against real SMTP servers that are down, refuse, come back, or accept."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest
from prometheus_client import REGISTRY
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.identity import PasswordResetRequested, SignInCodeIssued
from kit.mongo import Document, Mongo
from notifications.emails.errors import AuthorityNotKnownYet
from notifications.emails.models import DELIVERIES
from notifications.emails.repository import DeliveryRepository
from notifications.emails.sender import EmailSender

Queue = Callable[..., Awaitable[Envelope]]
MakeSender = Callable[..., EmailSender]
Start = Callable[[EmailSender], None]
Relays = Callable[..., Any]


class WatchedSender(EmailSender):
    """The real sender, counting the deliveries it claimed and the claims still under way."""

    claimed = 0
    under_way = 0

    async def send_next(self) -> bool:
        """Claim and send as the real sender does, counting as it goes."""
        self.under_way += 1
        try:
            claimed = await super().send_next()
        finally:
            self.under_way -= 1
        self.claimed += int(claimed)
        return claimed


def sign_in_code(to: str, *, code: str = "552901", minutes: float = 10) -> SignInCodeIssued:
    """A sign-in code event for an address."""
    return SignInCodeIssued(
        user_id="user-1",
        email=to,
        first_name="Nia",
        code=code,
        purpose="sign_in",
        expires_at=datetime.now(UTC) + timedelta(minutes=minutes),
    )


async def delivery(mongo: Mongo, envelope: Envelope) -> Document:
    """The delivery an event led to."""
    found = await mongo.db[DELIVERIES].find_one({"event_id": str(envelope.id)})
    assert found is not None
    return found


def counted(service: str, template: str, status: str) -> float:
    """The sender's delivery counter for one template and status, in this process."""
    value = REGISTRY.get_sample_value(
        "portal_email_deliveries_total",
        {"service": service, "template": template, "status": status},
    )
    return value or 0.0


def parsed(raw: bytes) -> Any:
    """A received message, parsed."""
    return BytesParser(policy=policy.default).parsebytes(raw)


class TestRelayDown:
    """With no server listening, attempts are retried with back-off and then failed."""

    async def test_fails_after_the_last_attempt_with_the_reason(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        recipient: str,
        refusing_port: int,
        service_tag: str,
    ) -> None:
        envelope = await queue_email(sign_in_code(recipient))
        sender = make_sender(port=refusing_port, max_attempts=4, retry_base=0.1, retry_max=0.4)
        started = datetime.now(UTC)
        running(sender)

        async def failed() -> Document | None:
            found = await delivery(mongo, envelope)
            return found if found["status"] == "failed" else None

        record = await eventually(failed, within=15, what="delivery failed")
        assert record["attempts"] == 4
        assert "unreachable" in record["last_error"]
        assert recipient not in record["last_error"]
        # Back-off: 0.1 + 0.2 + 0.4 seconds between the four attempts.
        assert record["failed_at"] - started >= timedelta(seconds=0.7)
        # The code is gone with the bodies; the failure is final.
        assert "content" not in record
        assert "552901" not in repr(record)
        assert "due_at" not in record
        assert counted(service_tag, "sign_in_code", "deferred") == 3
        assert counted(service_tag, "sign_in_code", "failed") == 1
        assert counted(service_tag, "sign_in_code", "sent") == 0

    async def test_delivered_once_the_relay_comes_back(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        envelope = await queue_email(sign_in_code(recipient, code="770012"))
        running(make_sender(port=port, max_attempts=30, retry_base=0.1, retry_max=0.2))

        async def retried() -> bool:
            found = await delivery(mongo, envelope)
            return bool(found["status"] == "queued" and found["attempts"] >= 2)

        await eventually(retried, within=10, what="two failed attempts")
        waiting = await delivery(mongo, envelope)
        assert "unreachable" in waiting["last_error"]
        assert "content" in waiting, "the message is kept while it may still be sent"

        relay = relays()
        await relay.start(port)

        async def sent() -> Document | None:
            found = await delivery(mongo, envelope)
            return found if found["status"] == "sent" else None

        record = await eventually(sent, within=10, what="delivery sent")
        assert record["attempts"] >= 3
        assert "content" not in record
        [raw] = relay.messages
        message = parsed(raw)
        assert message["Message-ID"] == record["message_id"]
        assert message["To"] == recipient
        assert message["Subject"] == "Test Borough Council: your sign-in code"
        assert "770012" in message.get_body(("plain",)).get_content()
        assert "770012" in message.get_body(("html",)).get_content()


class TestRelayRefuses:
    """A permanent refusal fails at once; a temporary one is retried."""

    async def test_permanent_refusal_fails_without_retrying(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
        service_tag: str,
    ) -> None:
        port = spare_port()
        relay = relays(refuse_recipient="550 5.1.1 Mailbox does not exist")
        await relay.start(port)
        envelope = await queue_email(sign_in_code(recipient))
        running(make_sender(port=port, max_attempts=6))

        async def failed() -> Document | None:
            found = await delivery(mongo, envelope)
            return found if found["status"] == "failed" else None

        record = await eventually(failed, within=10, what="delivery failed")
        assert record["attempts"] == 1
        assert relay.refused == 1
        assert record["last_error"].startswith("recipient refused with 550")
        assert "Mailbox does not exist" in record["last_error"]
        assert "content" not in record
        assert counted(service_tag, "sign_in_code", "failed") == 1
        assert counted(service_tag, "sign_in_code", "deferred") == 0

    async def test_temporary_refusal_is_retried(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        relay = relays(refuse_recipient="451 4.7.1 Try again later", refuse_times=2)
        await relay.start(port)
        envelope = await queue_email(sign_in_code(recipient))
        # Retries come when they are due, not at the next poll.
        running(make_sender(port=port, max_attempts=6, poll=600.0))

        async def sent() -> Document | None:
            found = await delivery(mongo, envelope)
            return found if found["status"] == "sent" else None

        record = await eventually(sent, within=10, what="delivery sent")
        assert record["attempts"] == 3
        assert record["last_error"].startswith("recipient refused with 451")
        assert len(relay.messages) == 1


class TestClaims:
    """Two senders never send one email; a dead sender's claim lapses and is taken again."""

    async def test_two_senders_send_each_email_once(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        # Each sender has a relay of its own, so each relay shows what its sender sent. Both
        # relays hold their answers until each has received an email: while the first sender
        # waits on its relay, the second must claim deliveries too.
        both_sending = asyncio.Event()
        pair = [relays(hold=both_sending), relays(hold=both_sending)]
        senders = []
        for relay in pair:
            port = spare_port()
            await relay.start(port)
            sender = make_sender(port=port, concurrency=4, kind=WatchedSender)
            assert isinstance(sender, WatchedSender)
            senders.append(sender)
        envelopes = [
            await queue_email(sign_in_code(recipient, code=f"{index:06d}")) for index in range(24)
        ]
        for sender in senders:
            running(sender)

        await eventually(lambda: all(relay.messages for relay in pair), what="both sending")
        both_sending.set()

        async def settled() -> bool:
            # Every delivery ended and no sender is between a claim and its outcome: a second
            # send of any email would already have reached a relay.
            unsent = await mongo.db[DELIVERIES].count_documents({"status": {"$ne": "sent"}})
            return unsent == 0 and all(sender.under_way == 0 for sender in senders)

        await eventually(settled, within=20, what="every delivery sent and the senders idle")
        for sender, relay in zip(senders, pair, strict=True):
            assert sender.claimed > 0
            assert len(relay.messages) == sender.claimed
        ids = [parsed(raw)["Message-ID"] for relay in pair for raw in relay.messages]
        assert len(ids) == len(envelopes)
        assert len(set(ids)) == len(envelopes)
        for envelope in envelopes:
            assert (await delivery(mongo, envelope))["attempts"] == 1

    async def test_a_lapsed_claim_is_taken_again(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        relay = relays()
        await relay.start(port)
        envelope = await queue_email(sign_in_code(recipient))
        deliveries = DeliveryRepository(mongo)
        # A sender claims the delivery and dies before it reports back.
        claimed = await deliveries.claim(
            token="dead-sender", now=datetime.now(UTC), hold_for=timedelta(seconds=0.5)
        )
        assert claimed is not None
        assert claimed["status"] == "sending"
        assert (
            await deliveries.claim(
                token="other", now=datetime.now(UTC), hold_for=timedelta(seconds=5)
            )
            is None
        ), "a held claim is not taken"

        running(make_sender(port=port))

        async def sent() -> Document | None:
            found = await delivery(mongo, envelope)
            return found if found["status"] == "sent" else None

        record = await eventually(sent, within=10, what="delivery sent")
        assert record["attempts"] == 2
        assert len(relay.messages) == 1
        # The dead sender's late report changes nothing.
        assert not await deliveries.mark_sent(claimed, token="dead-sender", now=datetime.now(UTC))
        assert not await deliveries.mark_failed(
            claimed, token="dead-sender", now=datetime.now(UTC), reason="late"
        )
        assert (await delivery(mongo, envelope))["status"] == "sent"

    async def test_interrupted_on_the_last_attempt_is_failed(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        relay = relays()
        await relay.start(port)
        envelope = await queue_email(sign_in_code(recipient))
        deliveries = DeliveryRepository(mongo)
        for _ in range(2):
            # Each claim lapses at once, as if its sender died mid-send.
            await deliveries.claim(token="dead", now=datetime.now(UTC), hold_for=timedelta(0))
        sender = make_sender(port=port, max_attempts=2)
        assert await sender.send_next()
        record = await delivery(mongo, envelope)
        assert record["status"] == "failed"
        assert record["attempts"] == 3
        assert "interrupted" in record["last_error"]
        assert relay.messages == []


class TestExpiredSecrets:
    """An email whose code or link stopped working before it could go is failed, not sent."""

    async def test_expired_code_is_not_sent(
        self,
        mongo: Mongo,
        queue_email: Queue,
        make_sender: MakeSender,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        relay = relays()
        await relay.start(port)
        envelope = await queue_email(sign_in_code(recipient, minutes=-1))
        assert await make_sender(port=port).send_next()
        record = await delivery(mongo, envelope)
        assert record["status"] == "failed"
        assert "expired" in record["last_error"]
        assert "content" not in record
        assert relay.messages == []


class TestConsumerHandler:
    """The handler queues one delivery per event and leaves sending to the sender."""

    async def test_same_event_twice_queues_once(
        self, mongo: Mongo, queue_email: Queue, recipient: str
    ) -> None:
        payload = PasswordResetRequested(
            user_id="user-9",
            email=recipient,
            first_name="Owain",
            link="https://test.example/reset?token=abc",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
        envelope = await queue_email(payload)
        await queue_email(payload, envelope=envelope)
        records = await mongo.db[DELIVERIES].find({"event_id": str(envelope.id)}).to_list()
        assert len(records) == 1
        [record] = records
        assert record["status"] == "queued"
        assert record["attempts"] == 0
        assert record["authority"] == "test-council"
        assert record["subject"] == "Test Borough Council: reset your password"
        assert abs(record["send_by"] - payload.expires_at) < timedelta(milliseconds=1)
        assert "https://test.example/reset?token=abc" in record["content"]["text"]

    async def test_unknown_authority_is_retried_later(
        self, mongo: Mongo, queue_email: Queue, recipient: str
    ) -> None:
        with pytest.raises(AuthorityNotKnownYet):
            await queue_email(sign_in_code(recipient), authority="not-yet-announced")
        assert await mongo.db[DELIVERIES].count_documents({}) == 0


class TestWaking:
    async def test_a_queued_email_wakes_the_idle_sender_once_committed(
        self,
        queue_email: Queue,
        make_sender: MakeSender,
        running: Start,
        relays: Relays,
        recipient: str,
        spare_port: Callable[[], int],
    ) -> None:
        port = spare_port()
        relay = relays()
        await relay.start(port)
        await queue_email(sign_in_code(recipient, code="100001"))
        sender = make_sender(port=port, poll=600.0)
        running(sender)
        # The first email went on the sender's first look: it now waits for a wake-up.
        await eventually(lambda: len(relay.messages) == 1, within=10, what="the first email")

        await queue_email(sign_in_code(recipient, code="100002"), on_queued=sender.wake)

        await eventually(lambda: len(relay.messages) == 2, within=10, what="the woken send")
        assert b"100002" in relay.messages[1]
