"""Where the servers of a running local stack are, for tests, benchmarks and tools."""

from dataclasses import dataclass

from portalstack.settings import StackSettings

MONGO_OPTIONS = "retryWrites=false&directConnection=true"


@dataclass(frozen=True)
class Stack:
    """Addresses of the servers `portalstack ensure` started (or found running).

    `gateway_url` is the public address; `service_urls` are the internal ones, the gateway's
    being its operations listener (metrics and its own API document).
    """

    gateway_url: str
    gateway_operations_url: str
    service_urls: dict[str, str]
    mongo_url: str
    amqp_url: str
    mail_url: str
    s3_url: str
    s3_access_key: str
    s3_secret_key: str


def current_stack() -> Stack:
    """The stack the PORTAL_* settings describe."""
    settings = StackSettings.from_env()
    host = settings.connect_host
    return Stack(
        gateway_url=f"http://{host}:{settings.service_ports['gateway']}",
        gateway_operations_url=settings.gateway_operations_url,
        service_urls={
            **{name: f"http://{host}:{port}" for name, port in settings.service_ports.items()},
            "gateway": settings.gateway_operations_url,
        },
        mongo_url=f"mongodb://{host}:{settings.mongo_port}/?{MONGO_OPTIONS}",
        amqp_url=settings.amqp_url,
        mail_url=f"http://{host}:{settings.mail_http_port}",
        s3_url=f"http://{host}:{settings.s3_port}",
        s3_access_key=settings.s3_access_key,
        s3_secret_key=settings.s3_secret_key,
    )
