"""Whether a person may act in an authority now, and with which roles."""

from dataclasses import dataclass

from identity.errors import AccessRestricted, AccountInactive, EmailNotConfirmed, NotAMember
from identity.memberships.repository import Memberships
from identity.restrictions.repository import Restrictions
from kit.auth import STAFF_ROLES
from kit.authorities import Authority
from kit.mongo import Document


@dataclass(frozen=True)
class Admission:
    """The roles and organisation a person acts with in one authority."""

    roles: list[str]
    organisation: str | None


def two_factor_forced(authority: Authority, roles: list[str]) -> bool:
    """Whether the authority makes these roles sign in with a second factor."""
    return authority.staff_two_factor_required and bool(STAFF_ROLES.intersection(roles))


class Admissions:
    """Who may act in an authority, from their membership and any restriction in force."""

    def __init__(self, *, memberships: Memberships, restrictions: Restrictions) -> None:
        self.memberships = memberships
        self.restrictions = restrictions

    async def admit(self, account: Document, authority: Authority) -> Admission:
        """The person's roles here; refuse an unconfirmed, absent, inactive or restricted member."""
        if account.get("email_confirmed_at") is None:
            raise EmailNotConfirmed()
        slug = authority.slug
        user_id = str(account["_id"])
        membership = await self.memberships.of(slug, user_id)
        roles: list[str] = []
        organisation: str | None = None
        if membership is not None:
            if membership.get("status") != "active":
                raise AccountInactive()
            roles = [str(role) for role in membership.get("roles", [])]
            organisation = membership.get("organisation_id")
        if account.get("platform_admin"):
            roles.append("platform_admin")
        if not roles:
            raise NotAMember()
        restriction = await self.restrictions.in_force_for(slug, user_id)
        if restriction is not None:
            raise AccessRestricted(
                authority_name=authority.name,
                reason=str(restriction["reason"]),
                until=restriction.get("until"),
            )
        return Admission(roles=roles, organisation=organisation)
