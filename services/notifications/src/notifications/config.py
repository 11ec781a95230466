"""Settings of the notifications service (environment variables prefixed NOTIFICATIONS_)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """How the notifications service connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    service_name: str = "notifications"
    mongo_db: str = "portal_notifications"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    mail_from: str = Field(
        default="no-reply@housing-portal.local", pattern=r"^[^@\s<>]+@[^@\s<>]+$"
    )
    portal_url: str = Field(
        default="http://127.0.0.1:8000",
        min_length=1,
        description="Where people reach the portal; the links in emails about cases start here.",
    )
    smtp_timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="Longest wait for the mail relay to answer."
    )
    email_max_attempts: int = Field(
        default=6, ge=1, le=50, description="Sending attempts before a delivery is failed."
    )
    email_retry_base_seconds: float = Field(
        default=30.0, gt=0, description="Wait after the first failed attempt; doubles each time."
    )
    email_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="Longest wait between two attempts."
    )
    email_claim_seconds: float = Field(
        default=120.0,
        gt=0,
        description="How long a sender owns a delivery; a crashed sender's claim lapses after it.",
    )
    email_poll_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description=(
            "How often an idle sender looks for due emails it was not told about: a new email "
            "wakes its worker's sender as soon as it is queued."
        ),
    )
    email_send_concurrency: int = Field(
        default=4, ge=1, le=64, description="Emails one worker sends at the same time."
    )

    reminder_days_before_due: int = Field(
        default=3,
        ge=1,
        le=30,
        description="How many days before a document or plan action is due people are reminded.",
    )
    reminder_claim_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "How long a sender owns a due reminder; a crashed sender's claim lapses after it."
        ),
    )
    reminder_poll_seconds: float = Field(
        default=30.0,
        gt=0,
        le=300,
        description=(
            "How often an idle sender looks for reminders come due: one scheduled due already "
            "wakes its worker's sender at once."
        ),
    )

    @model_validator(mode="after")
    def _claim_outlasts_a_send(self) -> "Settings":
        # A claim that lapses while its sender still waits on the relay would let a second
        # sender send the same email: the claim must outlast the whole SMTP exchange.
        if self.email_claim_seconds < 2 * self.smtp_timeout_seconds:
            raise ValueError("email_claim_seconds must be at least twice smtp_timeout_seconds")
        return self


settings = Settings()
