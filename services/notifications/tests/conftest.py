"""Fixtures for notifications tests: the real broker, store, mail catcher and signing key."""

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP
from tests.support.factories import authority
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.authority import Contact
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit.authorities import AuthorityCopy
from kit.mongo import Document, Mongo
from notifications.config import Settings
from notifications.emails.consumers import account_emails_subscription
from notifications.emails.models import DELIVERIES, DELIVERY_INDEXES
from notifications.emails.rendering import EmailTemplates
from notifications.emails.sender import EmailSender, SmtpRelay
from portalstack.endpoints import Stack
from portalstack.processes import free_port

Queue = Callable[..., Awaitable[Envelope]]
MakeSender = Callable[..., EmailSender]

MAIL_FROM = "no-reply@housing-portal.local"
TEST_AUTHORITY_NAME = "Test Borough Council"


@pytest.fixture
def recipient() -> str:
    """An address no other test sends to."""
    return f"resident-{uuid.uuid4().hex[:12]}@example.org"


@pytest.fixture
async def service_mongo(stack: Stack) -> AsyncIterator[Mongo]:
    """The running notifications service's own database."""
    store = Mongo(stack.mongo_url, Settings().mongo_db)
    yield store
    await store.close()


@pytest.fixture
async def delivery_of(service_mongo: Mongo) -> Callable[..., Awaitable[Document]]:
    """The running service's delivery for an event, once it reaches one of the statuses."""

    async def find(envelope: Envelope, *, status: str = "sent", within: float = 20.0) -> Document:
        async def reached() -> Document | None:
            return await service_mongo.db[DELIVERIES].find_one(
                {"event_id": str(envelope.id), "status": status}
            )

        found: Document = await eventually(
            reached, within=within, what=f"delivery of {envelope.type} {status}"
        )
        return found

    return find


# In-process parts: a scratch database, the real consumer handler and sender, SMTP servers.


@pytest.fixture
async def mongo(mongo: Mongo) -> Mongo:
    """A notifications store of this test's own, with the delivery indexes and an authority."""
    await mongo.ensure_indexes(DELIVERY_INDEXES)
    council = authority(
        "test-council",
        name=TEST_AUTHORITY_NAME,
        contact=Contact(email="housing@test-council.example", phone="01234 567890"),
    )
    copy = AuthorityCopy(mongo)

    async def add(session: Any) -> bool:
        return await copy.apply(council, session)

    await mongo.transaction(add)
    return mongo


@pytest.fixture
def queue_email(mongo: Mongo) -> Queue:
    """Run the real account-email handler on an event, in a transaction as the consumer does."""

    async def queue(
        payload: EventPayload,
        *,
        authority: str = "test-council",
        envelope: Envelope | None = None,
        on_queued: Callable[[], None] = lambda: None,
    ) -> Envelope:
        subscription = account_emails_subscription(
            mongo, templates=EmailTemplates(), mail_from=MAIL_FROM, on_queued=on_queued
        )
        envelope = envelope or Envelope.for_event(payload, authority=authority)
        validated, parsed = validate_envelope(envelope.model_dump(mode="json"))

        async def handle(session: Any) -> None:
            await subscription.handler(validated, parsed, session)

        await mongo.transaction(handle)
        return envelope

    return queue


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port that refuses connections for the whole test: bound, never listening, so no
    other process can start a server on it meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port: int = held.getsockname()[1]
        yield port


@pytest.fixture
def spare_port() -> Callable[[], int]:
    """Gives TCP ports nothing listens on right now."""
    return free_port


class TestRelay:
    """An SMTP server that keeps what it accepts, or answers RCPT with a refusal; it can hold
    its answers to DATA until the test lets them go."""

    __test__ = False  # not a test class

    def __init__(
        self,
        *,
        refuse_recipient: str | None = None,
        refuse_times: int = 0,
        hold: asyncio.Event | None = None,
    ) -> None:
        self.refuse_recipient = refuse_recipient
        self.refuse_times = refuse_times
        self.refused = 0
        self.messages: list[bytes] = []
        self.server: asyncio.Server | None = None
        # When given, each message is kept at once but only answered once `hold` is set.
        self.hold = hold

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        """Refuse while told to, else accept the recipient."""
        if self.refuse_recipient and (self.refuse_times == 0 or self.refused < self.refuse_times):
            self.refused += 1
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Keep the message."""
        self.messages.append(bytes(envelope.original_content or envelope.content))
        if self.hold is not None:
            await self.hold.wait()
        return "250 Message accepted for delivery"

    async def start(self, port: int) -> None:
        """Listen on the port."""
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: SMTP(self, hostname="test-relay.local", loop=loop), host="127.0.0.1", port=port
        )

    async def stop(self) -> None:
        """Stop listening."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None


@pytest.fixture
async def relays() -> AsyncIterator[Callable[..., TestRelay]]:
    """Makes SMTP relays for a test and stops them afterwards."""
    made: list[TestRelay] = []

    def make(**options: Any) -> TestRelay:
        relay = TestRelay(**options)
        made.append(relay)
        return relay

    yield make
    for relay in made:
        await relay.stop()


@pytest.fixture
def service_tag() -> str:
    """A service name of this test's own, so its metrics samples are its own."""
    return f"notifications-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_sender(mongo: Mongo, service_tag: str) -> MakeSender:
    """Builds the real sender on the test's store, with delays short enough for a test."""

    def make(
        *,
        port: int,
        max_attempts: int = 3,
        retry_base: float = 0.05,
        retry_max: float = 0.2,
        claim: float = 5.0,
        concurrency: int = 1,
        poll: float = 0.05,
        kind: type[EmailSender] = EmailSender,
    ) -> EmailSender:
        return kind(
            mongo,
            SmtpRelay(host="127.0.0.1", port=port, timeout=2.0),
            service=service_tag,
            mail_from=MAIL_FROM,
            max_attempts=max_attempts,
            retry_base_seconds=retry_base,
            retry_max_seconds=retry_max,
            claim_seconds=claim,
            poll_seconds=poll,
            concurrency=concurrency,
        )

    return make


@pytest.fixture
async def running() -> AsyncIterator[Callable[[EmailSender], None]]:
    """Runs senders in the background for the test's duration."""
    tasks: list[asyncio.Task[None]] = []

    def start(sender: EmailSender) -> None:
        tasks.append(asyncio.create_task(sender.run()))

    yield start
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
