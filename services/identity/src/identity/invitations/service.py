"""Inviting staff and landlord users, and accepting an invitation."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from contracts.events.identity import Role, StaffInvited
from identity.accounts.recipient import recipient
from identity.accounts.repository import Accounts, normalise_email
from identity.audit import actions
from identity.errors import AlreadyMember, WrongPassword
from identity.invitations.repository import Invitations
from identity.invitations.schemas import InvitationAccepted, InvitationView
from identity.links import LinkTokens
from identity.memberships.repository import Memberships
from identity.organisations.repository import Organisations
from identity.passwords.hashing import hash_password, verify_password
from identity.passwords.policy import require_strong
from identity.serving import WritingForAuthority
from kit.errors import NotFound
from kit.mongo import Document, Session


def invitation_view(record: Document) -> InvitationView:
    """An invitation as the API shows it."""
    state: Literal["pending", "accepted", "expired"] = "pending"
    if record.get("accepted_at") is not None:
        state = "accepted"
    elif record["expires_at"] <= datetime.now(UTC):
        state = "expired"
    return InvitationView(
        id=str(record["_id"]),
        user_id=str(record["user_id"]),
        email=str(record["email"]),
        role=str(record["role"]),
        organisation_id=record.get("organisation_id"),
        state=state,
        created_at=record["created_at"],
        expires_at=record["expires_at"],
        accepted_at=record.get("accepted_at"),
    )


@dataclass(kw_only=True)
class InvitationService(WritingForAuthority):
    """Invitations of one authority."""

    accounts: Accounts
    memberships: Memberships
    invitations: Invitations
    organisations: Organisations
    links: LinkTokens

    async def inviter_name(self, user_id: str) -> str:
        """How an invitation names who sent it."""
        inviter = await self.accounts.get(user_id)
        if inviter is None:
            return "An administrator"
        return f"{inviter['first_name']} {inviter['last_name']}".strip()[:200]

    async def invite(
        self,
        session: Session,
        *,
        inviter_id: str,
        inviter_name: str,
        email: str,
        first_name: str,
        last_name: str,
        role: Role,
        organisation: Document | None = None,
    ) -> InvitationView:
        """Give the person the role here (making their account if need be) and email the link."""
        email = normalise_email(email)
        organisation_id = str(organisation["_id"]) if organisation else None
        account = await self.accounts.by_email(email, session=session)
        if account is None:
            account = await self.accounts.create(
                email=email,
                first_name=first_name,
                last_name=last_name,
                password_hash=None,
                registered_authority=self.slug,
                session=session,
            )
        user_id = str(account["_id"])
        membership = await self.memberships.of(self.slug, user_id, session=session)
        if membership is None:
            await self.memberships.create(
                self.slug,
                user_id=user_id,
                roles=[role],
                organisation_id=organisation_id,
                session=session,
            )
        else:
            held = membership.get("organisation_id")
            if role in membership.get("roles", []):
                raise AlreadyMember()
            if organisation_id is not None and held not in (None, organisation_id):
                raise AlreadyMember("This person already belongs to another organisation here.")
            await self.memberships.add_role(
                self.slug, user_id, role, organisation_id=organisation_id, session=session
            )
        return await self._send(
            session,
            account=account,
            invitation_id=uuid.uuid4().hex,
            inviter_id=inviter_id,
            inviter_name=inviter_name,
            role=role,
            organisation=organisation,
            new=True,
        )

    async def _send(
        self,
        session: Session,
        *,
        account: Document,
        invitation_id: str,
        inviter_id: str,
        inviter_name: str,
        role: Role,
        organisation: Document | None,
        new: bool,
    ) -> InvitationView:
        user_id = str(account["_id"])
        link = await self.links.issue(
            session,
            purpose="accept_invitation",
            user_id=user_id,
            authority=self.slug,
            subject=invitation_id,
        )
        organisation_id = str(organisation["_id"]) if organisation else None
        if new:
            record = await self.invitations.create(
                self.slug,
                invitation_id=invitation_id,
                user_id=user_id,
                email=str(account["email"]),
                role=role,
                organisation_id=organisation_id,
                invited_by=inviter_id,
                expires_at=link.expires_at,
                session=session,
            )
        else:
            renewed = await self.invitations.renew(
                self.slug, invitation_id, expires_at=link.expires_at, session=session
            )
            if renewed is None:
                raise NotFound("This invitation was accepted already.", code="invitation_not_found")
            record = renewed
        await self.outbox.add(
            session,
            StaffInvited(
                **recipient(account),
                role=role,
                organisation_name=str(organisation["name"]) if organisation else None,
                invited_by=inviter_name or "An administrator",
                link=link.url,
                expires_at=link.expires_at,
            ),
            authority=self.slug,
            actor=inviter_id,
            subject=user_id,
        )
        await self.audit.record(
            authority=self.slug,
            action=actions.STAFF_INVITED,
            outcome="success",
            client=self.client,
            actor=inviter_id,
            subject=user_id,
            details={"role": role, "organisation_id": organisation_id, "renewed": not new},
            session=session,
        )
        return invitation_view(record)

    async def renew_pending(self, user_id: str, *, inviter_id: str) -> None:
        """Email a new link for the person's latest invitation here, if it is not accepted yet."""
        invitation = await self.invitations.latest_for(self.slug, user_id)
        if invitation is not None and invitation.get("accepted_at") is None:
            await self.renew(invitation, inviter_id=inviter_id)

    async def renew(self, invitation: Document, *, inviter_id: str) -> InvitationView:
        """Email a new link for an invitation not yet accepted; the old link stops working."""
        account = await self.accounts.get(str(invitation["user_id"]))
        if account is None or invitation.get("accepted_at") is not None:
            raise NotFound("This invitation was accepted already.", code="invitation_not_found")
        organisation = None
        if invitation.get("organisation_id"):
            organisation = await self.organisations.get(
                self.slug, str(invitation["organisation_id"])
            )
        inviter_name = await self.inviter_name(inviter_id)
        role: Role = invitation["role"]

        async def send(session: Session) -> InvitationView:
            return await self._send(
                session,
                account=account,
                invitation_id=str(invitation["_id"]),
                inviter_id=inviter_id,
                inviter_name=inviter_name,
                role=role,
                organisation=organisation,
                new=False,
            )

        return await self.mongo.transaction(send)

    async def accept(self, token: str, password: str) -> InvitationAccepted:
        """Set the password (or prove the current one) and take up the invitation."""
        use = await self.links.peek(token, purpose="accept_invitation", authority=self.slug)
        account = await self.accounts.get(use.user_id)
        if account is None or use.subject is None:
            raise NotFound()
        user_id = str(account["_id"])
        changes: dict[str, object] = {}
        now = datetime.now(UTC)
        if account.get("password_hash") is None:
            require_strong(password, email=str(account["email"]))
            changes["password_hash"] = await hash_password(password)
            changes["password_changed_at"] = now
        elif not await verify_password(account["password_hash"], password):
            raise WrongPassword(
                "You already have an account: enter its password to accept the invitation."
            )
        if account.get("email_confirmed_at") is None:
            changes["email_confirmed_at"] = now
        invitation_id = use.subject

        async def take_up(session: Session) -> Document:
            await self.links.redeem(
                session, token, purpose="accept_invitation", authority=self.slug
            )
            invitation = await self.invitations.accept(self.slug, invitation_id, session=session)
            if invitation is None:
                raise NotFound()
            if changes:
                await self.accounts.update(user_id, changes, session=session)
            await self.audit.record(
                authority=self.slug,
                action=actions.INVITATION_ACCEPTED,
                outcome="success",
                client=self.client,
                actor=user_id,
                subject=user_id,
                details={"role": invitation["role"], "invitation_id": invitation_id},
                session=session,
            )
            return invitation

        invitation = await self.mongo.transaction(take_up)
        return InvitationAccepted(
            authority=self.slug, email=str(account["email"]), role=str(invitation["role"])
        )
