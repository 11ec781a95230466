"""The portal's services under gunicorn, configured from the stack settings."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping

from portalstack.components import ProcessComponent, http_status
from portalstack.settings import BUCKET, SERVICES, StackSettings


def service_env(
    settings: StackSettings, name: str, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment of one service: the <SVC>_* settings derived from the PORTAL_* ones.

    A <SVC>_* variable already set in the environment wins, so one run can override a
    single setting without editing anything.
    """
    base = dict(os.environ if environ is None else environ)
    host = settings.connect_host
    derived: dict[str, str] = {
        "ENVIRONMENT": "development",
        "LOG_LEVEL": "INFO",
        "MONGO_URL": settings.mongo_url,
        "MONGO_DB": f"portal_{name}",
        "AMQP_URL": settings.amqp_url,
        "JWKS_URL": f"{settings.service_url('identity')}/.well-known/jwks.json",
        "TOKEN_ISSUER": "housing-portal",
    }
    if name == "identity":
        derived |= {
            "DEMO_ACCOUNTS_FILE": str(settings.run_dir / "demo-accounts.txt"),
            "PORTAL_URL": settings.service_url("gateway"),
        }
    elif name == "cases":
        derived |= {
            "PORTAL_URL": settings.service_url("gateway"),
            "DOCUMENTS_URL": settings.service_url("documents"),
        }
    elif name == "documents":
        derived |= {
            "S3_ENDPOINT": settings.s3_endpoint,
            "S3_ACCESS_KEY": settings.s3_access_key,
            "S3_SECRET_KEY": settings.s3_secret_key,
            "S3_BUCKET": BUCKET,
            "S3_REGION": "us-east-1",
            "CASES_URL": settings.service_url("cases"),
        }
    elif name == "notifications":
        derived |= {
            "SMTP_HOST": host,
            "SMTP_PORT": str(settings.smtp_port),
            "MAIL_FROM": "no-reply@housing-portal.local",
            "PORTAL_URL": settings.service_url("gateway"),
        }
    elif name == "web":
        derived |= {"GATEWAY_URL": settings.service_url("gateway")}
    elif name == "gateway":
        pools = {
            upstream: [settings.service_url(upstream)]
            for upstream in SERVICES
            if upstream not in {"gateway", "web"}
        }
        derived |= {
            "AUTHORITIES_SEED": str(settings.root / "deploy" / "authorities.yaml"),
            "OPERATIONS_PORT": str(settings.gateway_operations_port),
            "DEFAULT_POOLS": json.dumps(pools),
            "WEB_POOL": json.dumps([settings.service_url("web")]),
            # Local tools and tests reach the gateway over loopback and may say who they
            # stand for; anywhere else only the real proxies in front are trusted.
            "TRUSTED_PROXIES": json.dumps(["127.0.0.1", "::1"]),
        }
    env = dict(base)
    for key, value in derived.items():
        env.setdefault(f"{name.upper()}_{key}", value)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(settings.run_dir / "prometheus" / name)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def service(settings: StackSettings, name: str) -> ProcessComponent:
    """One service as gunicorn with uvicorn workers, ready when /readyz answers 200."""
    port = settings.service_ports[name]
    folder = settings.run_dir / "prometheus" / name
    # The gateway also listens on its operations port, where alone its metrics are served.
    ports = [port, settings.gateway_operations_port] if name == "gateway" else [port]
    binds = [arg for extra in ports for arg in ("-b", f"{settings.host}:{extra}")]

    def empty_metrics_dir() -> None:
        # Files left by an earlier run would be summed into this run's metrics.
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    return ProcessComponent(
        settings,
        name=name,
        argv=[
            settings.tool("gunicorn"),
            f"{name}.main:app",
            "-k",
            "kit.server.Worker",
            "-w",
            str(settings.workers),
            *binds,
            # gunicorn 27 shares one control socket by default: two instances clash.
            "--no-control-socket",
            # Longer than the gateway keeps an idle connection, so the gateway closes first.
            "--keep-alive",
            "30",
        ],
        ports=ports,
        env=service_env(settings, name),
        probe=lambda: http_status(settings.connect_host, port, "/readyz") == 200,
        prepare=empty_metrics_dir,
        stop_timeout=40,
    )


def service_components(settings: StackSettings) -> list[ProcessComponent]:
    """Every service, gateway first."""
    return [service(settings, name) for name in SERVICES]
