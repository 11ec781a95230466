"""Logs are one JSON object per line, carry the request id and never the caller's token."""

import io
import json
import logging
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kit.logs import JsonFormatter


class LogCapture:
    """Formats every record the way the services write them, and keeps the lines."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())

    @property
    def text(self) -> str:
        """Everything written so far."""
        return self.stream.getvalue()

    def entries(self) -> list[dict[str, Any]]:
        """Every line, parsed; fails on a line that is not a JSON object."""
        parsed = []
        for line in self.text.splitlines():
            entry = json.loads(line)
            assert isinstance(entry, dict), line
            parsed.append(entry)
        return parsed


@pytest.fixture
def json_logs(service: httpx.AsyncClient) -> Iterator[LogCapture]:
    """Capture log records once the service (which sets up logging at start) is running."""
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture.handler)
    yield capture
    root.removeHandler(capture.handler)


class TestJsonLogs:
    async def test_access_line_is_json_with_request_id_and_route(
        self, service: httpx.AsyncClient, json_logs: LogCapture
    ) -> None:
        response = await service.get(
            "/cases/C-77", headers={"X-Request-ID": "trace-logs-1", "X-Authority": "rugby"}
        )

        assert response.status_code == 200
        access = [e for e in json_logs.entries() if e["logger"] == "kit.access"]
        assert len(access) == 1
        entry = access[0]
        assert entry["request_id"] == "trace-logs-1"
        assert entry["authority"] == "rugby"
        assert entry["message"] == "request"
        assert entry["level"] == "info"
        assert entry["method"] == "GET"
        assert entry["route"] == "/cases/{case_id}"
        assert entry["status"] == 200
        assert isinstance(entry["duration_ms"], float)
        assert entry["time"]

    async def test_generated_request_id_is_the_one_logged(
        self, service: httpx.AsyncClient, json_logs: LogCapture
    ) -> None:
        response = await service.get("/cases/C-78", headers={"X-Request-ID": "not valid!"})

        (entry,) = [e for e in json_logs.entries() if e["logger"] == "kit.access"]
        assert entry["request_id"] == response.headers["x-request-id"]

    async def test_unexpected_error_is_logged_with_its_request_id(
        self, service: httpx.AsyncClient, json_logs: LogCapture
    ) -> None:
        response = await service.get(
            "/reports/rent-arrears", headers={"X-Request-ID": "trace-logs-500"}
        )

        assert response.status_code == 500
        (error,) = [e for e in json_logs.entries() if e["logger"] == "kit.errors"]
        assert error["level"] == "error"
        assert error["request_id"] == "trace-logs-500"
        assert "RuntimeError: ledger mismatch" in error["exception"]
        (access,) = [e for e in json_logs.entries() if e["logger"] == "kit.access"]
        assert access["request_id"] == "trace-logs-500"
        assert access["status"] == 500

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/cases/C-79"),
            ("POST", "/cases/C-79/close"),
            ("POST", "/applicants"),
            ("GET", "/tenancies/T-1"),
            ("GET", "/reports/rent-arrears"),
        ],
    )
    async def test_authorization_header_is_never_logged(
        self, service: httpx.AsyncClient, json_logs: LogCapture, method: str, path: str
    ) -> None:
        token = f"eyJ.{secrets.token_urlsafe(24)}.sig"

        await service.request(method, path, headers={"Authorization": f"Bearer {token}"})

        assert json_logs.entries()
        assert token not in json_logs.text
