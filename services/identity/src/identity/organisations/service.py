"""Organisations and the users their administrators create, reset and (de)activate."""

from dataclasses import dataclass
from typing import Literal

from pymongo.errors import DuplicateKeyError

from contracts.events.identity import AccountDeactivated, AccountReactivated
from identity.accounts.repository import Accounts
from identity.audit import actions
from identity.dependencies import Caller
from identity.errors import MemberNotFound
from identity.invitations.schemas import Invitee, LandlordRole
from identity.invitations.service import InvitationService
from identity.memberships.repository import Memberships
from identity.organisations.repository import Organisations, name_key
from identity.organisations.schemas import (
    CreatedOrganisation,
    OrganisationUser,
    OrganisationView,
)
from identity.passwords.service import PasswordService
from identity.restrictions.repository import Restrictions
from identity.serving import WritingForAuthority
from identity.sessions.ending import SessionEnding
from kit.errors import Conflict
from kit.idempotency import Once
from kit.mongo import Document, Session


def organisation_view(record: Document) -> OrganisationView:
    """An organisation as the API shows it."""
    return OrganisationView(
        id=str(record["_id"]),
        name=str(record["name"]),
        kind=str(record["kind"]),
        created_at=record["created_at"],
    )


def organisation_user(membership: Document, account: Document) -> OrganisationUser:
    """A member of an organisation as the API shows them."""
    state: Literal["invited", "active", "inactive"]
    if membership.get("status") != "active":
        state = "inactive"
    elif account.get("password_hash") is None:
        state = "invited"
    else:
        state = "active"
    return OrganisationUser(
        user_id=str(account["_id"]),
        email=str(account["email"]),
        first_name=str(account["first_name"]),
        last_name=str(account["last_name"]),
        roles=[str(role) for role in membership.get("roles", [])],
        state=state,
        added_at=membership["created_at"],
    )


@dataclass(kw_only=True)
class OrganisationService(WritingForAuthority):
    """Organisations of one authority."""

    organisations: Organisations
    accounts: Accounts
    memberships: Memberships
    restrictions: Restrictions
    invitations: InvitationService
    passwords: PasswordService
    ending: SessionEnding

    async def create(
        self, caller: Caller, *, name: str, administrator: Invitee, once: Once
    ) -> CreatedOrganisation:
        """Make a landlord organisation and invite its first administrator."""
        inviter_name = await self.invitations.inviter_name(caller.user_id)

        async def create(session: Session) -> CreatedOrganisation:
            record = await self.organisations.create(
                self.slug, name=name, kind="landlord", created_by=caller.user_id, session=session
            )
            invitation = await self.invitations.invite(
                session,
                inviter_id=caller.user_id,
                inviter_name=inviter_name,
                email=administrator.email,
                first_name=administrator.first_name,
                last_name=administrator.last_name,
                role="landlord_admin",
                organisation=record,
            )
            await self.audit.record(
                authority=self.slug,
                action=actions.ORGANISATION_CREATED,
                outcome="success",
                client=self.client,
                actor=caller.user_id,
                subject=None,
                details={"organisation_id": str(record["_id"]), "name": record["name"]},
                session=session,
            )
            created = CreatedOrganisation(
                **organisation_view(record).model_dump(), administrator=invitation
            )
            await once.remember(session, created)
            return created

        try:
            return await self.mongo.transaction(create)
        except DuplicateKeyError as exc:
            if once.key is not None and await once.earlier() is not None:
                raise
            if await self._name_taken(name):
                raise Conflict(
                    "There is already an organisation with this name here.",
                    code="organisation_exists",
                ) from exc
            raise

    async def _name_taken(self, name: str) -> bool:
        return (
            await self.organisations.find_one(self.slug, {"name_key": name_key(name)}) is not None
        )

    async def add_user(
        self,
        caller: Caller,
        organisation: Document,
        *,
        person: Invitee,
        role: LandlordRole,
        once: Once,
    ) -> OrganisationUser:
        """Create a user of the organisation; they get an email to set their password."""
        inviter_name = await self.invitations.inviter_name(caller.user_id)

        async def add(session: Session) -> OrganisationUser:
            invitation = await self.invitations.invite(
                session,
                inviter_id=caller.user_id,
                inviter_name=inviter_name,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                role=role,
                organisation=organisation,
            )
            membership = await self.memberships.of(self.slug, invitation.user_id, session=session)
            account = await self.accounts.get(invitation.user_id, session=session)
            assert membership is not None
            assert account is not None
            user = organisation_user(membership, account)
            await once.remember(session, user)
            return user

        return await self.mongo.transaction(add)

    async def users(self, organisation: Document) -> list[OrganisationUser]:
        """The organisation's users, oldest first."""
        members = await self.memberships.of_organisation(self.slug, str(organisation["_id"]))
        accounts = await self.accounts.many([str(record["user_id"]) for record in members])
        return [
            organisation_user(record, accounts[str(record["user_id"])])
            for record in members
            if str(record["user_id"]) in accounts
        ]

    async def _member(self, organisation: Document, user_id: str) -> tuple[Document, Document]:
        membership = await self.memberships.of(self.slug, user_id)
        if membership is None or membership.get("organisation_id") != str(organisation["_id"]):
            raise MemberNotFound()
        account = await self.accounts.get(user_id)
        if account is None:
            raise MemberNotFound()
        return membership, account

    async def send_password_reset(
        self, caller: Caller, organisation: Document, user_id: str
    ) -> None:
        """Email the user a reset link, or a new invitation if they never set a password."""
        _, account = await self._member(organisation, user_id)
        if account.get("password_hash") is None:
            await self.invitations.renew_pending(user_id, inviter_id=caller.user_id)
        else:
            await self.passwords.send_reset(account, actor=caller.user_id)
        await self.audit.record(
            authority=self.slug,
            action=actions.MEMBER_PASSWORD_RESET_SENT,
            outcome="success",
            client=self.client,
            actor=caller.user_id,
            subject=user_id,
            details={"organisation_id": str(organisation["_id"])},
        )

    async def set_active(
        self, caller: Caller, organisation: Document, user_id: str, *, active: bool
    ) -> OrganisationUser:
        """Mark a user active, or inactive: then they cannot sign in and their sessions end."""
        membership, account = await self._member(organisation, user_id)
        if user_id == caller.user_id:
            raise Conflict("You cannot change your own status.", code="cannot_change_own_status")
        status = "active" if active else "inactive"

        async def save(session: Session) -> Document:
            updated = await self.memberships.set_status(self.slug, user_id, status, session=session)
            assert updated is not None
            if not active and membership.get("status") == "active":
                await self.ending.all_here(
                    self.slug, user_id, reason="deactivated", session=session
                )
                await self.outbox.add(
                    session,
                    AccountDeactivated(user_id=user_id, reason="deactivated"),
                    authority=self.slug,
                    actor=caller.user_id,
                    subject=user_id,
                )
            restricted = await self.restrictions.in_force_for(self.slug, user_id, session=session)
            if active and membership.get("status") != "active" and restricted is None:
                await self.outbox.add(
                    session,
                    AccountReactivated(user_id=user_id, reason="reactivated"),
                    authority=self.slug,
                    actor=caller.user_id,
                    subject=user_id,
                )
            await self.audit.record(
                authority=self.slug,
                action=actions.MEMBER_ACTIVATED if active else actions.MEMBER_DEACTIVATED,
                outcome="success",
                client=self.client,
                actor=caller.user_id,
                subject=user_id,
                details={"organisation_id": str(organisation["_id"])},
                session=session,
            )
            return updated

        updated = await self.mongo.transaction(save)
        return organisation_user(updated, account)
