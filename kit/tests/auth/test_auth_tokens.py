"""Access-token verification against a JWKS served over HTTP."""

import asyncio
import base64
import json
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kit.auth import JwksCache, Principal, TokenVerifier
from kit.errors import AppError, Forbidden, ServiceUnavailable, Unauthorized
from kit.sessions import EndedSessions

ISSUER = "housing-portal"

MintToken = Callable[..., str]


def verifier_for(url: str, **cache_options: float) -> TokenVerifier:
    """A verifier with its own key cache, as each service process has."""
    return TokenVerifier(JwksCache(url, **cache_options), issuer=ISSUER)


def b64url(raw: bytes) -> str:
    """Unpadded base64url, as JWTs use."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def with_header(token: str, header: dict[str, Any], signature: str = "") -> str:
    """The token's payload under another header and signature."""
    _, payload, _ = token.split(".")
    return ".".join([b64url(json.dumps(header).encode()), payload, signature])


async def refused(verifier: TokenVerifier, token: str, *, authority: str = "rugby") -> AppError:
    """The error verifying the token raises."""
    with pytest.raises(AppError) as raised:
        await verifier.verify(token, authority=authority)
    return raised.value


def assert_unauthorized(error: AppError, code: str) -> None:
    """A 401 with this code that tells the client how to authenticate."""
    assert isinstance(error, Unauthorized)
    assert (error.status, error.code) == (401, code)
    assert error.headers == {"WWW-Authenticate": 'Bearer realm="housing-portal"'}


class TestValidToken:
    async def test_gives_the_principal_the_token_names(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        user_id = uuid.uuid4().hex
        jti = uuid.uuid4().hex
        sid = uuid.uuid4().hex
        token = mint(
            authority="kingston",
            roles=("landlord_user", "landlord_admin"),
            sub=user_id,
            jti=jti,
            sid=sid,
            org="acme-lettings",
            amr=["pwd", "otp"],
        )

        principal = await verifier_for(jwks_url).verify(token, authority="kingston")

        assert principal == Principal(
            user_id=user_id,
            authority="kingston",
            roles=frozenset({"landlord_user", "landlord_admin"}),
            organisation="acme-lettings",
            methods=("pwd", "otp"),
            token_id=jti,
            session_id=sid,
        )

    async def test_roles_the_portal_does_not_know_are_dropped(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        token = mint(roles=("officer", "superuser"))

        principal = await verifier_for(jwks_url).verify(token, authority="rugby")

        assert principal.roles == frozenset({"officer"})

    async def test_token_without_organisation_has_none(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        principal = await verifier_for(jwks_url).verify(mint(roles=()), authority="rugby")

        assert principal.organisation is None
        assert principal.roles == frozenset()


class TestExpiredToken:
    async def test_is_refused_as_expired(self, mint: MintToken, jwks_url: str) -> None:
        error = await refused(verifier_for(jwks_url), mint(lifetime=-30))

        assert_unauthorized(error, "token_expired")


class TestWrongAuthority:
    async def test_is_forbidden(self, mint: MintToken, jwks_url: str) -> None:
        error = await refused(verifier_for(jwks_url), mint(authority="rugby"), authority="watford")

        assert isinstance(error, Forbidden)
        assert (error.status, error.code) == (403, "wrong_authority")


class TestInvalidClaims:
    @pytest.mark.parametrize(
        "claims",
        [
            {"iss": "someone-else"},
            {"exp": None},
            {"sub": None},
            {"jti": None},
            {"sid": None},
            {"iss": None},
            {"roles": "officer"},
            {"aud": "another-portal"},
        ],
        ids=[
            "issuer",
            "no-exp",
            "no-sub",
            "no-jti",
            "no-sid",
            "no-iss",
            "roles-not-list",
            "audience",
        ],
    )
    async def test_is_refused(self, mint: MintToken, jwks_url: str, claims: dict[str, Any]) -> None:
        error = await refused(verifier_for(jwks_url), mint(**claims))

        assert_unauthorized(error, "token_invalid")


class TestForgedToken:
    async def test_tampered_signature_is_refused(self, mint: MintToken, jwks_url: str) -> None:
        header, payload, signature = mint().split(".")
        middle = len(signature) // 2
        flipped = "A" if signature[middle] != "A" else "B"
        tampered = f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"

        error = await refused(verifier_for(jwks_url), tampered)

        assert_unauthorized(error, "token_invalid")

    async def test_tampered_claims_are_refused(self, mint: MintToken, jwks_url: str) -> None:
        header, _, signature = mint(roles=("applicant",)).split(".")
        claims = jwt.decode(mint(roles=("applicant",)), options={"verify_signature": False})
        claims["roles"] = ["platform_admin"]
        forged_payload = b64url(json.dumps(claims).encode())

        error = await refused(verifier_for(jwks_url), f"{header}.{forged_payload}.{signature}")

        assert_unauthorized(error, "token_invalid")

    async def test_alg_none_is_refused(self, mint: MintToken, jwks_url: str) -> None:
        token = mint(roles=("platform_admin",))
        kid = jwt.get_unverified_header(token)["kid"]

        error = await refused(
            verifier_for(jwks_url), with_header(token, {"alg": "none", "kid": kid, "typ": "JWT"})
        )

        assert_unauthorized(error, "token_invalid")

    async def test_hs256_signed_with_the_public_key_is_refused(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        token = mint()
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, options={"verify_signature": False})
        async with httpx.AsyncClient() as client:
            published = (await client.get(jwks_url)).json()["keys"][0]
        # The classic confusion: an HMAC keyed with the public key anyone can read.
        forged = jwt.encode(claims, published["x"], algorithm="HS256", headers={"kid": kid})

        error = await refused(verifier_for(jwks_url), forged)

        assert_unauthorized(error, "token_invalid")

    async def test_other_key_claiming_a_published_kid_is_refused(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        token = mint()
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, options={"verify_signature": False})
        forged = jwt.encode(
            claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}
        )

        error = await refused(verifier_for(jwks_url), forged)

        assert_unauthorized(error, "token_invalid")

    @pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30."])
    async def test_garbage_is_refused(self, jwks_url: str, token: str) -> None:
        error = await refused(verifier_for(jwks_url), token)

        assert_unauthorized(error, "token_invalid")

    async def test_token_without_kid_is_refused(self, mint: MintToken, jwks_url: str) -> None:
        token = mint()
        signature = token.split(".")[2]

        error = await refused(
            verifier_for(jwks_url), with_header(token, {"alg": "EdDSA", "typ": "JWT"}, signature)
        )

        assert_unauthorized(error, "token_invalid")


class TestSigningKeyRotation:
    async def test_unknown_kid_fetches_the_keys_again(
        self,
        mint: MintToken,
        jwks_url: str,
        rotate_keys: Callable[..., MintToken],
        jwks_fetches: Callable[[], int],
    ) -> None:
        verifier = verifier_for(jwks_url, min_refresh_seconds=0.0)
        await verifier.verify(mint(), authority="rugby")
        assert jwks_fetches() == 1

        mint_rotated = rotate_keys()
        principal = await verifier.verify(mint_rotated(roles=("manager",)), authority="rugby")

        assert principal.roles == frozenset({"manager"})
        assert jwks_fetches() == 2

    async def test_known_kid_is_served_from_the_cache(
        self, mint: MintToken, jwks_url: str, jwks_fetches: Callable[[], int]
    ) -> None:
        verifier = verifier_for(jwks_url)

        for _ in range(5):
            await verifier.verify(mint(), authority="rugby")

        assert jwks_fetches() == 1

    async def test_both_keys_verify_while_the_old_one_is_still_published(
        self,
        mint: MintToken,
        jwks_url: str,
        rotate_keys: Callable[..., MintToken],
    ) -> None:
        verifier = verifier_for(jwks_url, min_refresh_seconds=0.0)
        old_token = mint()
        await verifier.verify(old_token, authority="rugby")

        mint_rotated = rotate_keys(keep_old=True)

        await verifier.verify(mint_rotated(), authority="rugby")
        await verifier.verify(old_token, authority="rugby")

    async def test_refetching_is_rate_limited(
        self,
        mint: MintToken,
        jwks_url: str,
        mint_unpublished: MintToken,
        jwks_fetches: Callable[[], int],
    ) -> None:
        verifier = verifier_for(jwks_url, min_refresh_seconds=60.0)
        await verifier.verify(mint(), authority="rugby")

        # A flood of made-up key ids must not turn into a flood of fetches.
        for _ in range(5):
            error = await refused(verifier, mint_unpublished())
            assert_unauthorized(error, "token_invalid")

        assert jwks_fetches() == 1

    async def test_unknown_kid_after_a_fresh_fetch_is_refused(
        self, mint_unpublished: MintToken, jwks_url: str, jwks_fetches: Callable[[], int]
    ) -> None:
        verifier = verifier_for(jwks_url, min_refresh_seconds=0.0)

        error = await refused(verifier, mint_unpublished())

        assert_unauthorized(error, "token_invalid")
        assert jwks_fetches() == 1

    async def test_withdrawn_key_stops_verifying_once_the_cache_is_stale(
        self,
        mint: MintToken,
        jwks_url: str,
        rotate_keys: Callable[..., MintToken],
        jwks_fetches: Callable[[], int],
    ) -> None:
        verifier = verifier_for(jwks_url, max_age_seconds=0.2, min_refresh_seconds=0.1)
        old_token = mint()
        await verifier.verify(old_token, authority="rugby")
        rotate_keys()

        await asyncio.sleep(0.3)
        error = await refused(verifier, old_token)

        assert_unauthorized(error, "token_invalid")
        assert jwks_fetches() == 2


class TestKeysUnavailable:
    async def test_unreachable_jwks_is_service_unavailable(self, mint: MintToken) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]

        error = await refused(verifier_for(f"http://127.0.0.1:{port}/jwks.json"), mint())

        assert isinstance(error, ServiceUnavailable)
        assert (error.status, error.code) == (503, "service_unavailable")


class TestRememberedToken:
    async def test_is_still_forbidden_for_another_authority(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        verifier = verifier_for(jwks_url)
        token = mint(authority="rugby")
        await verifier.verify(token, authority="rugby")

        error = await refused(verifier, token, authority="watford")

        assert isinstance(error, Forbidden)
        assert (error.status, error.code) == (403, "wrong_authority")

    async def test_is_refused_once_it_expires(self, mint: MintToken, jwks_url: str) -> None:
        verifier = verifier_for(jwks_url)
        token = mint(lifetime=2)
        assert (await verifier.verify(token, authority="rugby")).authority == "rugby"

        await asyncio.sleep(2.1)

        assert_unauthorized(await refused(verifier, token), "token_expired")


class TestEndedSession:
    async def test_a_remembered_token_is_refused_once_its_session_ends(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        verifier = verifier_for(jwks_url)
        session_id = uuid.uuid4().hex
        token = mint(sid=session_id)
        other = mint(sid=uuid.uuid4().hex)
        assert (await verifier.verify(token, authority="rugby")).session_id == session_id

        verifier.ended.end(session_id, datetime.now(UTC) + timedelta(minutes=10))

        assert_unauthorized(await refused(verifier, token), "session_ended")
        assert (await verifier.verify(other, authority="rugby")).authority == "rugby"

    async def test_a_new_token_of_an_ended_session_is_refused(
        self, mint: MintToken, jwks_url: str
    ) -> None:
        verifier = verifier_for(jwks_url)
        session_id = uuid.uuid4().hex
        verifier.ended.end(session_id, datetime.now(UTC) + timedelta(minutes=10))

        assert_unauthorized(await refused(verifier, mint(sid=session_id)), "session_ended")

    async def test_an_ended_session_is_forgotten_when_its_tokens_have_expired(self) -> None:
        ended = EndedSessions()
        ended.end("old", datetime.now(UTC) - timedelta(seconds=1))
        ended.end("recent", datetime.now(UTC) + timedelta(minutes=1))

        ended.sweep()

        assert (ended.is_ended("old"), ended.is_ended("recent"), len(ended)) == (False, True, 1)
