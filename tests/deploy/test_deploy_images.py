"""The service Dockerfile, built for each service, installs it from paths the context holds."""

import json
import re
import shlex
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_IMAGE = "python:3.11-slim"
SERVICE_DOCKERFILE = "deploy/docker/service.Dockerfile"


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction with its continuation lines joined."""

    keyword: str
    arguments: str

    def words(self) -> list[str]:
        """The arguments in exec (JSON) form or split as a shell would."""
        text = self.arguments.strip()
        if text.startswith("["):
            parsed = json.loads(text)
            assert isinstance(parsed, list)
            return [str(word) for word in parsed]
        return shlex.split(text)


@dataclass(frozen=True)
class Copy:
    """A COPY from the build context: its sources and the absolute path they land at."""

    sources: list[str]
    destination: PurePosixPath


def parse_dockerfile(path: Path, *, build_args: dict[str, str]) -> list[list[Instruction]]:
    """The instructions of a Dockerfile built with these arguments, one list per build stage."""
    text = path.read_text(encoding="utf-8")
    for name, value in build_args.items():
        text = text.replace("${" + name + "}", value)
    stages: list[list[Instruction]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        pending = ""
        instruction = Instruction(keyword.upper(), arguments.strip())
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, f"{path}: {keyword} before the first FROM"
        stages[-1].append(instruction)
    assert not pending, f"{path} ends inside a continued line"
    return stages


def context_copies(stage: list[Instruction]) -> list[Copy]:
    """The stage's COPY instructions that read the build context (not another stage)."""
    copies = []
    for instruction in stage:
        if instruction.keyword not in {"COPY", "ADD"}:
            continue
        words = instruction.words()
        if any(word.startswith("--from") for word in words):
            continue
        paths = [word for word in words if not word.startswith("--")]
        destination = workdir_at(stage, instruction) / paths[-1]
        copies.append(Copy(sources=paths[:-1], destination=destination))
    return copies


def workdir_at(stage: list[Instruction], upto: Instruction) -> PurePosixPath:
    """The working directory in force when an instruction runs."""
    current = PurePosixPath("/")
    for instruction in stage:
        if instruction is upto:
            break
        if instruction.keyword == "WORKDIR":
            current = current / instruction.arguments
    return current


def only(stage: list[Instruction], keyword: str) -> Instruction:
    """The last instruction of a kind in a stage (Docker uses the last one)."""
    found = [instruction for instruction in stage if instruction.keyword == keyword]
    assert found, f"no {keyword} in the stage"
    return found[-1]


def dockerignore_rules(lines: Iterable[str]) -> list[tuple[bool, re.Pattern[str]]]:
    """.dockerignore patterns in order, each as (excludes, regular expression)."""
    rules = []
    for line in lines:
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        excludes = not pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex, index = regex + "(?:.*/)?", index + 3
            elif pattern.startswith("**", index):
                regex, index = regex + ".*", index + 2
            elif pattern[index] == "*":
                regex, index = regex + "[^/]*", index + 1
            elif pattern[index] == "?":
                regex, index = regex + "[^/]", index + 1
            elif pattern[index] == "[":
                end = pattern.index("]", index)
                regex, index = regex + pattern[index : end + 1], end + 1
            else:
                regex, index = regex + re.escape(pattern[index]), index + 1
        rules.append((excludes, re.compile(regex)))
    return rules


def sent_to_builder(rules: list[tuple[bool, re.Pattern[str]]], relative: str) -> bool:
    """Whether a path reaches the build context; the last matching rule wins, as in Docker."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: count + 1]) for count in range(len(parts))]
    excluded = False
    for excludes, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = excludes
    return not excluded


@pytest.fixture
def stages(svc: str, repo_root: Path) -> list[list[Instruction]]:
    """The build stages of the service Dockerfile, built for this service."""
    dockerfile = repo_root / SERVICE_DOCKERFILE
    assert dockerfile.is_file(), f"{SERVICE_DOCKERFILE} is missing"
    return parse_dockerfile(dockerfile, build_args={"SERVICE": svc})


@pytest.fixture(scope="session")
def ignore_rules(repo_root: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """The rules of the root .dockerignore (the build context of every image)."""
    return dockerignore_rules((repo_root / ".dockerignore").read_text().splitlines())


class TestDockerfile:
    """The image installs the shared packages and the service and runs it like deploy/local."""

    def test_base_image(self, stages: list[list[Instruction]]) -> None:
        """Every stage starts from the slim Python 3.11 image."""
        for stage in stages:
            assert stage[0].words()[0] == BASE_IMAGE

    def test_copied_paths_exist(
        self, svc: str, stages: list[list[Instruction]], repo_root: Path
    ) -> None:
        """Each path copied from the build context exists in the repository."""
        for stage in stages:
            for copy in context_copies(stage):
                for source in copy.sources:
                    assert (repo_root / source).exists(), f"{svc} image copies missing {source}"

    def test_packages_are_copied_where_pip_installs_them(
        self, svc: str, stages: list[list[Instruction]]
    ) -> None:
        """constraints.txt, contracts, kit and the service land where `pip install` reads them."""
        install = next(
            (
                (stage, instruction)
                for stage in stages
                for instruction in stage
                if instruction.keyword == "RUN" and "pip install" in instruction.arguments
            ),
            None,
        )
        assert install is not None, f"the {svc} image runs no pip install"
        stage, run = install
        words = shlex.split(run.arguments)
        assert words[words.index("--constraint") + 1] == "constraints.txt"
        packages = ["./contracts", "./kit", f"./services/{svc}"]
        assert [word for word in words if word.startswith("./")] == packages
        workdir = workdir_at(stage, run)
        landed = {}
        for copy in context_copies(stage):
            assert len(copy.sources) == 1, f"copy one path at a time: {copy.sources}"
            landed[copy.sources[0].rstrip("/")] = copy.destination
        for needed in ["constraints.txt", *[package[2:] for package in packages]]:
            assert needed in landed, f"the {svc} image never copies {needed}"
            assert landed[needed] == workdir / needed, f"{needed} lands at {landed[needed]}"

    def test_dependencies_resolve(
        self, svc: str, stages: list[list[Instruction]], repo_root: Path
    ) -> None:
        """Every dependency of the installed packages is one of them or pinned in constraints."""
        run = next(
            instruction
            for stage in stages
            for instruction in stage
            if instruction.keyword == "RUN" and "pip install" in instruction.arguments
        )
        projects = {}
        for word in shlex.split(run.arguments):
            if word.startswith("./"):
                with (repo_root / word / "pyproject.toml").open("rb") as stream:
                    project = tomllib.load(stream)["project"]
                projects[canonicalize_name(project["name"])] = project
        pinned = {
            canonicalize_name(Requirement(line).name)
            for line in (repo_root / "constraints.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        }
        for name, project in projects.items():
            for dependency in project.get("dependencies", []):
                needed = canonicalize_name(Requirement(dependency).name)
                assert needed in projects or needed in pinned, (
                    f"{name} needs {needed}, which the {svc} image neither installs nor pins"
                )

    def test_runs_as_a_user(self, stages: list[list[Instruction]]) -> None:
        """The running image is not root."""
        user = only(stages[-1], "USER").arguments.split(":", 1)[0]
        assert user not in {"root", "0"}

    def test_command(self, svc: str, stages: list[list[Instruction]]) -> None:
        """gunicorn serves `<svc>.main:app` on port 8000 with uvicorn workers, as the brief says."""
        final = stages[-1]
        command = " ".join(only(final, "CMD").words())
        assert f"exec gunicorn {svc}.main:app -k kit.server.Worker" in command
        assert "--no-control-socket" in command
        assert "-b 0.0.0.0:8000" in command
        assert '-w "${WEB_CONCURRENCY:-2}"' in command
        assert only(final, "EXPOSE").arguments == "8000"

    def test_metrics_folder_starts_empty(self, stages: list[list[Instruction]]) -> None:
        """PROMETHEUS_MULTIPROC_DIR is set and emptied before gunicorn starts."""
        final = stages[-1]
        environment = " ".join(i.arguments for i in final if i.keyword == "ENV")
        assert "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus" in environment
        command = " ".join(only(final, "CMD").words())
        empty = 'rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"'
        assert command.index(empty) < command.index("gunicorn")

    def test_health_check(self, stages: list[list[Instruction]]) -> None:
        """The image checks readiness with Python's urllib (the slim image has no curl)."""
        check = only(stages[-1], "HEALTHCHECK").arguments
        assert "CMD" in check
        assert "urllib.request.urlopen('http://127.0.0.1:8000/readyz'" in check

    def test_module_exists(self, svc: str, repo_root: Path) -> None:
        """The module the command serves is in the service's package."""
        package = repo_root / "services" / svc / "src" / svc
        assert (package / "main.py").is_file(), f"{svc}.main does not exist"


WEB_DOCKERFILE = "deploy/docker/web.Dockerfile"


class TestWebDockerfile:
    """The web image installs the shared packages and the web service, with its npm assets."""

    @pytest.fixture
    def web_stages(self, repo_root: Path) -> list[list[Instruction]]:
        """The build stages of the web Dockerfile."""
        return parse_dockerfile(repo_root / WEB_DOCKERFILE, build_args={})

    def test_copied_paths_exist_and_reach_the_builder(
        self,
        web_stages: list[list[Instruction]],
        ignore_rules: list[tuple[bool, re.Pattern[str]]],
        repo_root: Path,
    ) -> None:
        """Each path copied from the build context exists and is sent to the builder."""
        copied = [
            source for stage in web_stages for c in context_copies(stage) for source in c.sources
        ]
        assert {"package.json", "package-lock.json", "web", "kit", "contracts"} <= set(copied)
        for source in copied:
            root = repo_root / source
            assert root.exists(), f"the web image copies missing {source}"
            files = [root] if root.is_file() else sorted(root.rglob("*.py"))
            for path in files:
                relative = path.relative_to(repo_root).as_posix()
                if "/tests/" in relative or "__pycache__" in relative:
                    continue
                assert sent_to_builder(ignore_rules, relative), f"{relative} is ignored"

    def test_the_python_stages_run_the_web_app_as_a_user(
        self, web_stages: list[list[Instruction]]
    ) -> None:
        """The runtime stage is the slim Python image, runs as a user and serves web.main."""
        runtime = web_stages[-1]
        assert runtime[0].words()[0] == BASE_IMAGE
        assert any(i.keyword == "USER" and i.arguments.startswith("10001") for i in runtime)
        command = next(i for i in runtime if i.keyword == "CMD")
        assert "gunicorn web.main:app -k kit.server.Worker" in command.arguments


class TestBuildContext:
    """The root .dockerignore sends what the images copy and keeps the rest out."""

    def test_copied_files_reach_the_builder(
        self,
        svc: str,
        stages: list[list[Instruction]],
        ignore_rules: list[tuple[bool, re.Pattern[str]]],
        repo_root: Path,
    ) -> None:
        """Every file an image copies, apart from tests and caches, is in the context."""
        for stage in stages:
            for copy in context_copies(stage):
                for source in copy.sources:
                    root = repo_root / source
                    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
                    files += [root / "pyproject.toml"] if root.is_dir() else []
                    for path in files:
                        relative = path.relative_to(repo_root).as_posix()
                        if "/tests/" in relative or "__pycache__" in relative:
                            continue
                        assert sent_to_builder(ignore_rules, relative), f"{relative} is ignored"

    @pytest.mark.parametrize(
        "relative",
        [
            ".git/HEAD",
            ".venv/bin/python",
            ".data/run/mongo.log",
            "bench/results/latest.json",
            "docker-compose.yml",
            "kit/tests/test_settings.py",
            "services/cases/tests/conftest.py",
            "services/cases/src/cases/__pycache__/main.cpython-311.pyc",
            "kit/src/housing_portal_kit.egg-info/PKG-INFO",
        ],
    )
    def test_the_rest_stays_out(
        self, relative: str, ignore_rules: list[tuple[bool, re.Pattern[str]]]
    ) -> None:
        """Virtual environments, data, tests and build leftovers never reach the builder."""
        assert not sent_to_builder(ignore_rules, relative)

    def test_matcher(self) -> None:
        """The .dockerignore matcher used here follows Docker's rules for these patterns."""
        rules = dockerignore_rules(["**", "!kit", "**/tests", "!kit/tests/keep.py"])
        assert sent_to_builder(rules, "kit/src/kit/app.py")
        assert not sent_to_builder(rules, "kit/tests/test_app.py")
        assert sent_to_builder(rules, "kit/tests/keep.py")
        assert not sent_to_builder(rules, "web/app.py")
