"""Settings of the cases service (environment variables prefixed CASES_)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings, refuse_placeholder


class Settings(ServiceSettings):
    """How the cases service connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore", frozen=True)

    service_name: str = "cases"
    mongo_db: str = "portal_cases"
    draft_days: int = Field(
        default=10, ge=1, le=365, description="Days an unfinished application is kept."
    )
    draft_days_by_authority: dict[str, int] = Field(
        default_factory=dict,
        description='Authorities that keep drafts another number of days, as JSON {"slug": days}.',
    )
    draft_warning_days: int = Field(
        default=2, ge=1, le=30, description="Days before removal the applicant is warned."
    )
    draft_sweep_seconds: float = Field(default=3600.0, gt=0)
    portal_url: str = Field(
        default="http://127.0.0.1:8000",
        min_length=1,
        description="Where people reach the portal; the links in what is sent about cases "
        "start here.",
    )

    documents_url: str = Field(
        default="http://127.0.0.1:8003",
        min_length=1,
        description="The documents service's internal address: a copy of each application "
        "submitted is kept there with the case's documents.",
    )
    documents_internal_key: str = Field(
        default="portal-secret-key-local",
        description="The key the documents service takes from the portal's own services "
        "(its DOCUMENTS_INTERNAL_KEY).",
    )

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        refuse_placeholder(
            self.documents_internal_key,
            name="CASES_DOCUMENTS_INTERNAL_KEY",
            environment=self.environment,
        )
        return self

    def draft_days_of(self, authority: str) -> int:
        """How many days this authority keeps a draft."""
        return self.draft_days_by_authority.get(authority, self.draft_days)


settings = Settings()
