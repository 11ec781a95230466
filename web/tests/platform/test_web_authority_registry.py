"""The platform administrator's pages: the authorities in the gateway's registry."""

import uuid
from typing import Any

import httpx
import pytest
from tests.support.portal import Person, Portal
from tests.support.web_sessions import BrowserAs, send_form

AUTHORITY = "housing-ombudsman"
AUTHORITIES = f"/{AUTHORITY}/platform/authorities"


@pytest.fixture
async def platform_admin(identity_api: Portal) -> Person:
    """The demo platform administrator, signed in through the API."""
    return await identity_api.demo("platform_admin", AUTHORITY)


@pytest.fixture
async def admin_portal(browser_as: BrowserAs, platform_admin: Person) -> httpx.AsyncClient:
    """The portal with the platform administrator signed in."""
    return await browser_as(platform_admin)


def authority_fields(slug: str, **changes: Any) -> dict[str, Any]:
    """The authority form's fields, as a person fills them in."""
    return {
        "slug": slug,
        "name": "North Town Council",
        "kind": "council",
        "modules": ["homelessness", "housing_advice"],
        "colour": "#1d70b8",
        "logo_url": "",
        "contact_email": "housing@north-town.example",
        "contact_phone": "01234 567890",
        "contact_website": "https://north-town.example/housing",
        "hosts": f"{slug}.portal.example",
        "max_megabytes": "10",
        "extensions": ".pdf .jpg",
        "staff_two_factor": "yes",
        **changes,
    }


async def registry_entry(identity_api: Portal, platform_admin: Person, slug: str) -> dict[str, Any]:
    """The authority as the registry's API answers it."""
    answer = await identity_api.http.get(
        f"/{AUTHORITY}/api/gateway/authorities/{slug}", headers=platform_admin.auth
    )
    assert answer.status_code == 200, answer.text
    entry: dict[str, Any] = answer.json()
    return entry


def new_slug() -> str:
    return f"town-{uuid.uuid4().hex[:10]}"


class TestAuthorities:
    async def test_the_list_shows_the_authorities(self, admin_portal: httpx.AsyncClient) -> None:
        page = await admin_portal.get(AUTHORITIES)
        assert page.status_code == 200
        assert "Royal Borough of Kingston upon Thames" in page.text

    async def test_only_platform_administrators_see_it(
        self, browser_as: BrowserAs, identity_api: Portal
    ) -> None:
        admin = await browser_as(await identity_api.demo("authority_admin", AUTHORITY))
        assert (await admin.get(AUTHORITIES)).status_code == 404

    async def test_create_then_change_then_disable(
        self, admin_portal: httpx.AsyncClient, identity_api: Portal, platform_admin: Person
    ) -> None:
        slug = new_slug()
        created = await send_form(admin_portal, f"{AUTHORITIES}/new", authority_fields(slug))
        assert created.status_code == 303, created.text
        assert created.headers["location"] == f"{AUTHORITIES}/{slug}/created"
        entry = await registry_entry(identity_api, platform_admin, slug)
        assert entry["contact"]["phone"] == "01234 567890"
        assert entry["modules"] == ["homelessness", "housing_advice"]
        assert entry["uploads"] == {
            "max_bytes": 10 * 1024 * 1024,
            "allowed_extensions": [".pdf", ".jpg"],
        }

        form = await admin_portal.get(f"{AUTHORITIES}/{slug}/change")
        assert 'value="North Town Council"' in form.text
        changed = await send_form(
            admin_portal,
            f"{AUTHORITIES}/{slug}/change",
            authority_fields(
                slug,
                name="North Town Borough Council",
                colour="#00703c",
                revision=str(entry["revision"]),
            ),
        )
        assert changed.status_code == 303, changed.text
        entry = await registry_entry(identity_api, platform_admin, slug)
        assert entry["name"] == "North Town Borough Council"
        assert entry["branding"]["colour"] == "#00703c"

        disabled = await send_form(
            admin_portal,
            f"{AUTHORITIES}/{slug}/disable",
            {"revision": str(entry["revision"])},
        )
        assert disabled.status_code == 303
        assert (await registry_entry(identity_api, platform_admin, slug))["status"] == "disabled"

    async def test_a_stale_change_is_refused_with_the_latest_shown(
        self, admin_portal: httpx.AsyncClient, identity_api: Portal, platform_admin: Person
    ) -> None:
        slug = new_slug()
        await send_form(admin_portal, f"{AUTHORITIES}/new", authority_fields(slug))
        first = await send_form(
            admin_portal,
            f"{AUTHORITIES}/{slug}/change",
            authority_fields(slug, name="Changed first", revision="1"),
        )
        assert first.status_code == 303
        stale = await send_form(
            admin_portal,
            f"{AUTHORITIES}/{slug}/change",
            authority_fields(slug, name="Changed from an old page", revision="1"),
        )
        assert stale.status_code == 409
        assert "Someone else changed this authority" in stale.text
        assert 'value="Changed first"' in stale.text
        assert (await registry_entry(identity_api, platform_admin, slug))["name"] == "Changed first"

    async def test_the_fields_are_checked(self, admin_portal: httpx.AsyncClient) -> None:
        answer = await send_form(
            admin_portal,
            f"{AUTHORITIES}/new",
            authority_fields("", name="", colour="blue", max_megabytes="lots", kind=""),
        )
        assert answer.status_code == 400
        for field in ("slug", "name", "kind", "colour", "max_megabytes"):
            assert f'href="#{field}"' in answer.text

    async def test_the_registry_refusals_are_errors_on_their_fields(
        self, admin_portal: httpx.AsyncClient
    ) -> None:
        taken = await send_form(admin_portal, f"{AUTHORITIES}/new", authority_fields("kingston"))
        assert taken.status_code == 400
        assert "There is already an authority with this short name" in taken.text
        host = await send_form(
            admin_portal,
            f"{AUTHORITIES}/new",
            authority_fields(new_slug(), hosts="watford.portal.example"),
        )
        assert host.status_code == 400
        assert "watford.portal.example" in host.text.split('id="hosts-error"', 1)[1]
        invalid = await send_form(
            admin_portal,
            f"{AUTHORITIES}/new",
            authority_fields("Not A Slug!", contact_email="nowhere", extensions="pdf!"),
        )
        assert invalid.status_code == 400
        for field in ("slug", "contact_email", "extensions"):
            assert f'href="#{field}"' in invalid.text
