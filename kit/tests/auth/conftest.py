"""Fixtures for the auth tests: a real JWKS served over HTTP and tokens signed like identity's."""

import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import httpx
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, Depends
from jwt.algorithms import OKPAlgorithm
from tests.support.polling import status_reached

from kit.app import ServiceParts, create_app
from kit.auth import CurrentPrincipal, Principal, require_roles
from kit.settings import ServiceSettings
from portalstack.endpoints import Stack

ISSUER = "housing-portal"
JWKS_PATH = "/.well-known/jwks.json"
READY_WITHIN_SECONDS = 15.0

MintToken = Callable[..., str]


class SigningKey:
    """An Ed25519 key pair with its key id, signing as identity does."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self.private_key = Ed25519PrivateKey.generate()

    def public_jwk(self) -> dict[str, Any]:
        """The public half, as the JWKS publishes it."""
        jwk = OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        assert isinstance(jwk, dict)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "EdDSA"}

    def mint(
        self,
        *,
        authority: str = "rugby",
        roles: tuple[str, ...] | Any = ("officer",),
        lifetime: int = 600,
        **claims: Any,
    ) -> str:
        """An access token; roles other than a tuple go in as given; a None claim is left out."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "sub": uuid.uuid4().hex,
            "authority": authority,
            "roles": list(roles) if isinstance(roles, tuple) else roles,
            "amr": ["pwd", "otp"],
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "sid": uuid.uuid4().hex,
        }
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})


class JwksEndpoint:
    """The key set being served, and how often it was fetched."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = []
        self.fetches = 0
        self.url = ""

    async def answer(self, _: web.Request) -> web.Response:
        """Serve the current key set."""
        self.fetches += 1
        return web.json_response({"keys": [key.public_jwk() for key in self.keys]})


@pytest.fixture
async def jwks() -> AsyncIterator[JwksEndpoint]:
    """A JWKS served over real HTTP on a free local port."""
    endpoint = JwksEndpoint()
    app = web.Application()
    app.router.add_get(JWKS_PATH, endpoint.answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    endpoint.url = f"http://127.0.0.1:{port}{JWKS_PATH}"
    yield endpoint
    await runner.cleanup()


@pytest.fixture
def jwks_url(jwks: JwksEndpoint) -> str:
    """Where the key set is served."""
    return jwks.url


@pytest.fixture
def jwks_fetches(jwks: JwksEndpoint) -> Callable[[], int]:
    """How many times the key set has been fetched so far."""
    return lambda: jwks.fetches


@pytest.fixture
def mint(jwks: JwksEndpoint) -> MintToken:
    """Sign access tokens with a key the JWKS publishes."""
    key = SigningKey()
    jwks.keys.append(key)
    return key.mint


@pytest.fixture
def rotate_keys(jwks: JwksEndpoint, mint: MintToken) -> Callable[..., MintToken]:
    """Publish a new signing key (dropping the others unless kept); sign with it from then on."""

    def rotate(*, keep_old: bool = False) -> MintToken:
        key = SigningKey()
        jwks.keys = [*jwks.keys, key] if keep_old else [key]
        return key.mint

    return rotate


@pytest.fixture
def mint_unpublished() -> MintToken:
    """Sign access tokens with a key the JWKS never publishes."""
    return SigningKey().mint


def principal_body(principal: Principal) -> dict[str, Any]:
    """The principal as JSON."""
    return {
        "user_id": principal.user_id,
        "authority": principal.authority,
        "roles": sorted(principal.roles),
        "organisation": principal.organisation,
        "methods": list(principal.methods),
    }


casework = APIRouter()


@casework.get("/me")
async def who_am_i(principal: CurrentPrincipal) -> dict[str, Any]:
    """The caller, as the token says."""
    return principal_body(principal)


@casework.get("/casework/queue")
async def officer_queue(
    principal: Annotated[Principal, Depends(require_roles("officer", "manager"))],
) -> dict[str, Any]:
    """Only officers and managers see the queue."""
    return principal_body(principal)


@pytest.fixture
async def casework_service(
    stack: Stack, scratch_db_name: str, jwks_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A running service whose routes need a caller, verifying against the served JWKS."""
    settings = ServiceSettings(
        service_name=f"kit-auth-{uuid.uuid4().hex[:10]}",
        environment="test",
        mongo_url=stack.mongo_url,
        mongo_db=scratch_db_name,
        amqp_url=stack.amqp_url,
        jwks_url=jwks_url,
        token_issuer=ISSUER,
    )
    app = create_app(
        settings,
        title="Kit auth test service",
        description="Routes that need a signed-in caller.",
        # No queues are declared for these throwaway services.
        parts=ServiceParts(
            routers=[casework], keeps_authority_copy=False, keeps_ended_sessions=False
        ),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
            await status_reached(client, "/readyz", 200, within=READY_WITHIN_SECONDS)
            yield client
