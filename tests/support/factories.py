"""Valid records for tests, built from the contracts so they stay in step with them."""

from contracts.events.authority import (
    AuthorityStatus,
    AuthorityUpserted,
    Branding,
    Contact,
    UploadPolicy,
)


def authority(
    slug: str,
    *,
    status: AuthorityStatus = "active",
    revision: int = 1,
    name: str | None = None,
    staff_two_factor_required: bool = False,
) -> AuthorityUpserted:
    """An authority as the registry announces it."""
    return AuthorityUpserted(
        slug=slug,
        name=name or f"Test authority {slug}",
        kind="council",
        status=status,
        modules=["homelessness"],
        uploads=UploadPolicy(max_bytes=1_000_000, allowed_extensions=[".pdf"]),
        staff_two_factor_required=staff_two_factor_required,
        branding=Branding(colour="#123456"),
        contact=Contact(),
        hosts=[],
        revision=revision,
    )
