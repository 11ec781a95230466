"""Every string the portal shows has a Welsh translation that a person has checked."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[1]
SOURCE = WEB / "src" / "web"
WELSH = SOURCE / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("templates/**.html", "jinja2"),
]
OPTIONS = {
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n"},
    "templates/**.html": {"extensions": "jinja2.ext.i18n"},
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    """Every message id in the code and templates, as `pybabel extract` finds them."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), METHOD_MAP, OPTIONS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def welsh_catalogue() -> dict[str, tuple[str, bool]]:
    """Each message id of the Welsh catalogue: its translation and whether it is fuzzy."""
    with WELSH.open("rb") as stream:
        catalogue = read_po(stream, locale="cy")
    entries = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string
        text = string if isinstance(string, str) else (string[0] if string else "")
        entries[key] = (text, message.fuzzy)
    return entries


class TestWelshCatalogue:
    def test_the_extraction_finds_the_portal_strings(self) -> None:
        # A broken extraction would find nothing and let every other check pass.
        assert {"Skip to main content", "Page not found", "There is a problem"} <= source_messages()

    def test_every_string_in_the_code_and_templates_is_translated(self) -> None:
        catalogue = welsh_catalogue()
        untranslated = sorted(m for m in source_messages() if not catalogue.get(m, ("", False))[0])
        assert untranslated == []

    def test_no_translation_is_fuzzy(self) -> None:
        fuzzy = sorted(m for m, (_, is_fuzzy) in welsh_catalogue().items() if is_fuzzy)
        assert fuzzy == []

    def test_placeholders_are_kept_in_translation(self) -> None:
        for message, (text, _) in welsh_catalogue().items():
            for name in ("%(name)s", "%(date)s", "%(email)s"):
                assert (name in message) == (name in text), message
