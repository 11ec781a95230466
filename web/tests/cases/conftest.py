"""Fixtures for the applicant's application pages: an applicant signed in to the portal (the
cases API as an officer, to move their applications on, is tests/support's `cases_api`)."""

import httpx
import pytest
from tests.support.portal import Person
from tests.support.web_pages import NewApplicant, sign_in

COUNCIL = "watford"


@pytest.fixture
async def applicant(portal: httpx.AsyncClient, new_applicant: NewApplicant) -> Person:
    """An applicant of Watford, signed in to the portal in `portal`."""
    person = await new_applicant(COUNCIL)
    signed_in = await sign_in(
        portal, email=person.email, password=person.password, authority=COUNCIL
    )
    assert signed_in.status_code == 303, signed_in.text
    return person
