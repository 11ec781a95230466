"""An authority as the registry stores it."""

from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from contracts.events.authority import (
    AuthorityKind,
    AuthorityStatus,
    AuthorityUpserted,
    Branding,
    Contact,
    MessagingPolicy,
    Module,
    UploadPolicy,
)
from contracts.fields import AuthoritySlug, HostName, UniqueList

Origin = Annotated[
    str, StringConstraints(pattern=r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$", max_length=300)
]
"""A web origin as browsers send it: scheme, host and optional port, no path."""

# Services that every authority has; the others need at least one case module.
ALWAYS_ON = frozenset({"identity", "notifications"})


class Authority(BaseModel):
    """One council or ombudsman: who it is, what it offers and where its requests go."""

    model_config = ConfigDict(extra="forbid")

    slug: AuthoritySlug
    name: str = Field(min_length=1, max_length=200)
    kind: AuthorityKind
    status: AuthorityStatus = "active"
    modules: UniqueList[Module]
    uploads: UploadPolicy
    staff_two_factor_required: StrictBool = False
    branding: Branding
    contact: Contact = Contact()
    messaging: MessagingPolicy = MessagingPolicy()
    hosts: UniqueList[HostName] = []
    cors_origins: UniqueList[Origin] = Field(
        default_factory=list,
        description="Web origins (scheme://host[:port]) whose pages may call this API.",
        max_length=20,
    )
    routes: dict[str, list[AnyHttpUrl]] = Field(
        default_factory=dict,
        description="This authority's own pool per service; others use the default pool.",
    )
    revision: int = Field(default=1, ge=1)

    def serves(self, service: str) -> bool:
        """Whether requests for this service are accepted for this authority."""
        return self.status == "active" and (service in ALWAYS_ON or bool(self.modules))

    def announcement(self) -> AuthorityUpserted:
        """The event that tells every service this authority's current state."""
        return AuthorityUpserted.model_validate(self.model_dump(exclude={"routes", "cors_origins"}))
