"""deploy/prometheus/prometheus.yml scrapes every service that compose runs."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CONFIG = "deploy/prometheus/prometheus.yml"


@pytest.fixture(scope="session")
def scrape_jobs(yaml_documents: Callable[[str], list[Any]]) -> dict[str, dict[str, Any]]:
    """The scrape jobs of the Prometheus configuration, by job name."""
    (config,) = yaml_documents(CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert len(jobs) == len(config["scrape_configs"]), "job names repeat"
    return jobs


def targets_of(job: dict[str, Any]) -> list[str]:
    """Every static target of a scrape job."""
    return [target for group in job.get("static_configs", []) for target in group["targets"]]


def metrics_port(compose_services: dict[str, Any], svc: str) -> str:
    """The container port a service serves /metrics on: the gateway's operations port."""
    if svc != "gateway":
        return "8000"
    port = compose_services["gateway"]["environment"]["GATEWAY_OPERATIONS_PORT"]
    assert str(port) != "8000", "the gateway's public port must not serve its metrics"
    return str(port)


def test_every_service_is_scraped(
    svc: str, scrape_jobs: dict[str, dict[str, Any]], compose_services: dict[str, Any]
) -> None:
    """Each service has its own job reading /metrics on the port that serves it."""
    assert svc in scrape_jobs, f"no scrape job for {svc}"
    job = scrape_jobs[svc]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert targets_of(job) == [f"{svc}:{metrics_port(compose_services, svc)}"]


def test_targets_are_compose_services(
    scrape_jobs: dict[str, dict[str, Any]], compose_services: dict[str, Any]
) -> None:
    """Every target is a service on the compose network."""
    for job in scrape_jobs.values():
        for target in targets_of(job):
            assert target.split(":", 1)[0] in compose_services, f"{target} is not in compose"


def test_compose_mounts_this_file(compose_services: dict[str, Any], repo_root: Path) -> None:
    """The prometheus service reads this configuration."""
    volumes = compose_services["prometheus"].get("volumes", [])
    mounts = {str(volume).split(":")[1]: str(volume).split(":")[0] for volume in volumes}
    source = mounts.get("/etc/prometheus/prometheus.yml")
    assert source is not None, "prometheus does not mount its configuration"
    assert (repo_root / source).resolve() == (repo_root / CONFIG).resolve()
