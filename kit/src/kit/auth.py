"""Access-token verification against identity's JWKS, and role checks as dependencies."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args

import httpx
import jwt
from fastapi import Depends, Request
from jwt import PyJWK

from contracts.events.identity import Role
from kit.errors import Forbidden, ServiceUnavailable, Unauthorized
from kit.sessions import EndedSessions, SessionEnded

ROLES: frozenset[str] = frozenset(get_args(Role))
STAFF_ROLES = ROLES - {"applicant"}
ALGORITHMS = ["EdDSA"]


@dataclass(frozen=True)
class Principal:
    """Who is calling, for which authority, as the access token says."""

    user_id: str
    authority: str
    roles: frozenset[str]
    organisation: str | None
    methods: tuple[str, ...]
    token_id: str
    session_id: str

    def has_any(self, *roles: str) -> bool:
        """Whether the caller holds one of the roles."""
        return bool(self.roles.intersection(roles)) or "platform_admin" in self.roles


class JwksCache:
    """Signing keys from a JWKS URL, cached and refreshed when an unknown key id appears."""

    def __init__(
        self, url: str, *, max_age_seconds: float = 300.0, min_refresh_seconds: float = 5.0
    ) -> None:
        self.url = url
        self.max_age = max_age_seconds
        self.min_refresh = min_refresh_seconds
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._attempted_at = 0.0
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> PyJWK:
        """The key with this id, fetching the set again if it is unknown or stale."""
        now = time.monotonic()
        if kid in self._keys and now - self._fetched_at < self.max_age:
            return self._keys[kid]
        async with self._lock:
            now = time.monotonic()
            due = kid not in self._keys or now - self._fetched_at >= self.max_age
            allowed = not self._keys or now - self._attempted_at >= self.min_refresh
            if due and allowed:
                await self._refresh()
        if kid not in self._keys:
            raise Unauthorized(
                "The access token was signed by an unknown key.", code="token_invalid"
            )
        return self._keys[kid]

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self.url)
                response.raise_for_status()
                document: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            if self._keys:
                return  # keep serving the cached keys; try again after min_refresh
            raise ServiceUnavailable("Signing keys are not available right now.") from exc
        keys: dict[str, PyJWK] = {}
        for entry in document.get("keys", []):
            try:
                keys[str(entry["kid"])] = PyJWK(entry)
            except (KeyError, jwt.PyJWTError):
                continue
        self._keys = keys
        self._fetched_at = time.monotonic()


class TokenVerifier:
    """Checks an access token's signature, expiry, issuer and authority.

    A token whose signature checked out is remembered until it expires (up to `remember`
    tokens), so a client's next calls cost a lookup rather than a signature check. Its key
    must still be published: a withdrawn key stops its tokens as soon as the key set is
    fetched again. A token of an ended session is refused, remembered or not.
    """

    def __init__(
        self,
        jwks: JwksCache,
        *,
        issuer: str,
        remember: int = 10_000,
        ended: EndedSessions | None = None,
    ) -> None:
        self.jwks = jwks
        self.issuer = issuer
        self.remember = remember
        self.ended = ended if ended is not None else EndedSessions()
        self._verified: dict[str, tuple[Principal, float, str]] = {}

    async def verify(self, token: str, *, authority: str) -> Principal:
        """The principal the token names, if it is valid for this authority and session."""
        principal = await self._principal(token, authority=authority)
        if self.ended.is_ended(principal.session_id):
            raise SessionEnded()
        return principal

    async def _principal(self, token: str, *, authority: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, expires, kid = known
            if time.time() < expires:
                try:
                    await self.jwks.key(kid)
                except Unauthorized:
                    self._verified.pop(token, None)
                    raise
                if principal.authority != authority:
                    raise Forbidden(
                        "This token was issued for another authority.", code="wrong_authority"
                    )
                return principal
            self._verified.pop(token, None)
        principal, expires, kid = await self._check(token, authority=authority)
        if len(self._verified) >= self.remember:
            self._verified.pop(next(iter(self._verified)), None)  # the oldest remembered
        self._verified[token] = (principal, expires, kid)
        return principal

    async def _check(self, token: str, *, authority: str) -> tuple[Principal, float, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("The access token is not valid.", code="token_invalid") from exc
        if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise Unauthorized("The access token is not valid.", code="token_invalid")
        key = await self.jwks.key(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "jti", "iss", "sid"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired.", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("The access token is not valid.", code="token_invalid") from exc
        if claims.get("authority") != authority:
            raise Forbidden("This token was issued for another authority.", code="wrong_authority")
        roles = claims.get("roles", [])
        if not isinstance(roles, list):
            raise Unauthorized("The access token is not valid.", code="token_invalid")
        org = claims.get("org")
        principal = Principal(
            user_id=str(claims["sub"]),
            authority=authority,
            roles=frozenset(str(role) for role in roles if role in ROLES),
            organisation=str(org) if org else None,
            methods=tuple(str(method) for method in claims.get("amr", [])),
            token_id=str(claims["jti"]),
            session_id=str(claims["sid"]),
        )
        return principal, float(claims["exp"]), str(header["kid"])


def parse_bearer(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header value; anything else is refused."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token


def bearer_token(request: Request) -> str:
    """The bearer token from the Authorization header."""
    return parse_bearer(request.headers.get("authorization", ""))


async def current_principal(request: Request) -> Principal:
    """Verify the caller's token for the authority this request belongs to."""
    from kit.authorities import request_authority

    authority = request_authority(request)
    verifier: TokenVerifier = request.app.state.runtime.verifier
    principal = await verifier.verify(bearer_token(request), authority=authority)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers holding one of the roles."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*roles):
            raise Forbidden()
        return principal

    return check
