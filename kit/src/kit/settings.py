"""Settings every service shares; each service subclasses with its own env prefix."""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "portal-secret-key-local"})


class ServiceSettings(BaseSettings):
    """Connection and runtime settings common to every service."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "service"
    environment: Environment = "development"
    log_level: str = "INFO"
    mongo_url: str = "mongodb://127.0.0.1:27017/?retryWrites=false&directConnection=true"
    mongo_db: str = "portal"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    token_issuer: str = "housing-portal"
    outbox_batch_size: int = Field(default=200, ge=1, le=5000)
    # Events are published as soon as they commit; the sweep finds what was left behind.
    outbox_poll_seconds: float = Field(default=10.0, gt=0)
    consumer_prefetch: int = Field(default=32, ge=1, le=1000)
    retry_delays_seconds: tuple[float, ...] = (1.0, 5.0, 30.0)

    @model_validator(mode="after")
    def _refuse_local_secrets_in_production(self) -> "ServiceSettings":
        if self.environment == "production" and "guest:guest@" in self.amqp_url:
            raise ValueError("the default broker credentials are refused in production")
        return self


def refuse_placeholder(value: str, *, name: str, environment: Environment) -> str:
    """Reject a placeholder secret outside development and test."""
    if environment == "production" and value.strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(f"{name} must be set to a real secret in production")
    return value
