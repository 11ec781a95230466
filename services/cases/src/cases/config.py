"""Settings of the cases service (environment variables prefixed CASES_)."""

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """How the cases service connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore", frozen=True)

    service_name: str = "cases"
    mongo_db: str = "portal_cases"


settings = Settings()
