"""Routes declare their error answers in OpenAPI, each with the standard error body."""

from typing import Any

from fastapi import FastAPI

from kit.responses import declared


def _operation() -> dict[str, Any]:
    app = FastAPI()

    @app.delete("/cases/{case_id}", responses=declared(404, 409))
    async def withdraw(case_id: str) -> None:
        """Withdraw a case."""

    operation: dict[str, Any] = app.openapi()["paths"]["/cases/{case_id}"]["delete"]
    return operation


class TestDeclaredErrors:
    def test_the_route_lists_its_statuses_and_the_ones_every_route_can_give(self) -> None:
        responses = _operation()["responses"]

        assert {"404", "409", "422", "503"} <= set(responses)
        assert not {"401", "403", "412", "428", "429"} & set(responses)

    def test_each_error_has_the_standard_body_and_a_description(self) -> None:
        responses = _operation()["responses"]

        for status in ("404", "409", "503"):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}
            assert responses[status]["description"]
