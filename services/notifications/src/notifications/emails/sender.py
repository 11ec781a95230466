"""The sender: claims due deliveries, sends them over SMTP, retries with back-off, then ends them.

Every worker runs one sender. Deliveries are claimed one at a time with an atomic update, so
two senders never send one email; a claim lapses, so a delivery held by a sender that died is
taken again. Sending is at least once: if the relay took an email and the sender died before
recording it, the email goes again, with the same Message-ID so mail systems can tell.
"""

import asyncio
import contextlib
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from kit import logs
from kit.loops import keep_working
from kit.mongo import Document, Mongo
from notifications.config import Settings
from notifications.emails.metrics import EMAIL_BACKLOG, EMAIL_DELIVERIES
from notifications.emails.rendering import one_line
from notifications.emails.repository import DeliveryRepository

log = logs.get_logger("notifications.emails.sender")

BACKLOG_EVERY_SECONDS = 60.0
MAX_REASON_LENGTH = 300
# Headers are written out unfolded up to the SMTP line limit: folding an unstructured header
# that has no room on its first line moves the whole value to the next one, and some readers
# (Python's own parser among them) then show the subject with a leading space. Bodies are
# already encoded with short lines when the message is built.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)


class SendFailure(Exception):
    """The relay did not take the email; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:MAX_REASON_LENGTH]
        self.permanent = permanent


def _refusal(code: int, message: str, *, step: str) -> SendFailure:
    # Only the server's code and words go into the reason: never any part of the email.
    text = one_line(message)[:200]
    return SendFailure(f"{step} refused with {code}: {text}", permanent=code >= 500)


def classify(error: Exception) -> SendFailure:
    """How a failed SMTP exchange ends the attempt.

    A 5xx answer to the sender, a recipient or the message is the relay's final word on
    this email, so the delivery fails at once. Everything else (no connection, a timeout, a
    4xx, or a 5xx at connection or greeting time, which says the relay is broken rather than
    the email unwanted) is worth another try later.
    """
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        refusals = error.recipients
        if refusals:
            first = refusals[0]
            failure = _refusal(first.code, first.message, step="recipient")
            if all(refusal.code >= 500 for refusal in refusals):
                return failure
            return SendFailure(failure.reason, permanent=False)
        return SendFailure("every recipient refused", permanent=False)
    if isinstance(error, aiosmtplib.SMTPRecipientRefused):
        return _refusal(error.code, error.message, step="recipient")
    if isinstance(error, aiosmtplib.SMTPSenderRefused):
        return _refusal(error.code, error.message, step="sender")
    if isinstance(error, aiosmtplib.SMTPDataError):
        return _refusal(error.code, error.message, step="message")
    if isinstance(error, aiosmtplib.SMTPResponseException):
        failure = _refusal(error.code, error.message, step="relay")
        return SendFailure(failure.reason, permanent=False)
    if isinstance(error, TimeoutError):
        return SendFailure("the mail relay did not answer in time", permanent=False)
    if isinstance(error, aiosmtplib.SMTPException | OSError):
        return SendFailure(f"mail relay unreachable: {type(error).__name__}", permanent=False)
    return SendFailure(f"unexpected error: {type(error).__name__}", permanent=False)


def build_message(delivery: Document, *, mail_from: str, now: datetime) -> EmailMessage:
    """The MIME message of a delivery: plain text first, HTML as the alternative."""
    message = EmailMessage()
    username, _, domain = mail_from.partition("@")
    message["From"] = Address(
        display_name=one_line(str(delivery["sender_name"])), username=username, domain=domain
    )
    message["To"] = str(delivery["to"])
    message["Subject"] = one_line(str(delivery["subject"]))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = str(delivery["message_id"])
    # Tell mail systems this is automatic, so they send no out-of-office replies to it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    content = delivery["content"]
    message.set_content(str(content["text"]))
    message.add_alternative(str(content["html"]), subtype="html")
    # After the bodies: setting them replaces every Content-* header. Deliveries queued before
    # emails had a language were all English.
    message["Content-Language"] = "cy" if delivery.get("language") == "cy" else "en-GB"
    return message


class SmtpRelay:
    """The outgoing mail relay."""

    def __init__(self, *, host: str, port: int, timeout: float) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    async def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        """Hand one message to the relay, or raise SendFailure."""
        try:
            # aiosmtplib's timeout is per command; the whole exchange gets one deadline too,
            # so a send always ends well inside the sender's claim.
            async with asyncio.timeout(self.timeout):
                await aiosmtplib.send(
                    message.as_bytes(policy=WIRE_POLICY),
                    sender=sender,
                    recipients=[recipient],
                    hostname=self.host,
                    port=self.port,
                    timeout=self.timeout,
                )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise classify(exc) from exc


class EmailSender:
    """Sends due deliveries until cancelled, several at a time."""

    def __init__(
        self,
        mongo: Mongo,
        relay: SmtpRelay,
        *,
        service: str,
        mail_from: str,
        max_attempts: int,
        retry_base_seconds: float,
        retry_max_seconds: float,
        claim_seconds: float,
        poll_seconds: float,
        concurrency: int = 1,
    ) -> None:
        self.deliveries = DeliveryRepository(mongo)
        self.relay = relay
        self.service = service
        self.mail_from = mail_from
        self.max_attempts = max_attempts
        self.retry_base = retry_base_seconds
        self.retry_max = retry_max_seconds
        self.claim_for = timedelta(seconds=claim_seconds)
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self._due = asyncio.Event()

    @classmethod
    def from_settings(cls, mongo: Mongo, settings: Settings) -> "EmailSender":
        """A sender configured by the service's settings."""
        return cls(
            mongo,
            SmtpRelay(
                host=settings.smtp_host,
                port=settings.smtp_port,
                timeout=settings.smtp_timeout_seconds,
            ),
            service=settings.service_name,
            mail_from=settings.mail_from,
            max_attempts=settings.email_max_attempts,
            retry_base_seconds=settings.email_retry_base_seconds,
            retry_max_seconds=settings.email_retry_max_seconds,
            claim_seconds=settings.email_claim_seconds,
            poll_seconds=settings.email_poll_seconds,
            concurrency=settings.email_send_concurrency,
        )

    def wake(self) -> None:
        """Say a delivery may be due now, so an idle sender looks before its next poll."""
        self._due.set()

    async def run(self) -> None:
        """Send until cancelled; survive store and relay outages."""
        async with asyncio.TaskGroup() as group:
            for lane in range(self.concurrency):
                group.create_task(self._lane(), name=f"email-sender-{lane}")
            group.create_task(self._report_backlog(), name="email-backlog")

    async def _lane(self) -> None:
        await keep_working(
            self.send_next, name="email sender", wake=self._due, poll_seconds=self.poll_seconds
        )

    async def _report_backlog(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                EMAIL_BACKLOG.labels(self.service).set(await self.deliveries.backlog())
            await asyncio.sleep(BACKLOG_EVERY_SECONDS)

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: doubling, capped."""
        seconds = min(self.retry_base * 2 ** (attempts - 1), self.retry_max)
        return timedelta(seconds=seconds)

    async def send_next(self) -> bool:
        """Claim the delivery due first and make one attempt at it; False if none was due."""
        token = uuid.uuid4().hex
        delivery = await self.deliveries.claim(
            token=token, now=datetime.now(UTC), hold_for=self.claim_for
        )
        if delivery is None:
            return False
        await self._attempt(delivery, token=token)
        return True

    async def _attempt(self, delivery: Document, *, token: str) -> None:
        attempts = int(delivery["attempts"])
        now = datetime.now(UTC)
        if attempts > self.max_attempts:
            # The last attempt never reported back: its sender stopped while sending.
            reason = "sending was interrupted on the last attempt"
            if delivery.get("last_error"):
                reason += f"; before that: {delivery['last_error']}"
            await self._fail(delivery, token=token, reason=reason)
            return
        send_by = delivery.get("send_by")
        if send_by is not None and now >= send_by:
            await self._fail(
                delivery, token=token, reason="the link or code expired before it could be sent"
            )
            return
        if not delivery.get("content"):
            await self._fail(delivery, token=token, reason="the message body is missing")
            return
        message = build_message(delivery, mail_from=self.mail_from, now=now)
        try:
            await self.relay.send(message, sender=self.mail_from, recipient=str(delivery["to"]))
        except SendFailure as failure:
            if failure.permanent or attempts >= self.max_attempts:
                await self._fail(delivery, token=token, reason=failure.reason)
                return
            await self._defer(delivery, token=token, reason=failure.reason)
            return
        if await self.deliveries.mark_sent(delivery, token=token, now=datetime.now(UTC)):
            EMAIL_DELIVERIES.labels(self.service, delivery["template"], "sent").inc()
            log.info("email sent", extra=self._facts(delivery))
        else:
            log.warning("email sent after its claim lapsed", extra=self._facts(delivery))

    async def _defer(self, delivery: Document, *, token: str, reason: str) -> None:
        now = datetime.now(UTC)
        retry_at = now + self.retry_delay(int(delivery["attempts"]))
        if await self.deliveries.defer(
            delivery, token=token, now=now, retry_at=retry_at, reason=reason
        ):
            # This worker looks again when it is due; the others' polls are the fallback.
            asyncio.get_running_loop().call_later((retry_at - now).total_seconds(), self._due.set)
            EMAIL_DELIVERIES.labels(self.service, delivery["template"], "deferred").inc()
            log.warning(
                "email not sent, will retry",
                extra={**self._facts(delivery), "reason": reason, "retry_at": retry_at},
            )

    async def _fail(self, delivery: Document, *, token: str, reason: str) -> None:
        reason = reason[:MAX_REASON_LENGTH]
        if await self.deliveries.mark_failed(
            delivery, token=token, now=datetime.now(UTC), reason=reason
        ):
            EMAIL_DELIVERIES.labels(self.service, delivery["template"], "failed").inc()
            log.error("email failed", extra={**self._facts(delivery), "reason": reason})

    @staticmethod
    def _facts(delivery: Document) -> dict[str, object]:
        # The address and the bodies stay out of logs; the ids are enough to trace a delivery.
        return {
            "delivery_id": delivery["_id"],
            "delivery_authority": delivery["authority"],
            "template": delivery["template"],
            "attempts": delivery["attempts"],
        }
