"""Services under gunicorn: settings derived from PORTAL_*, readiness, clean stop."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portalstack import components
from portalstack.components import ProcessComponent, StackError
from portalstack.processes import group_members, port_open
from portalstack.services import service, service_env
from portalstack.settings import StackSettings
from portalstack.stack import Stack

# A bare ASGI app standing in for `<svc>.main:app`: it reports the settings it was given.
PROBE_APP = """
import json
import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    seen = {k: v for k, v in os.environ.items() if k.startswith(("STACKPROBE_", "PROMETHEUS_"))}
    status = 200 if scope["path"] == "/readyz" else 404
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})
"""


class TestServiceEnv:
    """Each service's settings point at the stack's own servers."""

    def test_common_settings_point_at_the_stack(self, settings: StackSettings) -> None:
        env = service_env(settings, "cases", environ={})

        assert env["CASES_MONGO_URL"] == (
            f"mongodb://127.0.0.1:{settings.mongo_port}/?retryWrites=false&directConnection=true"
        )
        assert env["CASES_MONGO_DB"] == "portal_cases"
        assert env["CASES_AMQP_URL"] == f"amqp://guest:guest@127.0.0.1:{settings.amqp_port}/"
        identity = settings.service_ports["identity"]
        assert env["CASES_JWKS_URL"] == f"http://127.0.0.1:{identity}/.well-known/jwks.json"
        assert env["PROMETHEUS_MULTIPROC_DIR"] == str(settings.run_dir / "prometheus" / "cases")

    def test_gateway_pools_name_every_other_service(self, settings: StackSettings) -> None:
        env = service_env(settings, "gateway", environ={})

        pools = json.loads(env["GATEWAY_DEFAULT_POOLS"])
        assert pools == {
            name: [f"http://127.0.0.1:{settings.service_ports[name]}"]
            for name in ("identity", "cases", "documents", "notifications")
        }
        assert env["GATEWAY_AUTHORITIES_SEED"].endswith("deploy/authorities.yaml")

    def test_documents_and_notifications_get_their_servers(self, settings: StackSettings) -> None:
        documents = service_env(settings, "documents", environ={})
        notifications = service_env(settings, "notifications", environ={})

        assert documents["DOCUMENTS_S3_ENDPOINT"] == f"http://127.0.0.1:{settings.s3_port}"
        assert documents["DOCUMENTS_S3_BUCKET"] == "portal-documents"
        assert documents["DOCUMENTS_S3_ACCESS_KEY"] == settings.s3_access_key
        assert notifications["NOTIFICATIONS_SMTP_PORT"] == str(settings.smtp_port)

    def test_a_variable_already_set_wins(self, settings: StackSettings) -> None:
        env = service_env(settings, "identity", environ={"IDENTITY_MONGO_DB": "portal_test_7"})

        assert env["IDENTITY_MONGO_DB"] == "portal_test_7"


@pytest.fixture
def probe_service(
    tmp_path: Path, settings: StackSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ProcessComponent]:
    """A throwaway `stackprobe.main:app` run exactly as the runner runs a service."""
    package = tmp_path / "apps" / "stackprobe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(PROBE_APP)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "apps"))
    # The cases port is free: this test starts no real service.
    ports = {**settings.service_ports, "stackprobe": settings.service_ports["cases"]}
    component = service(dataclasses.replace(settings, service_ports=ports), "stackprobe")
    yield component
    component.stop()


class TestServiceProcess:
    """gunicorn starts `<svc>.main:app`, readiness is /readyz, stop ends every worker."""

    def test_started_ready_and_stopped_with_its_workers(
        self, probe_service: ProcessComponent, stack: Stack, settings: StackSettings
    ) -> None:
        metrics = settings.run_dir / "prometheus" / "stackprobe"
        metrics.mkdir(parents=True)
        (metrics / "counter_1234.db").write_bytes(b"left by an earlier run")

        assert probe_service.launch()
        stack.wait_ready([probe_service], timeout=30)

        port = probe_service.ports[0]
        seen = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
        assert seen["STACKPROBE_MONGO_URL"] == settings.mongo_url
        assert seen["PROMETHEUS_MULTIPROC_DIR"] == str(metrics)
        assert list(metrics.iterdir()) == []
        pid = probe_service.pid_file.running_pid()
        assert pid is not None
        # Ready once one worker answers; the others may still be starting.
        deadline = time.monotonic() + 15
        while len(group_members(pid)) < 1 + settings.workers and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(group_members(pid)) == 1 + settings.workers

        assert probe_service.stop() == f"stopped (pid {pid})"
        assert group_members(pid) == []
        assert not port_open("127.0.0.1", port)

    def test_a_service_that_cannot_start_is_reported_with_its_log(
        self,
        probe_service: ProcessComponent,
        stack: Stack,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        (tmp_path / "apps" / "stackprobe" / "main.py").write_text(
            'raise RuntimeError("CASES_MONGO_URL is not set")\n'
        )
        probe_service.launch()

        with pytest.raises(StackError, match="not ready: stackprobe"):
            stack.wait_ready([probe_service], timeout=30)
        assert "CASES_MONGO_URL is not set" in capsys.readouterr().out


def listening(port: int) -> socket.socket:
    """A socket holding the port, as a process would."""
    held = socket.socket()
    held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    held.bind(("127.0.0.1", port))
    held.listen()
    return held


class TestPortTaken:
    """A port still held by a process that is dying is waited for; one kept is refused."""

    def test_a_port_let_go_soon_after_is_waited_for(
        self, probe_service: ProcessComponent, stack: Stack
    ) -> None:
        held = listening(probe_service.ports[0])
        # A killed service lets go of its port a moment after its pid is gone.
        threading.Timer(1.0, held.close).start()

        assert probe_service.launch()
        stack.wait_ready([probe_service], timeout=30)

    def test_a_port_kept_by_another_process_is_refused(
        self, probe_service: ProcessComponent, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(components, "PORT_FREED_WITHIN", 0.5)
        held = listening(probe_service.ports[0])
        try:
            with pytest.raises(StackError, match="already in use by a process"):
                probe_service.launch()
        finally:
            held.close()
        assert probe_service.pid_file.running_pid() is None
