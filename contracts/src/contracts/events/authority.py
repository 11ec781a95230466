"""Events about authorities, published by the gateway, which owns the authority registry."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from contracts.fields import (
    AuthoritySlug,
    EmailAddress,
    FileExtension,
    HexColour,
    HostName,
    UniqueList,
)
from contracts.payload import EventPayload

AuthorityKind = Literal["council", "ombudsman"]
AuthorityStatus = Literal["active", "disabled"]
ReplyRule = Literal["once", "free"]
Module = Literal["homelessness", "housing_register", "housing_advice", "complaints"]


class _Part(BaseModel):
    """A nested part of a payload, as strict as the payload itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class UploadPolicy(_Part):
    """What an authority accepts as uploaded evidence."""

    max_bytes: PositiveInt = Field(description="Largest accepted file, in bytes.")
    allowed_extensions: UniqueList[FileExtension] = Field(
        description="Accepted file name extensions with their dot, lower case (`.pdf`)."
    )


class MessagingPolicy(_Part):
    """How people may answer the messages an authority's officers send them."""

    reply_rule: ReplyRule = Field(
        default="free",
        description="`once`: one reply per message from the person it is for; `free`: any.",
    )


class Branding(_Part):
    """How the portal looks for an authority."""

    colour: HexColour = Field(description="Primary colour as `#RRGGBB`.")
    logo_url: str | None = Field(default=None, min_length=1, max_length=2048)


class Contact(_Part):
    """How residents reach an authority's housing team."""

    email: EmailAddress | None = None
    phone: str | None = Field(default=None, min_length=1, max_length=40)
    website: str | None = Field(default=None, min_length=1, max_length=2048)


class AuthorityUpserted(EventPayload):
    """An authority was created or changed; the payload is its whole current state."""

    event_type = "gateway.authority.upserted"
    event_version = 1

    slug: AuthoritySlug
    name: str = Field(min_length=1, max_length=200)
    kind: AuthorityKind
    status: AuthorityStatus = Field(description="A disabled authority answers no requests.")
    modules: UniqueList[Module] = Field(description="The services enabled for the authority.")
    uploads: UploadPolicy
    staff_two_factor_required: bool = Field(
        description="Whether staff roles must sign in with a second factor."
    )
    branding: Branding
    contact: Contact
    messaging: MessagingPolicy = Field(
        default_factory=MessagingPolicy,
        description="How people may reply to messages on their cases.",
    )
    hosts: UniqueList[HostName] = Field(
        description="Host names that serve this authority's portal directly."
    )
    revision: int = Field(
        ge=1,
        description="Grows on every change; consumers keep the highest revision they have seen.",
    )
