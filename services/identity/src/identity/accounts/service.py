"""Registering, confirming the email address, and the profile."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from contracts.events.identity import ConfirmationRequested, RegistrationAttempted
from contracts.fields import Language
from identity.accounts.recipient import recipient
from identity.accounts.repository import Accounts, normalise_email
from identity.accounts.schemas import Accepted, Confirmed, ProfileChange
from identity.audit import actions
from identity.links import LinkTokens
from identity.memberships.repository import Memberships
from identity.passwords.hashing import hash_password, spend_hashing_time
from identity.passwords.policy import require_strong
from identity.serving import WritingForAuthority
from kit.errors import NotFound, PreconditionFailed
from kit.idempotency import Once
from kit.mongo import Document, Session

REGISTERED = Accepted(
    message=(
        "Thank you. If this email address can be used, we have sent a message to it. "
        "Follow the link in it within 24 hours to confirm your account."
    )
)
CONFIRMATION_SENT = Accepted(
    message=(
        "If an account with this email address is waiting to be confirmed, "
        "a new link is on its way."
    )
)
# A new confirmation email goes at most once a minute, however often someone asks.
RESEND_AFTER = timedelta(seconds=60)
SIGN_IN_PAGE = "account/sign-in"
FORGOTTEN_PASSWORD_PAGE = "account/forgotten-password"


@dataclass(kw_only=True)
class AccountService(WritingForAuthority):
    """Accounts within one authority's portal."""

    accounts: Accounts
    memberships: Memberships
    links: LinkTokens

    async def register(
        self,
        *,
        email: str,
        password: str,
        first_name: str,
        last_name: str,
        language: Language,
        once: Once,
    ) -> Accepted:
        """Make an applicant account and ask for confirmation; an existing owner is told instead."""
        email = normalise_email(email)
        require_strong(password, email=email)
        existing = await self.accounts.by_email(email)
        if existing is None:
            password_hash = await hash_password(password)
            try:
                await self.mongo.transaction(
                    lambda session: self._create(
                        session,
                        email=email,
                        password_hash=password_hash,
                        first_name=first_name,
                        last_name=last_name,
                        language=language,
                        once=once,
                    )
                )
                return REGISTERED
            except DuplicateKeyError:
                # Registered a moment ago by a racing request: answer as for an existing account.
                existing = await self.accounts.by_email(email)
                if existing is None:
                    raise
        else:
            await spend_hashing_time(password)
        await self.mongo.transaction(lambda session: self._tell_owner(session, existing, once=once))
        return REGISTERED

    async def _create(
        self,
        session: Session,
        *,
        email: str,
        password_hash: str,
        first_name: str,
        last_name: str,
        language: Language,
        once: Once,
    ) -> None:
        account = await self.accounts.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            password_hash=password_hash,
            registered_authority=self.slug,
            language=language,
            session=session,
        )
        user_id = str(account["_id"])
        await self.memberships.create(
            self.slug, user_id=user_id, roles=["applicant"], session=session
        )
        await self._ask_confirmation(session, account)
        await self._audit(actions.ACCOUNT_REGISTERED, "success", user_id, session=session)
        await once.remember(session, REGISTERED)

    async def _tell_owner(self, session: Session, account: Document, *, once: Once) -> None:
        user_id = str(account["_id"])
        if account.get("email_confirmed_at") is None and account.get("password_hash"):
            # Probably the same person again, whose first link was lost: send a new one, for
            # the authority they registered with, where their account is.
            registered = str(account.get("registered_authority") or self.slug)
            await self._ask_confirmation(session, account, authority=registered)
        else:
            await self.outbox.add(
                session,
                RegistrationAttempted(
                    **recipient(account),
                    sign_in_link=self.links.page(self.slug, SIGN_IN_PAGE),
                    reset_link=self.links.page(self.slug, FORGOTTEN_PASSWORD_PAGE),
                ),
                authority=self.slug,
                subject=user_id,
            )
        await self._audit(actions.REGISTRATION_ATTEMPTED, "success", user_id, session=session)
        await once.remember(session, REGISTERED)

    async def _ask_confirmation(
        self, session: Session, account: Document, *, authority: str | None = None
    ) -> None:
        user_id = str(account["_id"])
        slug = authority or self.slug
        # Earlier links keep working: emails can arrive in any order, and whichever the person
        # follows proves the same inbox, so confirming with any of them is harmless.
        link = await self.links.issue(
            session,
            purpose="confirm_email",
            user_id=user_id,
            authority=slug,
            replace_earlier=False,
        )
        await self.outbox.add(
            session,
            ConfirmationRequested(**recipient(account), link=link.url, expires_at=link.expires_at),
            authority=slug,
            subject=user_id,
        )

    async def confirm(self, token: str) -> Confirmed:
        """Confirm the email address with the link's token."""

        async def use(session: Session) -> None:
            use = await self.links.redeem(
                session, token, purpose="confirm_email", authority=self.slug
            )
            account = await self.accounts.get(use.user_id, session=session)
            if account is None:
                raise NotFound()
            if account.get("email_confirmed_at") is None:
                await self.accounts.update(
                    use.user_id, {"email_confirmed_at": datetime.now(UTC)}, session=session
                )
            await self._audit(actions.ACCOUNT_CONFIRMED, "success", use.user_id, session=session)

        await self.mongo.transaction(use)
        return Confirmed()

    async def resend_confirmation(self, email: str) -> None:
        """A new confirmation link, if an account here is waiting for one (run after answering)."""
        account = await self.accounts.by_email(normalise_email(email))
        if account is None or account.get("email_confirmed_at") is not None:
            return
        if not account.get("password_hash"):
            return
        user_id = str(account["_id"])
        if await self.memberships.of(self.slug, user_id) is None:
            return
        recent = await self.links.latest(user_id=user_id, purpose="confirm_email")
        if recent is not None and recent["created_at"] + RESEND_AFTER > datetime.now(UTC):
            return

        async def send(session: Session) -> None:
            await self._ask_confirmation(session, account)
            await self._audit(actions.CONFIRMATION_RESENT, "success", user_id, session=session)

        await self.mongo.transaction(send)

    async def change_profile(
        self, account: Document, change: ProfileChange, *, version: int
    ) -> Document:
        """Change name, phone or language, if the caller read the current version."""
        changes: dict[str, Any] = {}
        sent = change.model_fields_set
        for field in ("first_name", "last_name", "language"):
            value = getattr(change, field)
            if field in sent and value is not None:
                changes[field] = value
        if "phone" in sent:
            changes["phone"] = change.phone
        user_id = str(account["_id"])

        async def save(session: Session) -> Document:
            updated = await self.accounts.update(user_id, changes, version=version, session=session)
            if updated is None:
                raise PreconditionFailed(details={"current_etag": f'"{account["version"]}"'})
            await self._audit(
                actions.PROFILE_UPDATED,
                "success",
                user_id,
                {"fields": sorted(changes)},
                session=session,
            )
            return updated

        return await self.mongo.transaction(save)
