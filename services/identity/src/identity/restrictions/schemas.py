"""Request and response bodies of restrictions."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class RestrictionRequest(BaseModel):
    """Restrict a person's access to this authority's portal."""

    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Shown to the person when they are refused, and kept in the audit log.",
    )
    until: AwareDatetime | None = Field(
        default=None, description="When it ends by itself; none means until lifted."
    )


class RestrictionView(BaseModel):
    """A restriction and whether it is in force."""

    id: str
    user_id: str
    reason: str
    until: datetime | None
    created_by: str
    created_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
    in_force: bool


class RestrictionList(BaseModel):
    """Restrictions, newest first."""

    items: list[RestrictionView]
