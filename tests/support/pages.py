"""The portal's pages as a browser without JavaScript uses them: forms with their CSRF token."""

import re

import httpx

CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def form_token(portal: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on a page."""
    page = await portal.get(path)
    found = CSRF_TOKEN.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def post_form(
    portal: httpx.AsyncClient, path: str, fields: dict[str, str], *, token_from: str | None = None
) -> httpx.Response:
    """Send a form as a browser on the portal's page would (the token read from `token_from`)."""
    token = await form_token(portal, token_from or path)
    return await portal.post(
        path,
        data={"csrf_token": token, **fields},
        headers={"Origin": str(portal.base_url).rstrip("/")},
    )


def path_of(link: str) -> str:
    """The path and query of an emailed link (which names the portal's public address)."""
    return "/" + link.split("/", 3)[3]
