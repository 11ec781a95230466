"""Every string people read has a Welsh translation that a person has checked: in the shared
vocabulary of cases, the portal's pages, the emails and the application PDFs."""

from pathlib import Path

import pytest
from tests.support.catalogues import Catalogue

ROOT = Path(__file__).resolve().parents[1]


def _catalogue(package: str, source: str) -> Catalogue:
    return Catalogue(source=ROOT / package / "src" / source, mapping=ROOT / package / "babel.cfg")


# Each catalogue, with strings its extraction must find: a broken extraction would find
# nothing and let every other check pass.
CATALOGUES = {
    "vocabulary": (
        _catalogue("contracts", "contracts"),
        {"Homelessness referral", "Prevention duty", "Have you been homeless before?"},
    ),
    "pages": (
        _catalogue("web", "web"),
        {"Skip to main content", "Page not found", "There is a problem"},
    ),
    "emails": (
        # Subjects (.subject.txt), plain-text bodies (.txt), HTML bodies and Python code.
        _catalogue("services/notifications", "notifications"),
        {
            "%(authority)s: confirm your email address",
            "To sign in, open this link:",
            "If the button does not work, copy this address into your web browser:",
            "%(clock)s on %(day)s",
        },
    ),
    "pdfs": (
        _catalogue("services/cases", "cases"),
        {"Your answers", "Household", "%(num)s working day", "Yes"},
    ),
}


@pytest.fixture(params=list(CATALOGUES))
def catalogue(request: pytest.FixtureRequest) -> Catalogue:
    known: Catalogue = CATALOGUES[request.param][0]
    return known


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_the_extraction_finds_the_strings(name: str) -> None:
    catalogue, expected = CATALOGUES[name]
    assert expected <= catalogue.source_messages()


def test_every_string_in_the_code_and_templates_is_translated(catalogue: Catalogue) -> None:
    assert catalogue.untranslated() == []


def test_no_translation_is_fuzzy(catalogue: Catalogue) -> None:
    assert catalogue.fuzzy() == []


def test_placeholders_are_kept_in_translation(catalogue: Catalogue) -> None:
    assert catalogue.placeholders_changed() == []
