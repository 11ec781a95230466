"""Settings of the identity service (environment variables prefixed IDENTITY_)."""

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings, refuse_placeholder

# src/identity/config.py -> services/identity/src/identity -> repository root
_REPOSITORY = Path(__file__).resolve().parents[4]


class Settings(ServiceSettings):
    """How the identity service connects, signs tokens, protects sign-in and seeds demo data."""

    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", frozen=True)

    service_name: str = "identity"
    mongo_db: str = "portal_identity"
    signing_key_secret: str = Field(
        default="local-development-signing-key-secret",
        min_length=16,
        description=(
            "Encrypts the private signing keys and authenticator secrets at rest, and keys the "
            "digests of one-time codes."
        ),
    )
    access_token_minutes: int = Field(default=10, ge=1, le=60)
    refresh_token_days: int = Field(
        default=30, ge=1, le=365, description="A session ends when unused for this long."
    )
    portal_url: str = Field(
        default="http://127.0.0.1:8000",
        min_length=1,
        description="Where people reach the portal; the links in account emails start here.",
    )
    lockout_threshold: int = Field(
        default=10, ge=3, le=100, description="Failed sign-ins in a row that lock an account."
    )
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    second_factor_threshold: int = Field(
        default=10,
        ge=3,
        le=100,
        description=(
            "Wrong second-factor answers within the window that lock an account, however many "
            "sign-ins they are spread over."
        ),
    )
    second_factor_window_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    address_failure_limit: int = Field(
        default=100,
        ge=5,
        description="Failed sign-ins one client address may make per lock-out period.",
    )
    seed_demo_accounts: bool = Field(
        default=False,
        description="Create the demo accounts on start; unset means yes in development only.",
    )
    demo_accounts_file: str = Field(
        default=str(_REPOSITORY / ".data" / "run" / "demo-accounts.txt"),
        description="Where the demo accounts are listed for people; empty writes no file.",
    )

    @model_validator(mode="before")
    @classmethod
    def _demo_accounts_in_development(cls, values: Any) -> Any:
        if isinstance(values, dict) and values.get("seed_demo_accounts") in (None, ""):
            values = dict(values)
            values["seed_demo_accounts"] = values.get("environment", "development") == "development"
        return values

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        refuse_placeholder(
            self.signing_key_secret.replace("local-development-signing-key-secret", ""),
            name="IDENTITY_SIGNING_KEY_SECRET",
            environment=self.environment,
        )
        if self.environment == "production" and self.seed_demo_accounts:
            raise ValueError("demo accounts with published passwords are refused in production")
        return self


settings = Settings()
