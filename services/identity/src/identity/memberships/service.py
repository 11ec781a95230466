"""A person's memberships: listing them and joining another authority."""

from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from identity.audit import actions
from identity.audit.repository import AuditLog
from identity.dependencies import Caller
from identity.errors import AlreadyMember
from identity.memberships.repository import Memberships
from identity.memberships.schemas import MyMembership, MyMemberships, RestrictionNote
from identity.restrictions.repository import Restrictions
from kit.authorities import Authorities, AuthorityNotFound
from kit.clients import ClientInfo
from kit.idempotency import Once
from kit.mongo import Mongo, Session


@dataclass(kw_only=True)
class MembershipService:
    """Memberships of the caller."""

    client: ClientInfo
    mongo: Mongo
    audit: AuditLog
    memberships: Memberships
    restrictions: Restrictions
    authorities: Authorities

    async def mine(self, caller: Caller) -> MyMemberships:
        """Every authority the caller belongs to, with any restriction in force."""
        items = []
        for membership in await self.memberships.of_person(caller.user_id):
            items.append(await self._view(caller, str(membership["authority"])))
        return MyMemberships(items=items)

    async def _view(self, caller: Caller, slug: str) -> MyMembership:
        membership = await self.memberships.of(slug, caller.user_id)
        assert membership is not None
        authority = self.authorities.get(slug)
        restriction = await self.restrictions.in_force_for(slug, caller.user_id)
        return MyMembership(
            authority=slug,
            authority_name=authority.name if authority is not None else slug,
            roles=[str(role) for role in membership.get("roles", [])],
            organisation_id=membership.get("organisation_id"),
            status=str(membership.get("status", "active")),
            restriction=(
                RestrictionNote(until=restriction.get("until"), reason=str(restriction["reason"]))
                if restriction
                else None
            ),
            current=slug == caller.authority,
        )

    async def join(self, caller: Caller, target: str, *, once: Once) -> MyMembership:
        """Become an applicant of another authority that uses the portal."""
        authority = self.authorities.get(target)
        if authority is None or authority.status != "active":
            raise AuthorityNotFound()
        if await self.memberships.of(target, caller.user_id) is not None:
            raise AlreadyMember("You already have an account with this housing service.")
        view: MyMembership | None = None

        async def create(session: Session) -> None:
            nonlocal view
            await self.memberships.create(
                target, user_id=caller.user_id, roles=["applicant"], session=session
            )
            await self.audit.record(
                authority=target,
                action=actions.MEMBERSHIP_JOINED,
                outcome="success",
                client=self.client,
                actor=caller.user_id,
                subject=caller.user_id,
                details={"from_authority": caller.authority},
                session=session,
            )
            view = MyMembership(
                authority=target,
                authority_name=authority.name,
                roles=["applicant"],
                organisation_id=None,
                status="active",
                restriction=None,
                current=False,
            )
            await once.remember(session, view)

        try:
            await self.mongo.transaction(create)
        except DuplicateKeyError as exc:
            if once.key is not None and await once.earlier() is not None:
                raise
            raise AlreadyMember("You already have an account with this housing service.") from exc
        assert view is not None
        return view
