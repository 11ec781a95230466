"""An authority's home page: its name, colour, contact details and only the services it offers."""

import httpx
import pytest


class TestAuthorityHome:
    async def test_shows_the_authority_name_colour_and_contact_details(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/kingston/")
        assert page.status_code == 200
        assert "Royal Borough of Kingston upon Thames" in page.text
        assert "#005ea5" in page.text
        assert "020 8547 5003" in page.text
        assert "mailto:housing@kingston.gov.uk" in page.text

    @pytest.mark.parametrize(
        ("slug", "offered", "not_offered"),
        [
            ("housing-ombudsman", {"complaints"}, {"homelessness", "housing_register"}),
            ("watford", {"homelessness", "housing_register", "housing_advice"}, {"complaints"}),
        ],
    )
    async def test_shows_only_the_services_the_authority_offers(
        self, portal: httpx.AsyncClient, slug: str, offered: set[str], not_offered: set[str]
    ) -> None:
        page = await portal.get(f"/{slug}/")
        for module in offered:
            assert f'data-module-name="{module}"' in page.text
        for module in not_offered:
            assert f'data-module-name="{module}"' not in page.text

    async def test_the_address_without_its_slash_leads_to_the_home_page(
        self, portal: httpx.AsyncClient
    ) -> None:
        response = await portal.get("/kingston")
        assert response.status_code == 308
        assert response.headers["location"] == "/kingston/"

    async def test_the_authority_host_name_serves_its_home_page_with_links_without_the_slug(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/", headers={"Host": "kingston.portal.example"})
        assert page.status_code == 200
        assert "Royal Borough of Kingston upon Thames" in page.text
        assert 'class="portal-header__name' in page.text
        assert '<a href="/" class="portal-header__name' in page.text


class TestWelsh:
    async def test_the_switch_keeps_the_language_and_returns_to_the_page(
        self, portal: httpx.AsyncClient
    ) -> None:
        switched = await portal.get("/kingston/?lang=cy")
        assert switched.status_code == 303
        assert switched.headers["location"] == "/kingston/"
        assert "portal_language=cy" in switched.headers["set-cookie"]
        page = await portal.get("/kingston/")
        assert '<html lang="cy"' in page.text
        assert "Gwasanaethau tai" in page.text
        assert "Digartrefedd" in page.text
        # The switch names the other language in that language.
        assert 'hreflang="en" lang="en">English</a>' in page.text

    async def test_english_pages_offer_welsh(self, portal: httpx.AsyncClient) -> None:
        page = await portal.get("/kingston/")
        assert '<html lang="en"' in page.text
        assert 'href="/kingston/?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>' in page.text
