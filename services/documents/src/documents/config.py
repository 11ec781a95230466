"""Settings of the documents service (environment variables prefixed DOCUMENTS_)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from contracts.words import document_type
from kit.settings import ServiceSettings, refuse_placeholder

# What a document may be classified as, unless an authority has its own list: the portal's
# shared vocabulary, which also has them in Welsh.
CLASSIFICATIONS: dict[str, str] = dict(document_type.words)


class Settings(ServiceSettings):
    """How the documents service connects to its store, broker, S3 and the cases service."""

    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore", frozen=True)

    service_name: str = "documents"
    mongo_db: str = "portal_documents"
    s3_endpoint: str = "http://127.0.0.1:9000"
    s3_access_key: str = "portal-access-key"
    s3_secret_key: str = "portal-secret-key-local"
    s3_bucket: str = "portal-documents"
    s3_region: str = "us-east-1"
    s3_part_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=5 * 1024 * 1024,
        le=64 * 1024 * 1024,
        description="Size of each part of a multipart upload; a smaller file is one PUT.",
    )
    cases_url: str = Field(
        default="http://127.0.0.1:8002",
        min_length=1,
        description="The cases service's internal address: who may see a case, its household.",
    )
    internal_key: str = Field(
        default="portal-secret-key-local",
        description="Shared with the services that store generated documents (X-Internal-Key).",
    )
    sweep_seconds: float = Field(default=600.0, gt=0, description="How often orphans are swept.")
    orphan_after_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="An unfinished upload older than this is an orphan; its file is removed.",
    )
    classifications_by_authority: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Authorities with a list of their own instead of the usual one, as JSON "
        '{"slug": {"code": "label"}}.',
    )

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        refuse_placeholder(
            self.s3_secret_key, name="DOCUMENTS_S3_SECRET_KEY", environment=self.environment
        )
        refuse_placeholder(
            self.internal_key, name="DOCUMENTS_INTERNAL_KEY", environment=self.environment
        )
        return self

    def classifications_of(self, authority: str) -> dict[str, str]:
        """The classifications this authority offers, code to label."""
        return self.classifications_by_authority.get(authority, CLASSIFICATIONS)


settings = Settings()
