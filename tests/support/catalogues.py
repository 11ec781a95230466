"""A Welsh catalogue against the strings its package's code and templates use.

The strings are found as `make install` finds them: with the package's own babel.cfg.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@dataclass(frozen=True)
class Catalogue:
    """One package's sources, the extraction settings it is built with, and its Welsh .po."""

    source: Path
    mapping: Path

    @property
    def welsh_po(self) -> Path:
        return self.source / "translations" / "cy" / "LC_MESSAGES" / "messages.po"

    def source_messages(self) -> set[str]:
        """Every message id in the code and templates, as `pybabel extract` finds them."""
        with self.mapping.open() as stream:
            method_map, options_map = parse_mapping_cfg(stream)  # type: ignore[no-untyped-call]
        found = set()
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(self.source), method_map, options_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
        return found

    def welsh(self) -> dict[str, tuple[tuple[str, ...], bool]]:
        """Each message id of the Welsh catalogue: its translations and whether it is fuzzy."""
        with self.welsh_po.open("rb") as stream:
            catalogue = read_po(stream, locale="cy")
        entries = {}
        for message in catalogue:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string
            texts = (string,) if isinstance(string, str) else tuple(string or ())
            entries[key] = (texts, message.fuzzy)
        return entries

    def untranslated(self) -> list[str]:
        """Message ids used in the sources with no Welsh text (for any plural form)."""
        welsh = self.welsh()
        return sorted(
            message
            for message in self.source_messages()
            if not welsh.get(message, ((), False))[0] or not all(welsh.get(message, ((), False))[0])
        )

    def fuzzy(self) -> list[str]:
        """Message ids whose translation is marked fuzzy."""
        return sorted(message for message, (_, is_fuzzy) in self.welsh().items() if is_fuzzy)

    def placeholders_changed(self) -> list[str]:
        """Message ids whose Welsh text drops or adds a %(name)s placeholder."""
        return sorted(
            message
            for message, (texts, _) in self.welsh().items()
            for text in texts
            if set(PLACEHOLDER.findall(message)) != set(PLACEHOLDER.findall(text))
        )
