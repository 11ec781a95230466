"""The X-Request-ID header: kept when well-formed, replaced otherwise, always returned."""

import re

import httpx
import pytest

GENERATED = re.compile(r"^[0-9a-f]{32}$")


class TestRequestId:
    @pytest.mark.parametrize(
        "request_id", ["7f1c2e9a-4b1d-4c2e-9f00-1a2b3c4d5e6f", "gw:42.retry_1", "x" * 128]
    )
    async def test_well_formed_id_is_kept(
        self, service: httpx.AsyncClient, request_id: str
    ) -> None:
        response = await service.get("/cases/C-1", headers={"X-Request-ID": request_id})

        assert response.status_code == 200
        assert response.headers["x-request-id"] == request_id

    @pytest.mark.parametrize(
        "request_id", ["x" * 300, "x" * 129, "has spaces in it", "semi;colon", 'quote"d']
    )
    async def test_malformed_id_is_replaced(
        self, service: httpx.AsyncClient, request_id: str
    ) -> None:
        response = await service.get("/cases/C-1", headers={"X-Request-ID": request_id})

        assert response.status_code == 200
        returned = response.headers["x-request-id"]
        assert returned != request_id
        assert GENERATED.match(returned)

    async def test_missing_id_is_generated_and_differs_per_request(
        self, service: httpx.AsyncClient
    ) -> None:
        first = await service.get("/cases/C-1")
        second = await service.get("/cases/C-1")

        assert GENERATED.match(first.headers["x-request-id"])
        assert GENERATED.match(second.headers["x-request-id"])
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("GET", "/healthz", 200),
            ("POST", "/cases/C-1/close", 409),
            ("POST", "/applicants", 422),
            ("GET", "/tenancies/T-1", 404),
            ("DELETE", "/cases/C-1", 405),
            ("GET", "/reports/rent-arrears", 500),
        ],
    )
    async def test_id_is_returned_on_every_response(
        self, service: httpx.AsyncClient, method: str, path: str, status: int
    ) -> None:
        response = await service.request(method, path, headers={"X-Request-ID": "trace-0042"})

        assert response.status_code == status
        assert response.headers["x-request-id"] == "trace-0042"

    async def test_id_is_sent_once(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/cases/C-1", headers={"X-Request-ID": "trace-0043"})

        assert response.headers.get_list("x-request-id") == ["trace-0043"]
