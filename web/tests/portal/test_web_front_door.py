"""The front door: choose your authority, through a form with a CSRF token (post-redirect-get)."""

import re

import httpx

SEEDED = {"watford", "kingston", "rugby", "housing-ombudsman"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def open_front_door(portal: httpx.AsyncClient) -> tuple[httpx.Response, str]:
    """The front door page and the CSRF token of its form."""
    page = await portal.get("/")
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found is not None, "the form carries no CSRF token"
    return page, found.group(1)


def own_origin(portal: httpx.AsyncClient) -> str:
    """The portal's origin, as a browser on its pages sends it."""
    return str(portal.base_url).rstrip("/")


class TestFrontDoor:
    async def test_lists_every_authority_from_the_gateway_directory(
        self, portal: httpx.AsyncClient
    ) -> None:
        page, _ = await open_front_door(portal)
        directory = (await portal.get("/api/authorities")).json()["items"]
        # The seeded ones: an authority another test creates shows once the page's copy of
        # the directory (kept for a moment) is renewed.
        for authority in [a for a in directory if a["slug"] in SEEDED]:
            assert f'value="{authority["slug"]}"' in page.text
            assert authority["name"] in page.text

    async def test_choosing_an_authority_goes_to_its_portal(
        self, portal: httpx.AsyncClient
    ) -> None:
        _, token = await open_front_door(portal)
        chosen = await portal.post(
            "/",
            data={"csrf_token": token, "authority": "rugby"},
            headers={"Origin": own_origin(portal)},
        )
        assert chosen.status_code == 303
        assert chosen.headers["location"] == "/rugby/"

    async def test_choosing_nothing_shows_the_error_summary_linked_to_the_field(
        self, portal: httpx.AsyncClient
    ) -> None:
        _, token = await open_front_door(portal)
        page = await portal.post(
            "/", data={"csrf_token": token}, headers={"Origin": own_origin(portal)}
        )
        assert page.status_code == 400
        assert "govuk-error-summary" in page.text
        assert 'href="#authority"' in page.text
        assert 'id="authority"' in page.text
        assert "<title>Error: " in page.text
        assert "Select the council or organisation you want to use" in page.text


class TestFormsAreAcceptedOnlyFromThePortal:
    async def test_a_post_without_the_token_is_refused(self, portal: httpx.AsyncClient) -> None:
        await open_front_door(portal)
        refused = await portal.post(
            "/", data={"authority": "rugby"}, headers={"Origin": own_origin(portal)}
        )
        assert refused.status_code == 400
        assert "Sorry, your form could not be sent" in refused.text

    async def test_a_post_with_another_session_token_is_refused(
        self, portal: httpx.AsyncClient, stack_gateway_url: str
    ) -> None:
        async with httpx.AsyncClient(base_url=stack_gateway_url) as other:
            _, other_token = await open_front_door(other)
        await open_front_door(portal)
        refused = await portal.post(
            "/",
            data={"csrf_token": other_token, "authority": "rugby"},
            headers={"Origin": own_origin(portal)},
        )
        assert refused.status_code == 400

    async def test_a_post_from_another_site_is_refused_even_with_the_token(
        self, portal: httpx.AsyncClient
    ) -> None:
        _, token = await open_front_door(portal)
        refused = await portal.post(
            "/",
            data={"csrf_token": token, "authority": "rugby"},
            headers={"Origin": "https://attacker.example"},
        )
        assert refused.status_code == 400


class TestFrontDoorInWelsh:
    async def test_the_error_summary_and_message_are_welsh(self, portal: httpx.AsyncClient) -> None:
        await portal.get("/?lang=cy")
        _, token = await open_front_door(portal)
        page = await portal.post(
            "/", data={"csrf_token": token}, headers={"Origin": own_origin(portal)}
        )
        assert "Mae problem wedi codi" in page.text
        assert "Dewiswch y cyngor" in page.text
        assert "<title>Gwall: " in page.text
        assert "There is a problem" not in page.text
