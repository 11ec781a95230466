"""Stack settings read from the PORTAL_* environment variables."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# src/portalstack/settings.py -> deploy/local/src/portalstack -> repository root
REPO_ROOT = Path(__file__).resolve().parents[4]

SERVICES = ("gateway", "identity", "cases", "documents", "notifications", "web")
INFRA = ("rabbitmq", "mongo", "s3", "mail")
BUCKET = "portal-documents"


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class StackSettings:
    """Where the local stack keeps its data and which ports it listens on."""

    root: Path
    data_dir: Path
    host: str
    workers: int
    service_ports: Mapping[str, int]
    gateway_operations_port: int
    mongo_port: int
    amqp_port: int
    amqp_vhost: str
    s3_port: int
    s3_access_key: str
    s3_secret_key: str
    smtp_port: int
    mail_http_port: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackSettings:
        """Build settings from PORTAL_* variables, with the documented defaults."""
        env = os.environ if environ is None else environ
        root = REPO_ROOT
        data_dir = Path(env.get("PORTAL_DATA_DIR") or ".data")
        if not data_dir.is_absolute():
            data_dir = root / data_dir
        defaults = {name: 8000 + index for index, name in enumerate(SERVICES)}
        return cls(
            root=root,
            data_dir=data_dir.resolve(),
            host=env.get("PORTAL_HOST") or "127.0.0.1",
            workers=_int(env, "PORTAL_WORKERS", 2),
            service_ports={
                name: _int(env, f"PORTAL_{name.upper()}_PORT", port)
                for name, port in defaults.items()
            },
            gateway_operations_port=_int(env, "PORTAL_GATEWAY_OPERATIONS_PORT", 8009),
            mongo_port=_int(env, "PORTAL_MONGO_PORT", 27017),
            amqp_port=_int(env, "PORTAL_AMQP_PORT", 5672),
            amqp_vhost=env.get("PORTAL_AMQP_VHOST") or "/",
            s3_port=_int(env, "PORTAL_S3_PORT", 9000),
            s3_access_key=env.get("PORTAL_S3_ACCESS_KEY") or "portal-access-key",
            s3_secret_key=env.get("PORTAL_S3_SECRET_KEY") or "portal-secret-key-local",
            smtp_port=_int(env, "PORTAL_SMTP_PORT", 1025),
            mail_http_port=_int(env, "PORTAL_MAIL_HTTP_PORT", 8025),
        )

    @property
    def connect_host(self) -> str:
        """Address clients use: a wildcard bind address is reached through loopback."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host

    @property
    def run_dir(self) -> Path:
        """Folder of pid files and markers."""
        return self.data_dir / "run"

    @property
    def logs_dir(self) -> Path:
        """Folder of process logs."""
        return self.data_dir / "logs"

    def pid_path(self, name: str) -> Path:
        """Pid file of one component."""
        return self.run_dir / f"{name}.pid"

    def log_path(self, name: str) -> Path:
        """Log file of one component."""
        return self.logs_dir / f"{name}.log"

    def tool(self, name: str) -> str:
        """Path of an executable from the repository's virtual environment."""
        for folder in (self.root / ".venv" / "bin", Path(sys.executable).parent):
            if (folder / name).exists():
                return str(folder / name)
        return name

    @property
    def mongo_url(self) -> str:
        """MongoDB URL of the SecantusDB server."""
        return (
            f"mongodb://{self.connect_host}:{self.mongo_port}/"
            "?retryWrites=false&directConnection=true"
        )

    @property
    def amqp_url(self) -> str:
        """AMQP URL of the RabbitMQ broker."""
        vhost = "" if self.amqp_vhost == "/" else quote(self.amqp_vhost, safe="")
        return f"amqp://guest:guest@{self.connect_host}:{self.amqp_port}/{vhost}"

    @property
    def s3_endpoint(self) -> str:
        """HTTP endpoint of the S3 server."""
        return f"http://{self.connect_host}:{self.s3_port}"

    @property
    def mail_http_url(self) -> str:
        """Base URL of the mail catcher's web interface."""
        return f"http://{self.connect_host}:{self.mail_http_port}"

    def service_url(self, name: str) -> str:
        """Base URL of one service."""
        return f"http://{self.connect_host}:{self.service_ports[name]}"

    @property
    def gateway_operations_url(self) -> str:
        """Base URL of the gateway's internal listener: its metrics and its own API document."""
        return f"http://{self.connect_host}:{self.gateway_operations_port}"

    def display_url(self, port: int) -> str:
        """Address printed for people."""
        return f"http://{self.host}:{port}"
