"""What the authority administration API accepts and returns."""

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StrictBool

from contracts.events.authority import (
    AuthorityKind,
    AuthorityStatus,
    Branding,
    Contact,
    MessagingPolicy,
    Module,
    UploadPolicy,
)
from contracts.fields import HostName, UniqueList
from gateway.registry.models import Authority, Origin


class AuthorityChanges(BaseModel):
    """The fields an administrator changes; the ones left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: AuthorityKind | None = None
    status: AuthorityStatus | None = None
    modules: UniqueList[Module] | None = None
    uploads: UploadPolicy | None = None
    staff_two_factor_required: StrictBool | None = None
    branding: Branding | None = None
    contact: Contact | None = None
    messaging: MessagingPolicy | None = None
    hosts: UniqueList[HostName] | None = Field(default=None, max_length=20)
    cors_origins: UniqueList[Origin] | None = Field(default=None, max_length=20)
    routes: dict[str, list[AnyHttpUrl]] | None = None


class AuthorityPage(BaseModel):
    """One page of authorities, in slug order."""

    items: list[Authority]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class PublicAuthority(BaseModel):
    """What anyone may know of an active authority: who it is, how to reach it, what it offers."""

    model_config = ConfigDict(extra="ignore")

    slug: str
    name: str
    kind: AuthorityKind
    modules: list[Module]
    branding: Branding
    contact: Contact
    hosts: list[HostName]


class AuthorityDirectory(BaseModel):
    """Every active authority, in name order."""

    items: list[PublicAuthority]
