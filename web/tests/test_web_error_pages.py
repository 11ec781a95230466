"""Failures shown as pages a person understands, with the authority's contact details."""

from collections.abc import AsyncIterator

import httpx
import pytest


class TestNotFound:
    async def test_a_missing_page_of_an_authority_shows_its_contact_details(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/watford/no-such-page")
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert "01923 226400" in page.text
        assert "Watford Borough Council" in page.text

    async def test_an_unknown_authority_is_a_page_not_found(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/nowhere-council/")
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert 'href="/"' in page.text

    async def test_the_page_is_in_welsh_for_those_who_chose_it(
        self, portal: httpx.AsyncClient
    ) -> None:
        await portal.get("/?lang=cy")
        page = await portal.get("/watford/no-such-page")
        assert "Heb ddod o hyd i" in page.text


@pytest.fixture
async def web_unreachable_gateway(web_without_gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a web service whose gateway never answers."""
    async with httpx.AsyncClient(base_url=web_without_gateway, timeout=15) as client:
        yield client


class TestUnavailable:
    async def test_a_gateway_that_does_not_answer_shows_the_unavailable_page(
        self, web_unreachable_gateway: httpx.AsyncClient
    ) -> None:
        page = await web_unreachable_gateway.get("/kingston/")
        assert page.status_code == 503
        assert "Sorry, the service is unavailable" in page.text
        assert "Traceback" not in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "nonce-" in page.headers["content-security-policy"]

    async def test_readiness_says_the_gateway_is_not_reachable(
        self, web_unreachable_gateway: httpx.AsyncClient
    ) -> None:
        ready = await web_unreachable_gateway.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["gateway"].startswith("failed")


class TestProblem:
    async def test_an_unexpected_failure_shows_the_problem_page_with_contact_details(
        self, web_with_a_failing_page: str
    ) -> None:
        async with httpx.AsyncClient(base_url=web_with_a_failing_page) as client:
            page = await client.get("/kingston/fails-for-test")
        assert page.status_code == 500
        assert "Sorry, there is a problem with the service" in page.text
        assert "020 8547 5003" in page.text
        assert "a bug in a page" not in page.text
        assert "RuntimeError" not in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
