"""Every sentence of every email has a Welsh translation that a person has checked."""

from pathlib import Path

from tests.support.catalogues import Catalogue

NOTIFICATIONS = Path(__file__).resolve().parents[2]
EMAILS = Catalogue(
    source=NOTIFICATIONS / "src" / "notifications", mapping=NOTIFICATIONS / "babel.cfg"
)


class TestWelshCatalogue:
    def test_the_extraction_finds_the_email_strings(self) -> None:
        # Subjects (.subject.txt), plain-text bodies (.txt), HTML bodies and Python code.
        assert {
            "%(authority)s: confirm your email address",
            "To sign in, open this link:",
            "If the button does not work, copy this address into your web browser:",
            "%(clock)s on %(day)s",
        } <= EMAILS.source_messages()

    def test_every_string_in_the_code_and_templates_is_translated(self) -> None:
        assert EMAILS.untranslated() == []

    def test_no_translation_is_fuzzy(self) -> None:
        assert EMAILS.fuzzy() == []

    def test_placeholders_are_kept_in_translation(self) -> None:
        assert EMAILS.placeholders_changed() == []
