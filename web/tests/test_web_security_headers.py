"""Every page carries a strict CSP with a fresh nonce; inline code runs only with it."""

import re

import httpx
import pytest

PAGES = ["/", "/kingston/", "/kingston/no-such-page"]


def nonce_of(response: httpx.Response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])
    assert found is not None
    return found.group(1)


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", PAGES)
    async def test_every_page_has_the_headers(self, portal: httpx.AsyncClient, path: str) -> None:
        page = await portal.get(path)
        policy = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["cache-control"] == "no-store"

    @pytest.mark.parametrize("path", PAGES)
    async def test_every_inline_script_and_style_carries_the_nonce(
        self, portal: httpx.AsyncClient, path: str
    ) -> None:
        page = await portal.get(path)
        nonce = nonce_of(page)
        tags = re.findall(r"<(?:script|style)\b[^>]*>", page.text)
        assert tags
        assert all(f'nonce="{nonce}"' in tag for tag in tags), tags
        assert " style=" not in page.text

    async def test_each_page_gets_a_fresh_nonce(self, portal: httpx.AsyncClient) -> None:
        first, second = await portal.get("/kingston/"), await portal.get("/kingston/")
        assert nonce_of(first) != nonce_of(second)


class TestAssets:
    async def test_assets_are_versioned_and_kept_for_a_year(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/kingston/")
        stylesheet = re.search(r'href="(/assets/govuk-frontend/[^"]+\.css)"', page.text)
        assert stylesheet is not None
        css = await portal.get(stylesheet.group(1))
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
        # The GOV.UK typeface is for GOV.UK only, and the files it names are served here.
        assert "GDS Transport" not in css.text.split("font-family")[0]
        assert "@font-face" not in css.text
        for image in set(re.findall(r"url\((/assets/[^)]+)\)", css.text)):
            assert (await portal.get(image)).status_code == 200, image

    async def test_the_script_is_served_as_javascript(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/")
        script = re.search(r'src="(/assets/govuk-frontend/[^"]+\.js)"', page.text)
        assert script is not None
        js = await portal.get(script.group(1))
        assert js.headers["content-type"].startswith("text/javascript")

    async def test_another_release_or_a_path_outside_the_release_is_not_found(
        self, portal: httpx.AsyncClient
    ) -> None:
        assert (
            await portal.get("/assets/govuk-frontend/0.0.1/govuk-frontend.min.css")
        ).status_code == 404
        assert (
            await portal.get("/assets/govuk-frontend/6.3.0/../../package.json")
        ).status_code == 404
