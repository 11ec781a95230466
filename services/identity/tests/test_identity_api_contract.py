"""The API as documented, bad input never a 500, and no secret in the logs."""

import re
import uuid
from typing import Any

import httpx
import pytest
from tests.support.logs import ServiceLog
from tests.support.portal import Portal, error_code, new_email

from portalstack.endpoints import Stack

UNDOCUMENTED_ERRORS = {"/healthz", "/readyz", "/.well-known/jwks.json"}
GARBAGE_BODIES: list[Any] = [
    "not json at all",
    [],
    {"email": 5, "password": ["x"], "token": {"a": 1}, "code": None, "challenge_id": 7},
    {"email": "a@b.co", "password": "x" * 10_000, "first_name": "\u0000", "last_name": ""},
    {"unexpected": True},
]


@pytest.fixture(scope="module")
def openapi(stack: Stack) -> dict[str, Any]:
    """Identity's OpenAPI document, from the service itself."""
    response = httpx.get(f"{stack.service_urls['identity']}/openapi.json", timeout=10.0)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (method, path, operation) of the document."""
    return [
        (method.upper(), path, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    ]


class TestDocumentation:
    def test_every_route_has_a_summary_and_declares_its_errors(
        self, openapi: dict[str, Any]
    ) -> None:
        missing = []
        for method, path, operation in operations(openapi):
            assert operation.get("summary"), f"{method} {path} has no summary"
            if path in UNDOCUMENTED_ERRORS:
                continue
            errors = {
                status: response
                for status, response in operation["responses"].items()
                if status.startswith("4")
            }
            for status, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
            if not set(errors) - {"422"}:
                missing.append(f"{method} {path}")
        assert not missing, f"routes declaring no errors but 422: {missing}"

    def test_the_routes_of_the_brief_are_there(self, openapi: dict[str, Any]) -> None:
        paths = set(openapi["paths"])

        assert {
            "/accounts",
            "/accounts/confirmation",
            "/sessions",
            "/sessions/challenge",
            "/tokens/refresh",
            "/sessions/{session_id}",
            "/me",
            "/me/sessions",
            "/me/security-events",
            "/me/memberships",
            "/me/factors",
            "/organisations",
            "/staff-invitations",
            "/restrictions",
            "/audit-events",
            "/signing-keys/rotation",
        } <= paths


class TestBadInput:
    async def test_garbage_to_every_route_gets_a_4xx_with_the_standard_body(
        self, portal: Portal, openapi: dict[str, Any]
    ) -> None:
        person = await portal.applicant("watford")
        for method, path, _ in operations(openapi):
            if method == "GET":
                continue
            concrete = re.sub(r"\{[^}]+\}", "nonexistent", path)
            for body in GARBAGE_BODIES:
                for who in (None, person):
                    options: dict[str, Any] = {"person": who}
                    if isinstance(body, str):
                        options["headers"] = {"Content-Type": "application/json"}
                        response = await portal.http.request(
                            method,
                            f"/watford/api/identity{concrete}",
                            content=body,
                            headers={**(person.auth if who else {}), **options["headers"]},
                        )
                    else:
                        response = await portal.call(
                            method, "watford", concrete, json=body, **options
                        )
                    assert 400 <= response.status_code < 500, (method, path, body, response.text)
                    error_code(response, response.status_code)

    async def test_garbage_queries_get_a_4xx(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")

        for params in ({"limit": "lots"}, {"limit": 0}, {"cursor": "!!"}, {"cursor": "e30"}):
            response = await portal.get("watford", "/audit-events", person=admin, params=params)
            assert 400 <= response.status_code < 500, (params, response.text)
            error_code(response, response.status_code)

    async def test_a_forged_token_is_refused(self, portal: Portal) -> None:
        forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."

        response = await portal.get("watford", "/me", headers={"Authorization": f"Bearer {forged}"})

        assert error_code(response, 401) == "token_invalid"


class TestSecretsStayOutOfLogs:
    async def test_passwords_codes_and_tokens_are_not_logged(self, portal: Portal) -> None:
        logs = [ServiceLog("identity"), ServiceLog("gateway")]
        request_ids: list[str] = []

        async def traced(request: httpx.Request) -> None:
            # Every request names itself, so that the logs can be shown to hold its lines.
            request.headers.setdefault("X-Request-ID", f"logged-{uuid.uuid4().hex}")
            request_ids.append(request.headers["X-Request-ID"])

        portal.http.event_hooks["request"].append(traced)
        marker = f"Secret-{uuid.uuid4().hex[:10]}-9!"
        person = await portal.applicant("watford", password=marker)
        await portal.post("watford", "/sessions", {"email": new_email(), "password": marker})
        enrol = await portal.post(
            "watford", "/me/factors/email-code", {"password": marker}, person=person
        )
        assert enrol.status_code == 202, enrol.text
        event = await portal.store.wait_for_event("identity.signin.code_issued", email=person.email)
        await portal.post(
            "watford",
            "/me/factors/email-code/confirmation",
            {"code": event["data"]["code"]},
            person=person,
        )
        confirmation = await portal.store.wait_for_event(
            "identity.account.confirmation_requested", email=person.email
        )
        secrets = [
            marker,
            str(event["data"]["code"]),
            person.access_token,
            str(person.tokens["refresh_token"]),
            confirmation["data"]["link"].split("token=")[1],
        ]

        # Every request of this test has reached both logs before they are searched.
        written = "".join([await log.naming(*request_ids) for log in logs])

        # Bounded, so that a six-digit code is not found inside a request id's hex by chance.
        leaked = [
            secret
            for secret in secrets
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", written)
        ]
        assert not leaked
