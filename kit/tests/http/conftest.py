"""Fixtures for the HTTP tests: a service app built by the kit's factory, run in-process."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field
from tests.support.polling import status_reached

from kit.app import ServiceParts, create_app
from kit.errors import AppError
from kit.settings import ServiceSettings
from portalstack.endpoints import Stack

READY_WITHIN_SECONDS = 15.0
# Nothing answers here: these tests never verify tokens.
UNUSED_JWKS_URL = "http://127.0.0.1:9/.well-known/jwks.json"


class CaseAlreadyClosed(AppError):
    """A closed case cannot be closed again."""

    status = 409
    code = "case_already_closed"
    message = "This case is already closed."


class ApplicantSignup(BaseModel):
    """What an applicant sends to register."""

    email: str
    password: str = Field(min_length=12)
    household_size: int = Field(ge=1)


cases = APIRouter()


@cases.get("/cases/{case_id}")
async def read_case(case_id: str) -> dict[str, str]:
    """A case by its id."""
    return {"case_id": case_id}


@cases.post("/cases/{case_id}/close")
async def close_case(case_id: str) -> None:
    """Always refuses: the case is closed already."""
    raise CaseAlreadyClosed(details={"case_id": case_id}, headers={"X-Case-Version": "7"})


@cases.post("/cases/search")
async def search_cases() -> list[str]:
    """Cases matching a search (none here)."""
    return []


# Another sub-domain's router serves more methods on the same paths.
case_notes = APIRouter()


@case_notes.patch("/cases/{case_id}")
async def change_case(case_id: str) -> dict[str, str]:
    """Change a case."""
    return {"case_id": case_id}


@cases.post("/applicants", status_code=201)
async def register_applicant(signup: ApplicantSignup) -> dict[str, str]:
    """Register an applicant."""
    return {"email": signup.email}


@cases.get("/reports/rent-arrears")
async def rent_arrears_report() -> None:
    """Fails the way a bug does."""
    raise RuntimeError("ledger mismatch on account 4471 for tenant Jane Example")


@pytest.fixture
def service_settings(stack: Stack, scratch_db_name: str) -> ServiceSettings:
    """Settings for a service of this test's own, on the real store and broker."""
    return ServiceSettings(
        service_name=f"kit-http-{uuid.uuid4().hex[:10]}",
        environment="test",
        mongo_url=stack.mongo_url,
        mongo_db=scratch_db_name,
        amqp_url=stack.amqp_url,
        jwks_url=UNUSED_JWKS_URL,
    )


Launch = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@contextlib.asynccontextmanager
async def running(
    settings: ServiceSettings, *, parts: ServiceParts | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """Run a test app's lifespan and hand back a client for it, ready or not."""
    app = create_app(
        settings,
        title="Kit test service",
        description="Routes that exercise the kit's shared HTTP behaviour.",
        # No queues are declared for these throwaway services.
        parts=parts
        or ServiceParts(
            routers=[cases, case_notes], keeps_authority_copy=False, keeps_ended_sessions=False
        ),
    )
    async with app.router.lifespan_context(app):
        # Unexpected errors must come back as responses, as a real server sends them.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
            yield client


@pytest.fixture
def launch() -> Launch:
    """Start a test app with the given settings and parts; the caller waits for readiness."""
    return running


@pytest.fixture
async def service(service_settings: ServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the running test service, once it reports ready."""
    async with running(service_settings) as client:
        await status_reached(client, "/readyz", 200, within=READY_WITHIN_SECONDS)
        yield client
