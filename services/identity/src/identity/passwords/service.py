"""Changing a password, and resetting a forgotten one with an emailed link."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contracts.events.identity import PasswordChanged, PasswordResetRequested
from identity.accounts.recipient import recipient
from identity.accounts.repository import Accounts, normalise_email
from identity.accounts.schemas import Accepted
from identity.audit import actions
from identity.audit.repository import AuditLog
from identity.errors import PasswordsDoNotMatch, PasswordTooWeak, WrongPassword
from identity.links import LinkTokens
from identity.passwords.hashing import hash_password, verify_password
from identity.passwords.policy import require_strong
from identity.serving import WritingForAuthority
from identity.sessions.ending import SessionEnding
from identity.sessions.throttle import SignInThrottle
from kit.clients import ClientInfo
from kit.errors import NotFound
from kit.mongo import Document, Session

RESET_SENT = Accepted(
    message=(
        "If there is an account with this email address, we have sent it a link to choose a new "
        "password. The link works once, for one hour."
    )
)
# One reset email a minute at most, so the form cannot be used to flood someone's inbox.
RESEND_AFTER = timedelta(seconds=60)


@dataclass(kw_only=True)
class PasswordService(WritingForAuthority):
    """Passwords within one authority's portal."""

    accounts: Accounts
    links: LinkTokens
    ending: SessionEnding
    throttle: SignInThrottle

    async def change(
        self, account: Document, *, current: str, new: str, confirm: str, keep_session: str
    ) -> None:
        """Change the password; every other session of the person ends."""
        if not await verify_password(account.get("password_hash"), current):
            await self._audit(
                actions.PASSWORD_CHANGED,
                "failure",
                str(account["_id"]),
                {"reason": "wrong_password"},
            )
            raise WrongPassword()
        if new != confirm:
            raise PasswordsDoNotMatch()
        require_strong(new, email=str(account["email"]))
        if new == current:
            raise PasswordTooWeak(
                details={"rules": [{"code": "not_current", "message": "Not your current password"}]}
            )
        await self._store(account, new, by_reset=False, keep_session=keep_session)

    async def _store(
        self,
        account: Document,
        password: str,
        *,
        by_reset: bool,
        keep_session: str | None,
        first: Callable[[Session], Awaitable[object]] | None = None,
    ) -> None:
        user_id = str(account["_id"])
        password_hash = await hash_password(password)
        now = datetime.now(UTC)

        async def save(session: Session) -> None:
            if first is not None:
                await first(session)
            changes: dict[str, object] = {
                "password_hash": password_hash,
                "password_changed_at": now,
            }
            if by_reset and account.get("email_confirmed_at") is None:
                # The link reached the inbox, which is what confirming proves.
                changes["email_confirmed_at"] = now
            await self.accounts.update(user_id, changes, session=session)
            await self.ending.all_everywhere(
                user_id,
                reason="password_reset" if by_reset else "password_changed",
                keep=keep_session,
                session=session,
            )
            await self.outbox.add(
                session,
                PasswordChanged(**recipient(account), changed_at=now, by_reset=by_reset),
                authority=self.slug,
                actor=user_id,
                subject=user_id,
            )
            await self.audit.record(
                authority=self.slug,
                action=actions.PASSWORD_RESET if by_reset else actions.PASSWORD_CHANGED,
                outcome="success",
                client=self.client,
                actor=user_id,
                subject=user_id,
                session=session,
            )

        await self.mongo.transaction(save)

    async def request_reset(self, email: str, *, actor: str | None = None) -> None:
        """Email a reset link if there is such an account (run after answering RESET_SENT)."""
        account = await self.accounts.by_email(normalise_email(email))
        if account is not None:
            await self.send_reset(account, actor=actor)

    async def send_reset(self, account: Document, *, actor: str | None) -> None:
        """Email a reset link to this account, unless one went in the last minute."""
        user_id = str(account["_id"])
        recent = await self.links.latest(user_id=user_id, purpose="reset_password")
        if recent is not None and recent["created_at"] + RESEND_AFTER > datetime.now(UTC):
            return

        async def send(session: Session) -> None:
            link = await self.links.issue(
                session, purpose="reset_password", user_id=user_id, authority=self.slug
            )
            await self.outbox.add(
                session,
                PasswordResetRequested(
                    **recipient(account), link=link.url, expires_at=link.expires_at
                ),
                authority=self.slug,
                actor=actor,
                subject=user_id,
            )
            await self.audit.record(
                authority=self.slug,
                action=actions.PASSWORD_RESET_REQUESTED,
                outcome="success",
                client=self.client,
                actor=actor or user_id,
                subject=user_id,
                session=session,
            )

        await self.mongo.transaction(send)

    async def reset(self, token: str, *, new: str, confirm: str) -> None:
        """Set a new password with the link's token; every session of the person ends."""
        if new != confirm:
            raise PasswordsDoNotMatch()
        use = await self.links.peek(token, purpose="reset_password", authority=self.slug)
        account = await self.accounts.get(use.user_id)
        if account is None:
            raise NotFound()
        require_strong(new, email=str(account["email"]))

        async def use_link(session: Session) -> object:
            return await self.links.redeem(
                session, token, purpose="reset_password", authority=self.slug
            )

        await self._store(account, new, by_reset=True, keep_session=None, first=use_link)
        await self.throttle.release(email=str(account["email"]))


async def require_password(
    account: Document,
    password: str,
    *,
    throttle: SignInThrottle,
    audit: AuditLog,
    authority: str,
    client: ClientInfo,
) -> None:
    """Refuse a sensitive change unless the password is right; wrong ones count towards lock-out."""
    email = str(account["email"])
    await throttle.check(email=email, address=client.address)
    if await verify_password(account.get("password_hash"), password):
        return
    await throttle.failed(email=email, address=client.address)
    await audit.record(
        authority=authority,
        action=actions.PASSWORD_CHANGED,
        outcome="failure",
        client=client,
        actor=str(account["_id"]),
        subject=str(account["_id"]),
        details={"reason": "wrong_password", "step": "confirm_password"},
    )
    raise WrongPassword()
