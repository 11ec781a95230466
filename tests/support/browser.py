"""Checks made on a page open in the browser."""

from typing import Any

from playwright.async_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


async def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """What axe-core finds on the page for the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    # Evaluated, not added as a script tag: the page's CSP rightly refuses inline scripts.
    await page.evaluate(axe_source)
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]
