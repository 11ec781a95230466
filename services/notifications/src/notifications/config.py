"""Settings of the notifications service (environment variables prefixed NOTIFICATIONS_)."""

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """How the notifications service connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    service_name: str = "notifications"
    mongo_db: str = "portal_notifications"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "no-reply@housing-portal.local"


settings = Settings()
