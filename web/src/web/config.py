"""Settings of the web service (environment variables prefixed WEB_)."""

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings

# src/web/config.py -> web/src/web -> repository root
REPO_ROOT = Path(__file__).resolve().parents[3]


class Settings(ServiceSettings):
    """How the web service reaches the gateway, where its assets are and how long sessions last."""

    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore", frozen=True)

    service_name: str = "web"
    mongo_db: str = "portal_web"
    gateway_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The gateway's address: the web reads every record through its API.",
    )
    gateway_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Longest wait for one API answer before a page "
        "says the service is unavailable.",
    )
    unread_wait_seconds: float = Field(
        default=1.0,
        gt=0,
        le=5,
        description="Once a page is ready, the longest it waits for the header's count of "
        "unseen notifications (asked for while the page was made); without it in time, the "
        "link is shown without a count.",
    )
    authority_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long an authority's public details are reused before asking again.",
    )
    assets_dir: Path = Field(
        default=REPO_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk",
        description="The GOV.UK Frontend build installed from npm (`make install`).",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A session unused this long has ended."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="A session ends this long after it began."
    )

    @field_validator("gateway_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


settings = Settings()
