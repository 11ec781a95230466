"""docker-compose.yml runs every service with its settings, health checks and dependencies."""

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic_settings import BaseSettings

SERVICE_DOCKERFILE = "deploy/docker/service.Dockerfile"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $NAME and $$.
_INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)

# Only these reach the host; everything else talks over the compose network.
PUBLISHED_PORTS = {("gateway", 8000), ("mailpit", 8025), ("rabbitmq", 15672), ("prometheus", 9090)}

CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Resolve compose variable interpolation the way `docker compose config` does."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        current = variables.get(name)
        if op in {":-", ":?"}:
            current = current or None
        if current is not None:
            return current
        if op and op.endswith("?"):
            raise ValueError(f"compose variable {name} is required: {arg}")
        return arg if op else ""

    assert "${" not in _INTERPOLATION.sub("", value), f"nested interpolation in {value!r}"
    return _INTERPOLATION.sub(substitute, value)


def environment_of(definition: Mapping[str, Any]) -> dict[str, str]:
    """A compose service's environment with every variable left at its default."""
    raw = definition.get("environment") or {}
    if isinstance(raw, list):
        raw = {
            item.partition("=")[0]: item.partition("=")[2] if "=" in item else None for item in raw
        }
    assert isinstance(raw, dict)
    resolved = {}
    for name, value in raw.items():
        assert value is not None, f"{name} is passed through from the host, not set"
        text = str(value).lower() if isinstance(value, bool) else str(value)
        resolved[str(name)] = interpolate(text, {})
    return resolved


def service_env(compose_services: Mapping[str, Any], name: str) -> dict[str, str]:
    """The resolved environment of one compose service, which must exist."""
    assert name in compose_services, f"docker-compose.yml has no service {name}"
    definition = compose_services[name]
    assert isinstance(definition, dict)
    return environment_of(definition)


def depends_on(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A service's depends_on in its long form; the short list form carries no condition."""
    raw = definition.get("depends_on") or {}
    assert isinstance(raw, dict), "depends_on must be a mapping so each target has a condition"
    return raw


def published_container_ports(definition: Mapping[str, Any]) -> set[int]:
    """The container ports a service publishes to the host."""
    ports = set()
    for entry in definition.get("ports") or []:
        if isinstance(entry, dict):
            ports.add(int(entry["target"]))
            continue
        container = interpolate(str(entry), {}).rsplit(":", 1)[-1].split("/", 1)[0]
        ports.add(int(container))
    return ports


def host_and_port(url: str) -> tuple[str, int | None]:
    """The host name and port of a URL."""
    parts = urlsplit(url)
    assert parts.hostname, f"{url!r} names no host"
    return parts.hostname, parts.port


def command_text(definition: Mapping[str, Any], key: str) -> str:
    """A service's command or entrypoint as one string."""
    raw = definition.get(key) or ""
    return " ".join(str(part) for part in raw) if isinstance(raw, list) else str(raw)


class TestEveryServiceIsInCompose:
    """Each folder under services/ is a compose service built from the service Dockerfile; the
    web service is built from its own."""

    def test_service_exists(self, svc: str, compose_services: dict[str, Any]) -> None:
        """The service is defined."""
        assert svc in compose_services

    def test_built_from_its_dockerfile(
        self,
        svc: str,
        compose_services: dict[str, Any],
        repo_root: Path,
        page_services: dict[str, str],
    ) -> None:
        """The build context is the repository root and the image is built for this service."""
        build = compose_services[svc].get("build")
        assert isinstance(build, dict), f"{svc} has no build section"
        assert (repo_root / build.get("context", ".")).resolve() == repo_root
        dockerfile = page_services.get(svc, SERVICE_DOCKERFILE)
        assert build.get("dockerfile") == dockerfile
        assert (repo_root / dockerfile).is_file()
        assert build.get("args") == (None if svc in page_services else {"SERVICE": svc})
        image = interpolate(str(compose_services[svc].get("image", "")), {})
        assert image.split(":", 1)[0] == f"housing-portal/{svc}"

    def test_health_is_readiness(self, svc: str, compose_services: dict[str, Any]) -> None:
        """The health check asks /readyz on port 8000 with Python, which the slim image has."""
        test = compose_services[svc].get("healthcheck", {}).get("test")
        assert isinstance(test, list)
        assert test[:2] == ["CMD", "python"], "slim images have no curl or wget"
        assert "http://127.0.0.1:8000/readyz" in " ".join(test)


class TestSettings:
    """Every setting a service reads is set, and the service accepts the values."""

    def test_brief_settings_are_set(
        self, svc: str, compose_services: dict[str, Any], brief_env_vars: list[str]
    ) -> None:
        """Each variable the brief lists for the service has a non-empty value."""
        environment = service_env(compose_services, svc)
        missing = [name for name in brief_env_vars if not environment.get(name)]
        assert not missing, f"{svc} lacks {missing}"

    def test_settings_fields_are_set(
        self, svc: str, compose_services: dict[str, Any], settings_env_vars: list[str]
    ) -> None:
        """Each field of the service's Settings class has a value in compose."""
        environment = service_env(compose_services, svc)
        missing = [name for name in settings_env_vars if name not in environment]
        assert not missing, f"{svc} Settings fields not set in docker-compose.yml: {missing}"

    def test_settings_accept_the_values(
        self,
        svc: str,
        compose_services: dict[str, Any],
        settings_class: type[BaseSettings],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The Settings class validates the compose environment, production checks included."""
        environment = service_env(compose_services, svc)
        prefix = f"{svc.upper()}_"
        for name in [name for name in os.environ if name.upper().startswith(prefix)]:
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        settings = settings_class(_env_file=None)
        assert getattr(settings, "environment", None) == "production"


class TestConnections:
    """The connection settings name the compose services that provide them."""

    def test_mongo(self, svc: str, compose_services: dict[str, Any]) -> None:
        """Mongo is the replica set the mongo service runs, one database per service."""
        environment = service_env(compose_services, svc)
        prefix = svc.upper()
        url = environment[f"{prefix}_MONGO_URL"]
        assert host_and_port(url) == ("mongo", 27017)
        replica_set = parse_qs(urlsplit(url).query).get("replicaSet")
        mongo_command = command_text(compose_services["mongo"], "command").split()
        assert replica_set == [mongo_command[mongo_command.index("--replSet") + 1]]
        assert environment[f"{prefix}_MONGO_DB"] == f"portal_{svc}"

    def test_broker(self, svc: str, compose_services: dict[str, Any]) -> None:
        """The broker URL carries the user that the rabbitmq service creates."""
        url = service_env(compose_services, svc)[f"{svc.upper()}_AMQP_URL"]
        broker = service_env(compose_services, "rabbitmq")
        parts = urlsplit(url)
        assert parts.scheme == "amqp"
        assert host_and_port(url) == ("rabbitmq", 5672)
        assert parts.username == broker["RABBITMQ_DEFAULT_USER"]
        assert parts.password == broker["RABBITMQ_DEFAULT_PASS"]

    def test_tokens(self, svc: str, compose_services: dict[str, Any]) -> None:
        """Tokens are checked against identity's keys and the one issuer."""
        environment = service_env(compose_services, svc)
        prefix = svc.upper()
        assert environment[f"{prefix}_JWKS_URL"] == "http://identity:8000/.well-known/jwks.json"
        identity = service_env(compose_services, "identity")
        assert environment[f"{prefix}_TOKEN_ISSUER"] == identity["IDENTITY_TOKEN_ISSUER"]

    def test_documents_store_files_in_minio(self, compose_services: dict[str, Any]) -> None:
        """The documents service uses the MinIO credentials and the bucket minio-init makes."""
        documents = service_env(compose_services, "documents")
        minio = service_env(compose_services, "minio")
        assert host_and_port(documents["DOCUMENTS_S3_ENDPOINT"]) == ("minio", 9000)
        assert documents["DOCUMENTS_S3_ACCESS_KEY"] == minio["MINIO_ROOT_USER"]
        assert documents["DOCUMENTS_S3_SECRET_KEY"] == minio["MINIO_ROOT_PASSWORD"]
        init = service_env(compose_services, "minio-init")
        script = command_text(compose_services["minio-init"], "entrypoint")
        assert "mc mb --ignore-existing" in script
        assert init["S3_BUCKET"] == documents["DOCUMENTS_S3_BUCKET"] == "portal-documents"
        assert init["S3_ACCESS_KEY"] == minio["MINIO_ROOT_USER"]
        assert "http://minio:9000" in script

    def test_notifications_send_to_mailpit(self, compose_services: dict[str, Any]) -> None:
        """Mail goes to Mailpit's SMTP port."""
        notifications = service_env(compose_services, "notifications")
        assert notifications["NOTIFICATIONS_SMTP_HOST"] == "mailpit"
        assert notifications["NOTIFICATIONS_SMTP_PORT"] == "1025"
        assert compose_services["mailpit"]["image"].startswith("axllent/mailpit")

    def test_gateway_pools_name_every_service(
        self, compose_services: dict[str, Any], all_services: list[str]
    ) -> None:
        """The default pools list each service behind the gateway at its compose name."""
        pools = json.loads(service_env(compose_services, "gateway")["GATEWAY_DEFAULT_POOLS"])
        assert isinstance(pools, dict)
        assert sorted(pools) == sorted(set(all_services) - {"gateway"})
        for service, urls in pools.items():
            assert urls, f"the default pool of {service} is empty"
            for url in urls:
                host, port = host_and_port(url)
                assert host in compose_services, f"{url} names no compose service"
                assert port == 8000

    def test_gateway_sends_pages_to_the_web_service(self, compose_services: dict[str, Any]) -> None:
        """GATEWAY_WEB_POOL names the web service, which reads through the gateway."""
        pool = json.loads(service_env(compose_services, "gateway")["GATEWAY_WEB_POOL"])
        assert [host_and_port(url) for url in pool] == [("web", 8000)]
        assert host_and_port(service_env(compose_services, "web")["WEB_GATEWAY_URL"]) == (
            "gateway",
            8000,
        )


class TestStartOrder:
    """Dependencies wait on conditions that can be met."""

    def test_targets_exist_with_a_condition(self, compose_services: dict[str, Any]) -> None:
        """Each depends_on target is a service and names a condition."""
        for name, definition in compose_services.items():
            for target, how in depends_on(definition).items():
                assert target in compose_services, f"{name} depends on unknown {target}"
                assert isinstance(how, dict), f"{name} -> {target} has no condition"
                assert how.get("condition") in CONDITIONS, f"{name} -> {target}: {how}"

    def test_healthy_targets_have_a_health_check(self, compose_services: dict[str, Any]) -> None:
        """A service others wait to be healthy defines a health check."""
        for name, definition in compose_services.items():
            for target, how in depends_on(definition).items():
                if how.get("condition") != "service_healthy":
                    continue
                check = compose_services[target].get("healthcheck") or {}
                assert check.get("test"), f"{name} waits for {target}, which has no health check"
                assert check["test"] != ["NONE"], f"{target} turns its health check off"
                assert not check.get("disable"), f"{target} turns its health check off"

    def test_completed_targets_are_one_shot(self, compose_services: dict[str, Any]) -> None:
        """A service others wait to complete is never restarted, so it can complete."""
        for definition in compose_services.values():
            for target, how in depends_on(definition).items():
                if how.get("condition") == "service_completed_successfully":
                    assert compose_services[target].get("restart", "no") == "no", target

    def test_portal_services_wait_for_their_stores(
        self, svc: str, compose_services: dict[str, Any]
    ) -> None:
        """Every service starts after the replica set exists and the broker is up."""
        targets = depends_on(compose_services[svc])
        assert targets["mongo-init"]["condition"] == "service_completed_successfully"
        assert targets["rabbitmq"]["condition"] == "service_healthy"

    def test_gateway_waits_for_the_services_it_routes_to(
        self, compose_services: dict[str, Any], all_services: list[str]
    ) -> None:
        """The gateway starts after every service behind it is ready."""
        targets = depends_on(compose_services["gateway"])
        for service in set(all_services) - {"gateway"}:
            assert targets[service]["condition"] == "service_healthy"


class TestInfrastructure:
    """The stores the services need are the production kinds, set up once."""

    def test_mongo_is_a_replica_set_initiated_once(self, compose_services: dict[str, Any]) -> None:
        """mongo runs MongoDB 8 with --replSet; mongo-init initiates it only when needed."""
        mongo = compose_services["mongo"]
        assert mongo["image"] == "mongo:8"
        assert "--replSet rs0" in command_text(mongo, "command")
        script = command_text(compose_services["mongo-init"], "command")
        assert "rs.initiate({_id: 'rs0', members: [{_id: 0, host: 'mongo:27017'}]})" in script
        # Initiating an initiated set fails: the status probe makes a second run harmless.
        assert script.index("rs.status()") < script.index("rs.initiate(")
        assert "isWritablePrimary" in script

    def test_rabbitmq(self, compose_services: dict[str, Any]) -> None:
        """RabbitMQ 4 with the management UI and a diagnostics health check."""
        rabbitmq = compose_services["rabbitmq"]
        assert rabbitmq["image"] == "rabbitmq:4-management"
        assert "rabbitmq-diagnostics -q ping" in " ".join(rabbitmq["healthcheck"]["test"])

    def test_only_the_front_doors_are_published(self, compose_services: dict[str, Any]) -> None:
        """Only the gateway and the operators' UIs publish ports to the host."""
        published = {
            (name, port)
            for name, definition in compose_services.items()
            for port in published_container_ports(definition)
        }
        assert published == PUBLISHED_PORTS

    def test_every_variable_has_a_default(self, repo_root: Path) -> None:
        """`docker compose up` works without an .env file: each ${VAR} has a default."""
        text = (repo_root / "docker-compose.yml").read_text(encoding="utf-8")
        for match in _INTERPOLATION.finditer(text):
            if match.group(0) != "$$":
                assert match.group("op") == ":-", f"{match.group(0)} has no default"

    def test_interpolation(self) -> None:
        """The resolver used by these checks follows compose's rules."""
        assert interpolate("${A:-x}/${B-y}/$$C/${D}", {"A": "", "B": ""}) == "x//$C/"
        assert interpolate("$A-${A:-z}", {"A": "a"}) == "a-a"
        with pytest.raises(ValueError, match="required"):
            interpolate("${A:?set A}", {})
