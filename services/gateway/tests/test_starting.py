"""A gateway whose registry has not loaded yet asks clients to come back, rather than guessing."""

import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from portalstack.processes import free_port
from portalstack.services import service_env
from portalstack.settings import StackSettings

StartServer = Callable[..., str]


@pytest.fixture
def unloaded_gateway(start_server: StartServer, tmp_path: Path) -> str:
    """A gateway whose store never answers, so its registry never loads: its URL once alive."""
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    env = service_env(StackSettings.from_env(), "gateway") | {
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        # Nothing listens here: the gateway keeps retrying its store and never loads.
        "GATEWAY_MONGO_URL": f"mongodb://127.0.0.1:{free_port()}/?serverSelectionTimeoutMS=200",
        "GATEWAY_RATE_LIMIT_STATE": str(tmp_path / "rates"),
    }
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "gateway.main:app", "--port", str(port)]
    return start_server(argv, env=env, port=port, ready="/healthz")


class TestBeforeTheRegistryLoads:
    @pytest.mark.parametrize(
        "path", ["/watford/api/cases/cases", "/watford/api/identity/password-rules"]
    )
    async def test_service_calls_are_asked_to_retry_shortly(
        self, unloaded_gateway: str, path: str
    ) -> None:
        async with httpx.AsyncClient(base_url=unloaded_gateway) as client:
            response = await client.get(path, headers={"X-Request-ID": "starting-check-1"})

        assert response.status_code == 503, response.text
        assert response.json() == {
            "error": {
                "code": "starting",
                "message": "The portal is starting; try again in a moment.",
                "details": None,
            }
        }
        assert response.headers["retry-after"] == "2"
        assert response.headers["x-request-id"] == "starting-check-1"
        assert response.headers["cache-control"] == "no-store"

    async def test_the_gateway_is_not_ready(self, unloaded_gateway: str) -> None:
        async with httpx.AsyncClient(base_url=unloaded_gateway) as client:
            response = await client.get("/readyz")

        assert response.status_code == 503
        assert response.json()["checks"]["registry"] == "failed"
