"""Pages that only some roles see: the signed-in person's profile and their roles here."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from kit.errors import NotFound
from web.account.dependencies import Person, SignedInPerson
from web.account.identity import download_as_person
from web.gateway import ApiAnswer, Download, forwarded_for, gateway_of
from web.i18n import gettext as _

# The ids the API gives records: only such a value from a page's address is put into an API
# call's path (anything else is the not-found page).
RecordId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def role_name(role: str) -> str:
    """A role as people call it, in the page's language."""
    names = {
        "applicant": _("Applicant"),
        "officer": _("Housing officer"),
        "manager": _("Manager"),
        "authority_admin": _("Administrator"),
        "landlord_user": _("Landlord user"),
        "landlord_admin": _("Landlord administrator"),
        "platform_admin": _("Portal administrator"),
    }
    return names.get(role, role)


@dataclass(frozen=True)
class RoleHolder:
    """A signed-in person with one of a page's roles, and the way to call the API as them."""

    request: Request
    person: Person
    profile: dict[str, Any]

    @property
    def authority(self) -> str:
        """The authority the person is signed in to."""
        return self.person.tokens.authority

    @property
    def user_id(self) -> str:
        """The person's account id."""
        return str(self.profile.get("id", ""))

    @property
    def organisation_id(self) -> str | None:
        """The landlord organisation the person belongs to here, if any."""
        organisation = self.profile.get("organisation_id")
        return organisation if isinstance(organisation, str) else None

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        if_match: str | None = None,
    ) -> ApiAnswer:
        """Call `/{authority}/api{path}` with the person's token."""
        return await gateway_of(self.request).call(
            method,
            f"/{self.authority}/api{path}",
            token=self.person.access_token,
            body=body,
            params=params,
            headers=headers,
            if_match=if_match,
            forwarded_for=forwarded_for(self.request),
        )

    async def download(self, path: str) -> Download:
        """A file from `/{authority}/api{path}` for the person, to pass on as it arrives."""
        return await download_as_person(self.request, self.person, path)


async def profile_of(request: Request, person: Person) -> dict[str, Any]:
    """The person's profile here (`/me`): their roles and organisation come with it."""
    answer = await gateway_of(request).call(
        "GET",
        f"/{person.tokens.authority}/api/identity/me",
        token=person.access_token,
        forwarded_for=forwarded_for(request),
    )
    return answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}


def holding(*roles: str) -> Callable[[Request, Person], Awaitable[RoleHolder]]:
    """A dependency that lets through signed-in people with one of the roles; others see 404."""

    async def check(request: Request, person: SignedInPerson) -> RoleHolder:
        profile = await profile_of(request, person)
        held = profile.get("roles")
        if not isinstance(held, list) or not set(roles) & set(held):
            # The page does not exist for them: no hint that it does for others.
            raise NotFound()
        return RoleHolder(request, person, profile)

    return check


AuthorityAdmin = Annotated[RoleHolder, Depends(holding("authority_admin"))]
LandlordAdmin = Annotated[RoleHolder, Depends(holding("landlord_admin"))]
PlatformAdmin = Annotated[RoleHolder, Depends(holding("platform_admin"))]


@dataclass(frozen=True)
class AdminLink:
    """A link to the pages a role may use, for the home page."""

    path: str
    text: str


def admin_links(roles: list[str]) -> list[AdminLink]:
    """The administration pages these roles may use, in a fixed order."""
    links = []
    if "authority_admin" in roles:
        links.append(AdminLink("/staff/members", _("Manage staff and members")))
        links.append(AdminLink("/staff/audit-log", _("Read the audit log")))
        links.append(AdminLink("/surveys/settings", _("Customer satisfaction surveys")))
    if "landlord_admin" in roles:
        links.append(AdminLink("/organisation/users", _("Manage your organisation's users")))
    if "platform_admin" in roles:
        links.append(AdminLink("/platform/authorities", _("Manage authorities")))
    return links


def casework_links(roles: list[str]) -> list[AdminLink]:
    """The casework pages these roles may use: the caseload, or a landlord's complaints."""
    links = []
    if {"officer", "manager"} & set(roles):
        links.append(AdminLink("/caseload", _("Caseload")))
    if "manager" in roles:
        links.append(AdminLink("/surveys", _("Survey answers")))
    if {"landlord_user", "landlord_admin"} & set(roles):
        links.append(AdminLink("/complaints", _("Complaints about your organisation")))
    return links
