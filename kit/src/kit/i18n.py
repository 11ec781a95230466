"""Translations of what people read, from the Babel catalogues the build compiles."""

from pathlib import Path

from babel.support import NullTranslations, Translations

from contracts.fields import LANGUAGES, Language

DEFAULT_LANGUAGE: Language = "en"
DOMAIN = "messages"


class CatalogueMissing(RuntimeError):
    """A language's compiled catalogue is not there: the build did not run."""


def load_catalogues(directory: Path) -> dict[Language, NullTranslations]:
    """Every language's translations from `directory`; English is the source text itself."""
    catalogues: dict[Language, NullTranslations] = {DEFAULT_LANGUAGE: NullTranslations()}
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        compiled = directory / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not compiled.is_file():
            # Without it everyone who chose Welsh would silently be shown English.
            raise CatalogueMissing(f"{compiled} is missing: run `make install` to compile it")
        catalogues[language] = Translations.load(str(directory), [language], DOMAIN)
    return catalogues


def as_language(value: object) -> Language | None:
    """The language a cookie, parameter or record names, if it is one the portal speaks."""
    return next((language for language in LANGUAGES if value == language), None)
