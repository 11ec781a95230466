"""Settings of the documents service (environment variables prefixed DOCUMENTS_)."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings, refuse_placeholder


class Settings(ServiceSettings):
    """How the documents service connects to its store, broker and S3."""

    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore", frozen=True)

    service_name: str = "documents"
    mongo_db: str = "portal_documents"
    s3_endpoint: str = "http://127.0.0.1:9000"
    s3_access_key: str = "portal-access-key"
    s3_secret_key: str = "portal-secret-key-local"
    s3_bucket: str = "portal-documents"
    s3_region: str = "us-east-1"

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        refuse_placeholder(
            self.s3_secret_key, name="DOCUMENTS_S3_SECRET_KEY", environment=self.environment
        )
        return self


settings = Settings()
