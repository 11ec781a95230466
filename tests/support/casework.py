"""Cases made over the API for the casework pages' tests, and the version a page's form holds."""

import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from tests.support.cases import HOUSEHOLD, REFERRAL, REGISTER, Caller, CasesApi
from tests.support.portal import Person

Json = dict[str, Any]
VERSION = re.compile(r'name="version" value="([^"]*)"')
# Signs a demo account of a role in to the portal: the person and their browser.
Signed = Callable[[str, str], Awaitable[tuple[Person, httpx.AsyncClient]]]
COMPLAINT = {
    "complainant_name": "Christopher Harrison",
    "landlord_name": "Harrison's Huts Limited",
    "case_type": "Complaint about a member landlord",
    "details": "The boiler has been broken since March.",
}


def version_on(page: str) -> str:
    """The version of the case a page's (first) form was filled from."""
    found = VERSION.search(page)
    assert found is not None, page
    return html.unescape(found.group(1))


async def referral(
    cases: CasesApi, applicant: Caller | None = None, *, authority: str = "kingston"
) -> Json:
    """A submitted homelessness referral, with its applicant's household."""
    applicant = applicant or await cases.person("applicant", authority=authority)
    return await cases.create(
        applicant,
        {"kind": "homelessness", "answers": REFERRAL, "household": HOUSEHOLD, "submit": True},
    )


async def register_application(cases: CasesApi, applicant: Caller) -> Json:
    """A submitted housing register application."""
    return await cases.create(
        applicant,
        {"kind": "housing_register", "answers": REGISTER, "household": HOUSEHOLD, "submit": True},
    )


async def complaint_about(cases: CasesApi, organisation_id: str) -> Json:
    """A submitted complaint to the ombudsman about a landlord organisation."""
    complainant = await cases.person("applicant", authority="housing-ombudsman")
    return await cases.create(
        complainant,
        {
            "kind": "complaint",
            "answers": {**COMPLAINT, "landlord_organisation_id": organisation_id},
            "submit": True,
        },
    )
