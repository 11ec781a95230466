"""Platform administrators manage authorities through the gateway's own API."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from tests.support.polling import status_reached

from kit.mongo import Document, Mongo

MintToken = Callable[..., Awaitable[str]]
WaitForCopies = Callable[..., Awaitable[dict[str, Document]]]
ADMIN_API = "/watford/api/gateway/authorities"


def authority_body(slug: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": slug,
        "name": "Testford District Council",
        "kind": "council",
        "modules": ["homelessness", "housing_register"],
        "uploads": {"max_bytes": 5_000_000, "allowed_extensions": [".pdf", ".png"]},
        "staff_two_factor_required": True,
        "branding": {"colour": "#224466"},
        "contact": {"email": "housing@testford.example"},
        "hosts": [f"{slug}.portal.example"],
    }
    body.update(changes)
    return body


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


@pytest.fixture
async def admin(mint_token: MintToken) -> dict[str, str]:
    token = await mint_token(authority="watford", roles=("platform_admin",))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def new_slug(forget_authorities: list[str]) -> str:
    slug = f"test-{uuid.uuid4().hex[:10]}"
    forget_authorities.append(slug)
    return slug


class TestWhoMayAdminister:
    async def test_signed_out_is_refused(self, gateway: httpx.AsyncClient) -> None:
        assert_error(await gateway.get(ADMIN_API), 401, "unauthorized")

    async def test_authority_admin_is_not_a_platform_admin(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        token = await mint_token(authority="watford", roles=("authority_admin",))
        response = await gateway.get(ADMIN_API, headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 403, "forbidden")


class TestCreate:
    async def test_created_authority_is_announced_and_routed(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        new_slug: str,
        gateway_mongo: Mongo,
        copies_reached: WaitForCopies,
    ) -> None:
        response = await gateway.post(ADMIN_API, json=authority_body(new_slug), headers=admin)
        assert response.status_code == 201, response.text
        assert response.json()["revision"] == 1
        assert response.headers["etag"] == '"1"'
        assert response.headers["location"].endswith(f"authorities/{new_slug}")
        copies = await copies_reached(gateway_mongo, new_slug)
        assert {copy["name"] for copy in copies.values()} == {"Testford District Council"}
        health = await status_reached(gateway, f"/{new_slug}/api/cases/healthz", 200)
        assert health.status_code == 200
        by_host = await gateway.get(
            "/api/documents/healthz", headers={"Host": f"{new_slug}.portal.example"}
        )
        assert by_host.status_code == 200

    async def test_a_taken_slug_is_a_conflict(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await gateway.post(
            ADMIN_API, json=authority_body("watford", hosts=[]), headers=admin
        )
        assert_error(response, 409, "authority_exists")

    async def test_a_taken_host_name_is_a_conflict(
        self, gateway: httpx.AsyncClient, admin: dict[str, str], new_slug: str
    ) -> None:
        body = authority_body(new_slug, hosts=["watford.portal.example"])
        assert_error(await gateway.post(ADMIN_API, json=body, headers=admin), 409, "host_taken")

    @pytest.mark.parametrize(
        "change",
        [
            {"slug": "Not A Slug"},
            {"modules": ["bingo"]},
            {"kind": "parish"},
            {"uploads": {"max_bytes": 0, "allowed_extensions": [".pdf"]}},
            {"branding": {"colour": "red"}},
            {"routes": {"billing": ["http://127.0.0.1:1"]}},
            {"name": "x" * 201},
            {"surprise": True},
        ],
    )
    async def test_invalid_authorities_are_refused(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        change: dict[str, Any],
        forget_authorities: list[str],
        gateway_mongo: Mongo,
        copies_reached: WaitForCopies,
    ) -> None:
        body = {**authority_body(f"test-{uuid.uuid4().hex[:10]}"), **change}
        forget_authorities.append(body["slug"])
        response = await gateway.post(ADMIN_API, json=body, headers=admin)
        try:
            assert response.status_code == 422, response.text
            assert set(response.json()["error"]) == {"code", "message", "details"}
        finally:
            if response.status_code == 201:
                # Created after all: taken off the air everywhere, then removed with its copies
                # (once every service holds the last revision, no late copy can reappear).
                slug = response.json()["slug"]
                forget_authorities.append(slug)
                await gateway.patch(
                    f"{ADMIN_API}/{slug}",
                    json={"status": "disabled"},
                    headers={**admin, "If-Match": response.headers["etag"]},
                )
                await copies_reached(gateway_mongo, slug, revision=2)

    async def test_a_retried_create_makes_one_authority(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        new_slug: str,
        gateway_mongo: Mongo,
    ) -> None:
        headers = {**admin, "Idempotency-Key": uuid.uuid4().hex}
        first = await gateway.post(ADMIN_API, json=authority_body(new_slug), headers=headers)
        again = await gateway.post(ADMIN_API, json=authority_body(new_slug), headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        announced = await gateway_mongo.db["outbox"].count_documents(
            {"message.data.slug": new_slug}
        )
        assert announced == 1
        other = await gateway.post(
            ADMIN_API, json=authority_body(new_slug, name="Another"), headers=headers
        )
        assert_error(other, 422, "idempotency_key_reused")


class TestChange:
    async def test_updates_need_the_current_etag(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        new_slug: str,
        gateway_mongo: Mongo,
        copies_reached: WaitForCopies,
    ) -> None:
        created = await gateway.post(ADMIN_API, json=authority_body(new_slug), headers=admin)
        assert created.status_code == 201
        url = f"{ADMIN_API}/{new_slug}"
        change = {"name": "Testford Borough Council"}
        assert_error(
            await gateway.patch(url, json=change, headers=admin), 428, "precondition_required"
        )
        stale = await gateway.patch(url, json=change, headers={**admin, "If-Match": '"7"'})
        assert_error(stale, 412, "precondition_failed")
        read = await gateway.get(url, headers=admin)
        changed = await gateway.patch(
            url, json=change, headers={**admin, "If-Match": read.headers["etag"]}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["revision"] == 2
        assert changed.headers["etag"] == '"2"'
        copies = await copies_reached(gateway_mongo, new_slug, revision=2)
        assert {copy["name"] for copy in copies.values()} == {"Testford Borough Council"}
        replay = await gateway.patch(
            url, json=change, headers={**admin, "If-Match": read.headers["etag"]}
        )
        assert_error(replay, 412, "precondition_failed")

    async def test_disabling_takes_the_authority_off_the_air(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        new_slug: str,
        gateway_mongo: Mongo,
        copies_reached: WaitForCopies,
        mint_token: MintToken,
    ) -> None:
        created = await gateway.post(ADMIN_API, json=authority_body(new_slug), headers=admin)
        assert created.status_code == 201
        up = await status_reached(gateway, f"/{new_slug}/api/cases/healthz", 200)
        assert up.status_code == 200
        disabled = await gateway.patch(
            f"{ADMIN_API}/{new_slug}",
            json={"status": "disabled"},
            headers={**admin, "If-Match": '"1"'},
        )
        assert disabled.status_code == 200, disabled.text
        down = await status_reached(gateway, f"/{new_slug}/api/cases/healthz", 404)
        assert_error(down, 404, "authority_not_found")
        token = await mint_token(authority=new_slug)
        refused = await gateway.get(
            f"/{new_slug}/api/cases/anything", headers={"Authorization": f"Bearer {token}"}
        )
        assert_error(refused, 404, "authority_not_found")
        copies = await copies_reached(gateway_mongo, new_slug, revision=2)
        assert {copy["status"] for copy in copies.values()} == {"disabled"}

    async def test_unknown_authority(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await gateway.get(f"{ADMIN_API}/no-such-place", headers=admin)
        assert_error(response, 404, "authority_not_found")


class TestList:
    async def test_pages_through_every_authority(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(100):
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = await gateway.get(ADMIN_API, params=params, headers=admin)
            assert page.status_code == 200, page.text
            body = page.json()
            assert len(body["items"]) <= 2
            seen += [item["slug"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert cursor is None, "the last page was never reached"
        assert len(seen) == len(set(seen)), f"listed more than once: {seen}"
        assert seen == sorted(seen)
        assert {"watford", "kingston", "rugby", "housing-ombudsman"} <= set(seen)

    async def test_a_forged_cursor_is_refused(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await gateway.get(ADMIN_API, params={"cursor": "%%%"}, headers=admin)
        assert_error(response, 400, "invalid_cursor")


class TestHeaders:
    async def test_security_headers_on_every_response(self, gateway: httpx.AsyncClient) -> None:
        for url in ("/watford/api/cases/healthz", "/nowhere/api/cases/healthz", "/healthz"):
            response = await gateway.get(url)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert "default-src 'none'" in response.headers["content-security-policy"]
            assert "strict-transport-security" not in response.headers
        behind_tls = await gateway.get(
            "/watford/api/cases/healthz", headers={"X-Forwarded-Proto": "https"}
        )
        assert "max-age" in behind_tls.headers["strict-transport-security"]
