"""Every error, expected or not, comes back as the standard body."""

from typing import Any

import httpx


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error object of a standard error body with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


class TestAppError:
    async def test_subclass_sets_status_code_message_details_and_headers(
        self, service: httpx.AsyncClient
    ) -> None:
        response = await service.post("/cases/C-1001/close")

        error = error_of(response, 409, "case_already_closed")
        assert error["message"] == "This case is already closed."
        assert error["details"] == {"case_id": "C-1001"}
        assert response.headers["x-case-version"] == "7"


class TestValidationError:
    async def test_invalid_field_is_described_without_the_submitted_value(
        self, service: httpx.AsyncClient
    ) -> None:
        password = "hunter2!x"
        response = await service.post(
            "/applicants",
            json={"email": "applicant@example.org", "password": password, "household_size": 0},
        )

        error = error_of(response, 422, "validation_failed")
        assert password not in response.text
        details = error["details"]
        assert isinstance(details, list)
        assert {tuple(item["loc"]) for item in details} == {
            ("body", "password"),
            ("body", "household_size"),
        }
        for item in details:
            assert set(item) == {"loc", "message", "type"}
            assert item["message"]
        by_field = {item["loc"][-1]: item["type"] for item in details}
        assert by_field == {"password": "string_too_short", "household_size": "greater_than_equal"}

    async def test_missing_field_is_named(self, service: httpx.AsyncClient) -> None:
        response = await service.post(
            "/applicants", json={"email": "applicant@example.org", "household_size": 2}
        )

        error = error_of(response, 422, "validation_failed")
        assert error["details"] == [
            {"loc": ["body", "password"], "message": "Field required", "type": "missing"}
        ]

    async def test_valid_body_is_accepted(self, service: httpx.AsyncClient) -> None:
        response = await service.post(
            "/applicants",
            json={
                "email": "applicant@example.org",
                "password": "a long enough passphrase",
                "household_size": 3,
            },
        )

        assert response.status_code == 201, response.text
        assert response.json() == {"email": "applicant@example.org"}


class TestMalformedJson:
    async def test_unparseable_body_is_a_validation_error_without_its_text(
        self, service: httpx.AsyncClient
    ) -> None:
        password = "correct-horse-battery"
        response = await service.post(
            "/applicants",
            content=b'{"email": "applicant@example.org", "password": "' + password.encode(),
            headers={"content-type": "application/json"},
        )

        error = error_of(response, 422, "validation_failed")
        assert [item["type"] for item in error["details"]] == ["json_invalid"]
        assert password not in response.text


class TestUnknownRouteAndMethod:
    async def test_unknown_route_is_not_found(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/tenancies/T-1")

        error = error_of(response, 404, "not_found")
        assert error["details"] is None

    async def test_wrong_method_is_not_allowed_and_names_every_allowed_one(
        self, service: httpx.AsyncClient
    ) -> None:
        response = await service.delete("/cases/C-1001")

        error_of(response, 405, "method_not_allowed")
        # GET and PATCH come from two routers; the first route alone would name only GET.
        assert response.headers["allow"] == "GET, PATCH"

    async def test_a_fixed_path_names_its_own_methods_not_a_templates(
        self, service: httpx.AsyncClient
    ) -> None:
        # `/cases/search` also matches `/cases/{case_id}`, a different resource.
        response = await service.options("/cases/search")

        error_of(response, 405, "method_not_allowed")
        assert response.headers["allow"] == "POST"


class TestUnexpectedError:
    async def test_is_internal_error_without_the_exception_text(
        self, service: httpx.AsyncClient
    ) -> None:
        response = await service.get("/reports/rent-arrears")

        error = error_of(response, 500, "internal_error")
        assert error["details"] is None
        for leaked in ("ledger mismatch", "4471", "Jane Example", "RuntimeError", "Traceback"):
            assert leaked not in response.text

    async def test_service_keeps_answering_afterwards(self, service: httpx.AsyncClient) -> None:
        await service.get("/reports/rent-arrears")

        response = await service.get("/cases/C-1002")

        assert response.status_code == 200
        assert response.json() == {"case_id": "C-1002"}
