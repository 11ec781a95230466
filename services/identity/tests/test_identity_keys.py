"""The signing keys: published as a JWKS, rotated by a platform administrator."""

import asyncio
from datetime import UTC, datetime

import jwt
from tests.support.portal import Person, Portal, error_code


class TestPublishedKeys:
    async def test_the_jwks_is_public_and_holds_ed25519_keys(self, portal: Portal) -> None:
        response = await portal.get("watford", "/.well-known/jwks.json")

        assert response.status_code == 200
        keys = response.json()["keys"]
        assert keys
        assert all(key["kty"] == "OKP" and key["crv"] == "Ed25519" for key in keys)
        assert all("d" not in key for key in keys)


class TestRotation:
    async def test_a_new_key_is_published_first_and_old_tokens_keep_working(
        self, portal: Portal
    ) -> None:
        admin = await portal.demo("platform_admin", "watford")
        old_kid = jwt.get_unverified_header(admin.access_token)["kid"]

        response = await portal.post("watford", "/signing-keys/rotation", person=admin)

        assert response.status_code == 200, response.text
        new_kid = response.json()["kid"]
        signs_from = datetime.fromisoformat(response.json()["signs_from"])
        assert new_kid != old_kid
        published = (await portal.get("watford", "/.well-known/jwks.json")).json()["keys"]
        assert {old_kid, new_kid} <= {key["kid"] for key in published}
        early = await portal.applicant("watford")
        assert jwt.get_unverified_header(early.access_token)["kid"] == old_kid
        await asyncio.sleep(max(0.0, (signs_from - datetime.now(UTC)).total_seconds()) + 0.2)
        fresh = await portal.applicant("watford")
        assert jwt.get_unverified_header(fresh.access_token)["kid"] == new_kid
        for person in (admin, early, fresh):
            me = await portal.get("watford", "/me", person=person)
            assert me.status_code == 200, me.text

    async def test_the_platform_admin_signs_in_at_any_authority(self, portal: Portal) -> None:
        admin = await portal.demo("platform_admin", "rugby")

        assert admin.tokens["roles"] == ["platform_admin"]
        assert admin.tokens["authority"] == "rugby"

    async def test_an_authority_admin_cannot_rotate(self, portal: Portal) -> None:
        admin = await portal.demo("authority_admin", "watford")

        response = await portal.post("watford", "/signing-keys/rotation", person=admin)

        assert error_code(response, 403) == "forbidden"

    async def test_nobody_signed_out_can_rotate(self, portal: Portal) -> None:
        person = Person(email="x@example.org", password="-", authority="watford")

        response = await portal.post("watford", "/signing-keys/rotation", person=person)

        assert error_code(response, 401) == "unauthorized"
