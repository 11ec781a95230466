"""Settings of the gateway (environment variables prefixed GATEWAY_)."""

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings

SERVICES = ("identity", "cases", "documents", "notifications")


def _local_pools() -> dict[str, list[str]]:
    ports = {"identity": 8001, "cases": 8002, "documents": 8003, "notifications": 8004}
    return {name: [f"http://127.0.0.1:{port}"] for name, port in ports.items()}


def _address_or_network(value: str) -> str:
    """An IP address or a CIDR network, as given; anything else stops the gateway starting."""
    ipaddress.ip_network(value.strip(), strict=False)
    return value.strip()


ProxyAddress = Annotated[str, AfterValidator(_address_or_network)]


class Settings(ServiceSettings):
    """How the gateway finds its registry seed and the services it routes to."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    service_name: str = "gateway"
    mongo_db: str = "portal_gateway"
    authorities_seed: Path = Field(
        default=Path(__file__).resolve().parents[4] / "deploy" / "authorities.yaml",
        description="YAML file of authorities loaded into an empty registry.",
    )
    default_pools: dict[str, list[str]] = Field(
        default_factory=_local_pools,
        description="Upstream addresses of each service for authorities without their own pool.",
    )
    web_pool: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8005"],
        description="Upstream addresses of the portal's pages (every path outside the API).",
    )
    operations_port: int | None = Field(
        default=8009,
        description="Port of the internal listener that alone serves the gateway's metrics and "
        "its own API documents; never published to clients.",
    )
    announce_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How often the whole registry is published again for late subscribers.",
    )
    health_check_seconds: float = Field(
        default=3.0,
        gt=0,
        description=(
            "How often each upstream's /readyz is checked; a refused connection takes a member "
            "out at once, between checks."
        ),
    )
    body_limit_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body outside uploads (uploads use the authority's limit).",
    )
    trusted_proxies: list[ProxyAddress] = Field(
        default_factory=list,
        description=(
            "Proxies in front of the gateway whose X-Forwarded-For counts: addresses or CIDR "
            "networks (the portal's web service, an ingress controller)."
        ),
    )
    rate_sign_in_per_address: str = Field(
        default="30/60", description="Sign-in, code and reset requests per client address."
    )
    rate_api_per_address: str = Field(
        default="2000/10", description="API requests per client address (COUNT/SECONDS)."
    )
    rate_api_per_user: str = Field(
        default="1000/60", description="API requests per signed-in user (COUNT/SECONDS)."
    )
    rate_limit_state: Path | None = Field(
        default=None,
        description="File the workers share their counters in (default: per gateway, in /tmp).",
    )
    upstream_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    upstream_read_timeout_seconds: float = Field(default=60.0, gt=0)
    upstream_connections: int = Field(
        default=200, ge=1, description="Most connections open to each upstream address."
    )
    upstream_idle_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long an idle upstream connection is kept; below the services' "
        "keep-alive, so the gateway drops a connection before the service does.",
    )


settings = Settings()
