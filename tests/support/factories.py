"""Valid records for tests, built from the contracts so they stay in step with them."""

from contracts.events.authority import (
    AuthorityKind,
    AuthorityStatus,
    AuthorityUpserted,
    Branding,
    Contact,
    Module,
    UploadPolicy,
)


def authority(
    slug: str,
    *,
    status: AuthorityStatus = "active",
    revision: int = 1,
    name: str | None = None,
    kind: AuthorityKind = "council",
    modules: list[Module] | None = None,
    uploads: UploadPolicy | None = None,
    staff_two_factor_required: bool = False,
    branding: Branding | None = None,
    contact: Contact | None = None,
    hosts: list[str] | None = None,
) -> AuthorityUpserted:
    """An authority as the registry announces it."""
    return AuthorityUpserted(
        slug=slug,
        name=name or f"Test authority {slug}",
        kind=kind,
        status=status,
        modules=modules or ["homelessness"],
        uploads=uploads or UploadPolicy(max_bytes=1_000_000, allowed_extensions=[".pdf"]),
        staff_two_factor_required=staff_two_factor_required,
        branding=branding or Branding(colour="#123456"),
        contact=contact or Contact(),
        hosts=hosts or [],
        revision=revision,
    )
