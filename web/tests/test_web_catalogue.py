"""Every string the portal shows has a Welsh translation that a person has checked."""

from pathlib import Path

from tests.support.catalogues import Catalogue

WEB = Path(__file__).resolve().parents[1]
PORTAL = Catalogue(source=WEB / "src" / "web", mapping=WEB / "babel.cfg")


class TestWelshCatalogue:
    def test_the_extraction_finds_the_portal_strings(self) -> None:
        # A broken extraction would find nothing and let every other check pass.
        assert {"Skip to main content", "Page not found", "There is a problem"} <= (
            PORTAL.source_messages()
        )

    def test_every_string_in_the_code_and_templates_is_translated(self) -> None:
        assert PORTAL.untranslated() == []

    def test_no_translation_is_fuzzy(self) -> None:
        assert PORTAL.fuzzy() == []

    def test_placeholders_are_kept_in_translation(self) -> None:
        assert PORTAL.placeholders_changed() == []
