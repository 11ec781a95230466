"""Example payloads shared by the contract tests."""

import pytest

from contracts import EventPayload
from contracts.events.authority import AuthorityUpserted, Branding, Contact, UploadPolicy


@pytest.fixture
def watford() -> AuthorityUpserted:
    """A realistic authority registry entry for Watford."""
    return AuthorityUpserted(
        slug="watford",
        name="Watford Borough Council",
        kind="council",
        status="active",
        modules=["homelessness", "housing_register", "housing_advice"],
        uploads=UploadPolicy(
            max_bytes=10 * 1024 * 1024, allowed_extensions=[".pdf", ".jpg", ".png"]
        ),
        staff_two_factor_required=True,
        branding=Branding(colour="#00703C", logo_url="/static/authorities/watford.svg"),
        contact=Contact(
            email="housing@watford.gov.uk", phone="01923 226400", website="https://watford.gov.uk"
        ),
        hosts=["watford.housing-portal.local"],
        revision=3,
    )


@pytest.fixture
def example_payloads(watford: AuthorityUpserted) -> dict[type[EventPayload], EventPayload]:
    """One valid payload for every event version; a new event must add one here."""
    examples: list[EventPayload] = [watford]
    return {type(example): example for example in examples}
