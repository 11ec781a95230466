"""Setting up, checking and removing second factors."""

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

import pyotp
import segno
from pymongo.errors import DuplicateKeyError

from contracts.events.identity import FactorAdded, FactorKind, SignInCodeIssued
from identity.accounts.recipient import recipient
from identity.audit import actions
from identity.credentials import SecretBox, random_code
from identity.errors import (
    CodeInvalid,
    CodeRecentlySent,
    FactorExists,
    FactorNotFound,
    FactorRequired,
)
from identity.factors.repository import Factors
from identity.serving import WritingForAuthority
from kit.errors import Conflict
from kit.mongo import Document, Session

CODE_LIFETIME = timedelta(minutes=10)
CODE_RESEND_AFTER = timedelta(seconds=60)
MAX_CODE_ATTEMPTS = 5
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are copied by hand from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_ISSUER = "Housing Portal"
TOTP_STEP_SECONDS = 30
SIGN_IN_FACTORS: tuple[FactorKind, ...] = ("email_code", "totp")


def mask_email(email: str) -> str:
    """An address shown only in part, as in "c*****@p*****.com"."""
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}*****@{host[:1]}*****{dot}{tld}"


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time-step (this one or one either side, for clock drift) whose code this is."""
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    current = int((now if now is not None else time.time()) // TOTP_STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def normalise_recovery_code(code: str) -> str:
    """A recovery code as stored: lower case, without dashes or spaces."""
    return "".join(code.lower().split()).replace("-", "")


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes, as people see them ("abcde-fghjk")."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


@dataclass(frozen=True)
class TotpSetup:
    """What an authenticator app needs, shown once while setting it up."""

    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(kw_only=True)
class FactorService(WritingForAuthority):
    """A person's second factors, within the authority they are acting in."""

    factors: Factors
    box: SecretBox

    def recovery_digest(self, code: str) -> str:
        """The stored form of a recovery code."""
        return self.box.code_digest(normalise_recovery_code(code), context="recovery")

    async def begin_totp(self, account: Document) -> TotpSetup:
        """Make a new authenticator secret, pending until its first code is confirmed."""
        user_id = str(account["_id"])
        current = await self.factors.get(user_id, "totp")
        if current is not None and current["status"] == "active":
            raise FactorExists()
        secret = pyotp.random_base32()
        try:
            await self.factors.start(
                user_id,
                "totp",
                {"secret": self.box.encrypt(secret), "last_step": None},
                authority=self.slug,
            )
        except DuplicateKeyError as exc:
            raise FactorExists() from exc
        uri = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS).provisioning_uri(
            name=str(account["email"]), issuer_name=TOTP_ISSUER
        )
        svg = segno.make(uri, error="m").svg_inline(scale=4, title="Authenticator set-up code")
        return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=svg)

    async def begin_email(self, account: Document) -> datetime:
        """Email a code that confirms the email factor; return when it expires."""
        user_id = str(account["_id"])
        now = datetime.now(UTC)
        current = await self.factors.get(user_id, "email_code")
        if current is not None:
            if current["status"] == "active":
                raise FactorExists()
            sent_at = current.get("code_sent_at")
            if sent_at is not None and sent_at + CODE_RESEND_AFTER > now:
                wait = (sent_at + CODE_RESEND_AFTER - now).total_seconds()
                raise CodeRecentlySent(int(wait) + 1)
        code = random_code()
        expires_at = now + CODE_LIFETIME

        async def send(session: Session) -> None:
            await self.factors.start(
                user_id,
                "email_code",
                {
                    "code_digest": self.box.code_digest(code, context=f"enrol:{user_id}"),
                    "code_expires_at": expires_at,
                    "code_sent_at": now,
                },
                authority=self.slug,
                session=session,
            )
            await self.outbox.add(
                session,
                SignInCodeIssued(
                    **recipient(account), code=code, purpose="enrol", expires_at=expires_at
                ),
                authority=self.slug,
                actor=user_id,
                subject=user_id,
            )

        try:
            await self.mongo.transaction(send)
        except DuplicateKeyError as exc:
            raise FactorExists() from exc
        return expires_at

    async def confirm(self, account: Document, kind: FactorKind, code: str) -> list[str] | None:
        """Confirm a pending factor with its first code; return any recovery codes made."""
        user_id = str(account["_id"])
        factor = await self.factors.get(user_id, kind)
        if factor is None:
            raise FactorNotFound("Start setting up this method first.")
        if factor["status"] == "active":
            raise FactorExists()
        if int(factor.get("attempts", 0)) >= MAX_CODE_ATTEMPTS:
            raise CodeInvalid("Too many wrong codes. Start setting up this method again.")
        changes: dict[str, object] = {}
        if kind == "email_code":
            right = self.box.code_matches(
                code, factor.get("code_digest"), context=f"enrol:{user_id}"
            ) and factor["code_expires_at"] > datetime.now(UTC)
        else:
            secret = self.box.decrypt(str(factor.get("secret", "")))
            step = matching_step(secret, code) if secret else None
            right = step is not None
            # The confirming code may not be used again to sign in.
            changes["last_step"] = step
        if not right:
            attempts = await self.factors.count_attempt(str(factor["_id"]))
            await self._audit(actions.FACTOR_ADDED, "failure", user_id, {"factor": kind})
            raise CodeInvalid(details={"attempts_left": max(0, MAX_CODE_ATTEMPTS - attempts)})
        return await self._activate(account, factor, changes)

    async def _activate(
        self, account: Document, factor: Document, changes: dict[str, object]
    ) -> list[str] | None:
        user_id = str(account["_id"])
        kind = str(factor["kind"])
        now = datetime.now(UTC)
        existing = await self.factors.active(user_id)
        codes = None if "recovery_codes" in existing else new_recovery_codes()

        async def activate(session: Session) -> None:
            if changes:
                await self.factors.update(str(factor["_id"]), changes, session=session)
            activated = await self.factors.activate(str(factor["_id"]), session=session)
            if activated is None:
                raise FactorExists()
            await self._announce(session, account, kind, now)
            if codes is not None:
                await self.factors.replace_recovery_codes(
                    user_id,
                    [self.recovery_digest(code) for code in codes],
                    authority=self.slug,
                    session=session,
                )
                await self._announce(session, account, "recovery_codes", now)

        await self.mongo.transaction(activate)
        return codes

    async def _announce(
        self, session: Session, account: Document, kind: str, now: datetime
    ) -> None:
        user_id = str(account["_id"])
        await self.outbox.add(
            session,
            FactorAdded(**recipient(account), factor=cast(FactorKind, kind), added_at=now),
            authority=self.slug,
            actor=user_id,
            subject=user_id,
        )
        await self.audit.record(
            authority=self.slug,
            action=(
                actions.RECOVERY_CODES_GENERATED
                if kind == "recovery_codes"
                else actions.FACTOR_ADDED
            ),
            outcome="success",
            client=self.client,
            actor=user_id,
            subject=user_id,
            details={"factor": kind},
            session=session,
        )

    async def regenerate_recovery_codes(self, account: Document) -> list[str]:
        """A new set of recovery codes; the old set stops working."""
        user_id = str(account["_id"])
        active = await self.factors.active(user_id)
        if not any(kind in active for kind in SIGN_IN_FACTORS):
            raise Conflict(
                "Set up an email code or an authenticator app first.", code="no_second_factor"
            )
        codes = new_recovery_codes()
        now = datetime.now(UTC)

        async def replace(session: Session) -> None:
            await self.factors.replace_recovery_codes(
                user_id,
                [self.recovery_digest(code) for code in codes],
                authority=self.slug,
                session=session,
            )
            await self._announce(session, account, "recovery_codes", now)

        await self.mongo.transaction(replace)
        return codes

    async def remove(self, account: Document, kind: FactorKind, *, forced: bool) -> None:
        """Remove a factor; recovery codes go with the last sign-in factor."""
        user_id = str(account["_id"])
        active = await self.factors.active(user_id)
        factor = await self.factors.get(user_id, kind)
        if factor is None:
            raise FactorNotFound()
        remaining = [other for other in SIGN_IN_FACTORS if other in active and other != kind]
        if kind in SIGN_IN_FACTORS and factor["status"] == "active" and not remaining and forced:
            raise FactorRequired()

        async def delete(session: Session) -> None:
            await self.factors.remove(user_id, kind, session=session)
            if kind in SIGN_IN_FACTORS and not remaining:
                await self.factors.remove(user_id, "recovery_codes", session=session)
            await self.audit.record(
                authority=self.slug,
                action=actions.FACTOR_REMOVED,
                outcome="success",
                client=self.client,
                actor=user_id,
                subject=user_id,
                details={"factor": kind},
                session=session,
            )

        await self.mongo.transaction(delete)
