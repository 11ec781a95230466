"""Settings of the identity service (environment variables prefixed IDENTITY_)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings, refuse_placeholder


class Settings(ServiceSettings):
    """How the identity service connects, signs tokens and keeps its keys."""

    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", frozen=True)

    service_name: str = "identity"
    mongo_db: str = "portal_identity"
    signing_key_secret: str = Field(
        default="local-development-signing-key-secret",
        min_length=16,
        description="Encrypts the private signing keys at rest.",
    )
    access_token_minutes: int = Field(default=10, ge=1, le=60)

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        refuse_placeholder(
            self.signing_key_secret.replace("local-development-signing-key-secret", ""),
            name="IDENTITY_SIGNING_KEY_SECRET",
            environment=self.environment,
        )
        return self


settings = Settings()
