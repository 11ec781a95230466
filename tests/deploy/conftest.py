"""Fixtures shared by the checks that the deployment files agree with the code and each other."""

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

REPO_ROOT = Path(__file__).resolve().parents[2]

# The services and settings as the shared brief lists them; every variable has env_prefix "<SVC>_".
BRIEF_SERVICES = ("gateway", "identity", "cases", "documents", "notifications")
BRIEF_COMMON_SETTINGS = (
    "ENVIRONMENT",
    "LOG_LEVEL",
    "MONGO_URL",
    "MONGO_DB",
    "AMQP_URL",
    "JWKS_URL",
    "TOKEN_ISSUER",
)
BRIEF_OWN_SETTINGS: dict[str, tuple[str, ...]] = {
    "gateway": ("AUTHORITIES_SEED", "DEFAULT_POOLS"),
    "identity": (),
    "cases": (),
    "documents": ("S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET", "S3_REGION"),
    "notifications": ("SMTP_HOST", "SMTP_PORT", "MAIL_FROM"),
}

# Services outside services/ with a Dockerfile of their own; the gateway sends them pages,
# not API calls, so no API pool names them.
PAGE_SERVICES = {"web": "deploy/docker/web.Dockerfile"}

# Settings fields that each service's code fixes for itself; a deployment never sets them.
CODE_ONLY_FIELDS = frozenset({"service_name"})


def api_service_names() -> list[str]:
    """Every service the brief names and every folder under services/."""
    folders = {path.name for path in (REPO_ROOT / "services").iterdir() if path.is_dir()}
    return sorted(folders | set(BRIEF_SERVICES))


def service_names() -> list[str]:
    """Every service a deployment runs: the API services and the pages."""
    return sorted({*api_service_names(), *PAGE_SERVICES})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every check that takes `svc` once per service (the service Dockerfile's checks once
    per service built from it)."""
    if "svc" in metafunc.fixturenames:
        built_from_service_dockerfile = metafunc.module.__name__.endswith("test_deploy_images")
        names = api_service_names() if built_from_service_dockerfile else service_names()
        metafunc.parametrize("svc", names)


def load_yaml_documents(path: Path) -> list[Any]:
    """The documents of a YAML file, without empty ones."""
    with path.open(encoding="utf-8") as stream:
        return [document for document in yaml.safe_load_all(stream) if document is not None]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def page_services() -> dict[str, str]:
    """The services that serve pages, each with the Dockerfile it is built from."""
    return dict(PAGE_SERVICES)


@pytest.fixture(scope="session")
def all_services() -> list[str]:
    """Every service behind the gateway's API pools."""
    return api_service_names()


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    """docker-compose.yml as parsed YAML (anchors and merge keys resolved)."""
    documents = load_yaml_documents(REPO_ROOT / "docker-compose.yml")
    assert len(documents) == 1, "docker-compose.yml must hold one YAML document"
    parsed = documents[0]
    assert isinstance(parsed, dict)
    return parsed


@pytest.fixture(scope="session")
def compose_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `services` section of docker-compose.yml."""
    services = compose.get("services")
    assert isinstance(services, dict), "docker-compose.yml has no services mapping"
    for name, definition in services.items():
        assert isinstance(definition, dict), f"compose service {name} is not a mapping"
    return services


@pytest.fixture(scope="session")
def yaml_documents() -> Callable[[str], list[Any]]:
    """Loader of the documents of a YAML file, by its path from the repository root."""

    def load(relative: str) -> list[Any]:
        return load_yaml_documents(REPO_ROOT / relative)

    return load


@pytest.fixture
def brief_env_vars(svc: str) -> list[str]:
    """The environment variables the brief lists for one service."""
    prefix = f"{svc.upper()}_"
    own = BRIEF_OWN_SETTINGS.get(svc, ())
    return [prefix + name for name in (*BRIEF_COMMON_SETTINGS, *own)]


@pytest.fixture
def settings_class(svc: str) -> type[BaseSettings]:
    """`<svc>.config.Settings`."""
    module_name = f"{svc}.config"
    module = importlib.import_module(module_name)
    found = getattr(module, "Settings", None)
    assert isinstance(found, type), f"{module_name} has no Settings class"
    assert issubclass(found, BaseSettings), f"{module_name}.Settings is not a BaseSettings"
    return found


@pytest.fixture
def settings_env_vars(svc: str, settings_class: type[BaseSettings]) -> list[str]:
    """The environment variable of every field a deployment sets on the service's Settings."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    assert prefix.upper() == f"{svc.upper()}_", f"{svc} settings use env_prefix {prefix!r}"
    names = []
    for field_name, field in settings_class.model_fields.items():
        if field_name in CODE_ONLY_FIELDS:
            continue
        alias = field.validation_alias
        # pydantic-settings reads an aliased field from its alias, without the prefix.
        names.append(alias.upper() if isinstance(alias, str) else (prefix + field_name).upper())
    return names
