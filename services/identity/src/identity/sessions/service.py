"""Signing in: password, then a second factor or its set-up when needed, then a session."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.events.identity import SignInCodeIssued
from identity.accounts.recipient import recipient
from identity.accounts.repository import Accounts, normalise_email
from identity.audit import actions
from identity.credentials import SecretBox, digest, random_code, random_token
from identity.dependencies import Caller
from identity.errors import (
    ChallengeInvalid,
    CodeInvalid,
    CodeRecentlySent,
    InvalidCredentials,
    MethodNotAvailable,
    RefreshTokenInvalid,
    RefreshTokenReused,
    SecondFactorNeeded,
)
from identity.factors.repository import Factors
from identity.factors.service import (
    CODE_LIFETIME,
    CODE_RESEND_AFTER,
    MAX_CODE_ATTEMPTS,
    FactorService,
    mask_email,
    matching_step,
)
from identity.memberships.admission import Admission, Admissions, two_factor_forced
from identity.metrics import SIGN_INS
from identity.passwords.hashing import hash_password, needs_rehash, verify_password
from identity.serving import WritingForAuthority
from identity.sessions.ending import SessionEnding
from identity.sessions.guessing import SecondFactorGuessing
from identity.sessions.repository import Challenges, RefreshTokens, Sessions
from identity.sessions.schemas import (
    ChallengeView,
    CodeSent,
    SecondFactorMethod,
    SignedInWithRecoveryCodes,
    SignInResult,
    SignInStatus,
    TokenPair,
)
from identity.sessions.throttle import SignInThrottle
from identity.sessions.tokens import AccessTokens, Grant
from kit.authorities import Authorities, Authority, AuthorityNotFound
from kit.errors import AppError, NotFound
from kit.mongo import Document, Session
from kit.sessions import SessionEnded

CHALLENGE_LIFETIME = timedelta(minutes=15)
SECOND_FACTOR_METHODS = ["pwd", "otp", "mfa"]
PASSWORD_ONLY = ["pwd"]


@dataclass(kw_only=True)
class SignIn(WritingForAuthority):
    """Sign-in and session operations for one authority and one client."""

    accounts: Accounts
    factors: Factors
    challenges: Challenges
    sessions: Sessions
    refresh_tokens: RefreshTokens
    refresh_lifetime: timedelta
    access_tokens: AccessTokens
    throttle: SignInThrottle
    box: SecretBox
    authorities: Authorities
    admissions: Admissions
    second_factors: FactorService
    guessing: SecondFactorGuessing
    ending: SessionEnding

    # Password step

    async def with_password(self, email: str, password: str) -> SignInResult:
        """Check the password, then open a session or say what must come first."""
        email = normalise_email(email)
        throttle = self.throttle
        await throttle.check(email=email, address=self.client.address)
        account = await self.accounts.by_email(email)
        stored = account.get("password_hash") if account else None
        if not await verify_password(stored, password):
            locked = await throttle.failed(email=email, address=self.client.address)
            subject = str(account["_id"]) if account else None
            await self._audit(
                actions.SIGN_IN, "failure", subject, {"reason": "invalid_credentials"}
            )
            if locked:
                await self._audit(actions.SIGN_IN_LOCKED, "success", subject, {})
            SIGN_INS.labels("password", "failure").inc()
            raise InvalidCredentials()
        assert account is not None
        assert stored is not None
        await throttle.succeeded(email=email)
        if needs_rehash(stored):
            await self.accounts.update(
                str(account["_id"]), {"password_hash": await hash_password(password)}
            )
        admission = await self._admit(account)
        user_id = str(account["_id"])
        factors = await self.factors.active(user_id)
        methods: list[SecondFactorMethod] = []
        if "email_code" in factors:
            methods.append("email_code")
        if "totp" in factors:
            methods.append("totp")
        if methods:
            if factors.get("recovery_codes", {}).get("unused"):
                methods.append("recovery_code")
            return await self._challenge(account, "second_factor_required", methods)
        if two_factor_forced(self.authority, admission.roles):
            return await self._challenge(account, "enrolment_required", ["email_code", "totp"])
        if account.get("two_factor_offer_dismissed_at") is None:
            return await self._challenge(account, "enrolment_offered", ["email_code", "totp"])
        tokens = await self.open_session(account, admission, PASSWORD_ONLY)
        return SignInResult(status="signed_in", session=tokens)

    async def _admit(self, account: Document) -> Admission:
        try:
            return await self.admissions.admit(account, self.authority)
        except AppError as refusal:
            await self._audit(
                actions.SIGN_IN, "failure", str(account["_id"]), {"reason": refusal.code}
            )
            SIGN_INS.labels("admission", "refused").inc()
            raise

    async def _challenge(
        self, account: Document, status: SignInStatus, methods: list[SecondFactorMethod]
    ) -> SignInResult:
        challenge_id = random_token()
        now = datetime.now(UTC)
        expires_at = now + CHALLENGE_LIFETIME
        await self.challenges.create(
            challenge_id,
            {
                "authority": self.slug,
                "user_id": str(account["_id"]),
                "kind": status,
                "methods": methods,
                "created_at": now,
                "expires_at": expires_at,
                "attempts": 0,
                "finished_at": None,
                "code_digest": None,
                "code_expires_at": None,
                "code_sent_at": None,
                "address": self.client.address,
            },
        )
        view = ChallengeView(challenge_id=challenge_id, expires_at=expires_at, methods=methods)
        # The email code goes at once unless an authenticator app is the person's other way in.
        if (
            status == "second_factor_required"
            and methods[0] == "email_code"
            and "totp" not in methods
        ):
            sent = await self._send_code(challenge_id, account)
            view.code_sent_to = sent.code_sent_to
        SIGN_INS.labels("password", status).inc()
        return SignInResult(status=status, challenge=view)

    # Challenge step

    async def _open_challenge(self, challenge_id: str) -> tuple[Document, Document]:
        challenge = await self.challenges.open(challenge_id, authority=self.slug)
        if challenge is None or int(challenge.get("attempts", 0)) >= MAX_CODE_ATTEMPTS:
            raise ChallengeInvalid()
        account = await self.accounts.get(str(challenge["user_id"]))
        if account is None:
            raise ChallengeInvalid()
        # A lock set after the password step holds for the rest of the sign-in, too.
        await self.throttle.refuse_if_locked(email=str(account["email"]))
        return challenge, account

    async def send_code(self, challenge_id: str) -> CodeSent:
        """Email a new sign-in code (at most one a minute)."""
        challenge, account = await self._open_challenge(challenge_id)
        if (
            challenge["kind"] != "second_factor_required"
            or "email_code" not in challenge["methods"]
        ):
            raise MethodNotAvailable()
        sent_at = challenge.get("code_sent_at")
        now = datetime.now(UTC)
        if sent_at is not None and sent_at + CODE_RESEND_AFTER > now:
            raise CodeRecentlySent(int((sent_at + CODE_RESEND_AFTER - now).total_seconds()) + 1)
        return await self._send_code(challenge_id, account)

    async def _send_code(self, challenge_id: str, account: Document) -> CodeSent:
        code = random_code()
        now = datetime.now(UTC)
        expires_at = now + CODE_LIFETIME
        user_id = str(account["_id"])

        async def send(session: Session) -> None:
            await self.challenges.update(
                challenge_id,
                {
                    "code_digest": self.box.code_digest(code, context=_code_context(challenge_id)),
                    "code_used": False,
                    "code_expires_at": expires_at,
                    "code_sent_at": now,
                },
                session=session,
            )
            await self.outbox.add(
                session,
                SignInCodeIssued(
                    **recipient(account),
                    code=code,
                    purpose="sign_in",
                    expires_at=expires_at,
                ),
                authority=self.slug,
                actor=user_id,
                subject=user_id,
            )

        await self.mongo.transaction(send)
        return CodeSent(code_sent_to=mask_email(str(account["email"])), expires_at=expires_at)

    async def answer(self, challenge_id: str, method: str, code: str) -> TokenPair:
        """Finish signing in with a code from a second factor."""
        challenge, account = await self._open_challenge(challenge_id)
        if challenge["kind"] != "second_factor_required" or method not in challenge["methods"]:
            raise MethodNotAvailable()
        user_id = str(account["_id"])
        if not await self._code_is_right(challenge_id, challenge, account, method, code.strip()):
            attempts = await self.challenges.count_attempt(challenge_id)
            await self.throttle.failed(email=str(account["email"]), address=self.client.address)
            await self._audit(actions.SECOND_FACTOR, "failure", user_id, {"method": method})
            SIGN_INS.labels("second_factor", "failure").inc()
            await self.guessing.wrong_answer(account)
            left = max(0, MAX_CODE_ATTEMPTS - attempts)
            if left == 0:
                raise ChallengeInvalid("Too many wrong codes. Sign in again.")
            raise CodeInvalid(details={"attempts_left": left})
        # Wrong answers given at the same moment elsewhere may have locked it since.
        await self.throttle.refuse_if_locked(email=str(account["email"]))
        admission = await self._admit(account)
        if not await self.challenges.finish(challenge_id):
            raise ChallengeInvalid()
        tokens = await self.open_session(account, admission, SECOND_FACTOR_METHODS, via=method)
        await self.guessing.right_answer(account)
        return tokens

    async def _code_is_right(
        self, challenge_id: str, challenge: Document, account: Document, method: str, code: str
    ) -> bool:
        user_id = str(account["_id"])
        if method == "email_code":
            expires_at = challenge.get("code_expires_at")
            if expires_at is None or expires_at <= datetime.now(UTC):
                return False
            sent = challenge.get("code_digest")
            if not self.box.code_matches(code, sent, context=_code_context(challenge_id)):
                return False
            # Single use: the code cannot open a second session even if the first step races.
            # The same right code sent twice at once (a double click) is not a wrong answer:
            # the second copy is told the sign-in has moved on, and counts against nothing.
            if challenge.get("code_used") or not await self.challenges.use_code(
                challenge_id, str(sent)
            ):
                raise ChallengeInvalid()
            return True
        if method == "totp":
            factor = await self.factors.get(user_id, "totp")
            if factor is None or factor["status"] != "active":
                return False
            secret = self.box.decrypt(str(factor.get("secret", "")))
            step = matching_step(secret, code) if secret else None
            return step is not None and await self.factors.claim_totp_step(str(factor["_id"]), step)
        return await self.factors.claim_recovery_code(
            user_id, self.second_factors.recovery_digest(code)
        )

    async def postpone(self, challenge_id: str) -> TokenPair:
        """ "Later": sign in without setting up a second factor, when that is allowed."""
        challenge, account = await self._open_challenge(challenge_id)
        if challenge["kind"] != "enrolment_offered":
            raise MethodNotAvailable("Setting up a second factor cannot be put off here.")
        admission = await self._admit(account)
        if not await self.challenges.finish(challenge_id):
            raise ChallengeInvalid()
        user_id = str(account["_id"])
        await self.accounts.update(user_id, {"two_factor_offer_dismissed_at": datetime.now(UTC)})
        await self._audit(actions.ENROLMENT_POSTPONED, "success", user_id, {})
        return await self.open_session(account, admission, PASSWORD_ONLY)

    async def _enrolment(self, challenge_id: str) -> tuple[Document, Document]:
        challenge, account = await self._open_challenge(challenge_id)
        if challenge["kind"] not in ("enrolment_required", "enrolment_offered"):
            raise MethodNotAvailable("This sign-in does not set up a second factor.")
        return challenge, account

    async def begin_enrolment(self, challenge_id: str, method: str) -> dict[str, Any]:
        """Start setting up a factor during sign-in."""
        _, account = await self._enrolment(challenge_id)
        service = self.second_factors
        if method == "totp":
            setup = await service.begin_totp(account)
            return {
                "method": "totp",
                "secret": setup.secret,
                "otpauth_uri": setup.otpauth_uri,
                "qr_svg": setup.qr_svg,
            }
        expires_at = await service.begin_email(account)
        return {
            "method": "email_code",
            "code_sent_to": mask_email(str(account["email"])),
            "expires_at": expires_at,
        }

    async def confirm_enrolment(
        self, challenge_id: str, method: str, code: str
    ) -> SignedInWithRecoveryCodes:
        """Confirm the new factor with its first code, then open the session."""
        _, account = await self._enrolment(challenge_id)
        service = self.second_factors
        try:
            codes = await service.confirm(
                account, "totp" if method == "totp" else "email_code", code.strip()
            )
        except CodeInvalid:
            await self.challenges.count_attempt(challenge_id)
            raise
        admission = await self._admit(account)
        if not await self.challenges.finish(challenge_id):
            raise ChallengeInvalid()
        tokens = await self.open_session(account, admission, SECOND_FACTOR_METHODS, via=method)
        return SignedInWithRecoveryCodes(session=tokens, recovery_codes=codes)

    # Sessions and tokens

    async def open_session(
        self,
        account: Document,
        admission: Admission,
        methods: list[str],
        *,
        at: Authority | None = None,
        via: str = "password",
        action: str = actions.SIGN_IN,
        details: dict[str, Any] | None = None,
    ) -> TokenPair:
        """Start a session here (or in the authority `at`) and sign its first tokens."""
        slug = (at or self.authority).slug
        user_id = str(account["_id"])
        refresh_token = random_token()

        async def start(session: Session) -> Document:
            record = await self.sessions.start(
                slug,
                user_id=user_id,
                methods=methods,
                client=self.client,
                idle_lifetime=self.refresh_lifetime,
                session=session,
            )
            await self.refresh_tokens.add(
                refresh_token,
                authority=slug,
                session_id=str(record["_id"]),
                user_id=user_id,
                lifetime=self.refresh_lifetime,
                session=session,
            )
            await self.audit.record(
                authority=slug,
                action=action,
                outcome="success",
                client=self.client,
                actor=user_id,
                subject=user_id,
                details={"method": via, "session_id": str(record["_id"]), **(details or {})},
                session=session,
            )
            return record

        record = await self.mongo.transaction(start)
        SIGN_INS.labels("session", "opened").inc()
        return await self._tokens(
            user_id,
            admission,
            methods,
            session_id=str(record["_id"]),
            refresh_token=refresh_token,
            authority=slug,
        )

    async def _tokens(
        self,
        user_id: str,
        admission: Admission,
        methods: list[str],
        *,
        session_id: str,
        refresh_token: str,
        authority: str,
    ) -> TokenPair:
        access_token = await self.access_tokens.sign(
            Grant(
                user_id=user_id,
                authority=authority,
                roles=admission.roles,
                organisation=admission.organisation,
                methods=methods,
                session_id=session_id,
            )
        )
        return TokenPair(
            access_token=access_token,
            expires_in=self.access_tokens.lifetime_seconds,
            refresh_token=refresh_token,
            session_id=session_id,
            authority=authority,
            roles=admission.roles,
        )

    async def refresh(self, refresh_token: str) -> TokenPair:
        """New tokens for a refresh token, which is then used up; a reused one ends the session."""
        record = await self.refresh_tokens.find(refresh_token)
        now = datetime.now(UTC)
        if record is None or record["authority"] != self.slug:
            raise RefreshTokenInvalid()
        session_id = str(record["session_id"])
        user_id = str(record["user_id"])
        if record.get("rotated_at") is not None:
            await self._end_for_reuse(session_id, user_id)
        if record["expires_at"] <= now:
            raise RefreshTokenInvalid()
        live = await self.sessions.live(self.slug, session_id)
        account = await self.accounts.get(user_id)
        if live is None or account is None:
            raise SessionEnded()
        try:
            admission = await self.admissions.admit(account, self.authority)
        except AppError:
            await self.ending.one(self.slug, session_id, reason="refused")
            raise
        replacement = random_token()

        async def rotate(session: Session) -> bool:
            if not await self.refresh_tokens.rotate(refresh_token, session=session):
                return False
            await self.refresh_tokens.add(
                replacement,
                authority=self.slug,
                session_id=session_id,
                user_id=user_id,
                lifetime=self.refresh_lifetime,
                session=session,
            )
            await self.sessions.touch(
                self.slug,
                session_id,
                client=self.client,
                idle_lifetime=self.refresh_lifetime,
                session=session,
            )
            return True

        if not await self.mongo.transaction(rotate):
            await self._end_for_reuse(session_id, user_id)
        methods = [str(method) for method in live.get("methods", PASSWORD_ONLY)]
        return await self._tokens(
            user_id,
            admission,
            methods,
            session_id=session_id,
            refresh_token=replacement,
            authority=self.slug,
        )

    async def _end_for_reuse(self, session_id: str, user_id: str) -> None:
        await self.ending.one(self.slug, session_id, reason="refresh_token_reused")
        await self._audit(
            actions.REFRESH_TOKEN_REUSED, "failure", user_id, {"session_id": session_id}
        )
        raise RefreshTokenReused()

    async def revoke(self, refresh_token: str) -> None:
        """Sign out the session a refresh token belongs to (quietly, whatever the token)."""
        record = await self.refresh_tokens.find(refresh_token)
        if record is None or record["authority"] != self.slug:
            return
        session_id = str(record["session_id"])
        if await self.ending.one(self.slug, session_id, reason="signed_out"):
            await self._audit(
                actions.SESSION_ENDED, "success", str(record["user_id"]), {"session_id": session_id}
            )

    async def end(self, caller: Caller, session_id: str) -> None:
        """End one of the caller's own sessions (the current one, too)."""
        target = caller.session_id if session_id == "current" else session_id
        ended = await self.ending.one(
            self.slug, target, reason="signed_out", user_id=caller.user_id
        )
        if not ended:
            raise NotFound("There is no such session going.", code="session_not_found")
        await self._audit(actions.SESSION_ENDED, "success", caller.user_id, {"session_id": target})

    async def switch(self, caller: Caller, target: str) -> TokenPair:
        """Open a session in another authority the caller belongs to."""
        record = self.authorities.get(target)
        if record is None or record.status != "active":
            raise AuthorityNotFound()
        account = await self.accounts.get(caller.user_id)
        if account is None:
            raise SessionEnded()
        admission = await self.admissions.admit(account, record)
        has_factor = bool(await self.factors.active(caller.user_id))
        forced = two_factor_forced(record, admission.roles)
        if (forced or has_factor) and "mfa" not in caller.methods:
            raise SecondFactorNeeded()
        return await self.open_session(
            account,
            admission,
            caller.methods,
            at=record,
            via="switch",
            action=actions.SESSION_SWITCHED,
            details={"from_authority": self.slug},
        )


def _code_context(challenge_id: str) -> str:
    # Bound to the challenge, so a code cannot answer any other sign-in.
    return f"sign-in:{digest(challenge_id)}"
