"""Request and response bodies of memberships and member lists."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import AuthoritySlug


class RestrictionNote(BaseModel):
    """A restriction in force."""

    until: datetime | None
    reason: str


class MyMembership(BaseModel):
    """One authority the caller belongs to."""

    authority: str
    authority_name: str
    roles: list[str]
    organisation_id: str | None
    status: str
    restriction: RestrictionNote | None
    current: bool = Field(description="Whether the caller's token is for this authority.")


class MyMemberships(BaseModel):
    """Every authority the caller belongs to."""

    items: list[MyMembership]


class JoinRequest(BaseModel):
    """Apply to another authority that uses the portal."""

    model_config = ConfigDict(extra="forbid")

    authority: AuthoritySlug


class Member(BaseModel):
    """A person who belongs to this authority."""

    user_id: str
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    organisation_id: str | None
    status: str
    joined_at: datetime


class MemberPage(BaseModel):
    """One page of members, newest first."""

    items: list[Member]
    next_cursor: str | None


class Colleague(BaseModel):
    """One of the authority's officers or managers, as their colleagues see them."""

    user_id: str
    first_name: str
    last_name: str
    roles: list[str]


class Colleagues(BaseModel):
    """The authority's active officers and managers, longest-standing first."""

    items: list[Colleague]
