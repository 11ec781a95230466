"""Constrained field types shared by the envelope and the event payloads."""

from collections.abc import Hashable
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, StringConstraints

_Item = TypeVar("_Item", bound=Hashable)

EVENT_TYPE_PATTERN = r"^[a-z]+\.[a-z_]+\.[a-z_]+$"
# An authority slug, unanchored, for building the patterns of paths that carry one.
AUTHORITY_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
AUTHORITY_SLUG_PATTERN = rf"^{AUTHORITY_SLUG}$"
# A DNS label: letters, digits and inner hyphens, 63 characters at most.
_HOST_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME_PATTERN = rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*$"

EventType = Annotated[str, StringConstraints(pattern=EVENT_TYPE_PATTERN, max_length=255)]
"""An event type, `{service}.{entity}.{verb}`, also the AMQP routing key."""

AuthoritySlug = Annotated[str, StringConstraints(pattern=AUTHORITY_SLUG_PATTERN, max_length=63)]
"""An authority's slug as it appears in URLs (`watford`, `housing-ombudsman`)."""

HostName = Annotated[str, StringConstraints(pattern=HOST_NAME_PATTERN, max_length=253)]
"""A lower-case DNS host name without a port."""

Language = Literal["en", "cy"]
"""A language the portal speaks to people in: English or Welsh."""
LANGUAGES: tuple[Language, ...] = ("en", "cy")

HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
"""A colour as `#RRGGBB`."""

FileExtension = Annotated[str, StringConstraints(pattern=r"^\.[a-z0-9]{1,16}$")]
"""A lower-case file name extension with its dot (`.pdf`)."""

# `\s` stands for other characters in each regex dialect: NEL is a space to pydantic's and
# Python's, not to ECMAScript's (which JSON Schema uses), and BOM the other way round. Naming
# both makes every reader of the schema agree on what it allows. The four separators
# \x1c-\x1f are spaces to Python's `str.strip` and to no regex dialect's `\s`.
_NOT_AT_OR_SPACE = r"[^@\s\x1c-\x1f\x85\ufeff]"
EmailAddress = Annotated[
    str,
    StringConstraints(
        pattern=rf"^{_NOT_AT_OR_SPACE}+@{_NOT_AT_OR_SPACE}+\.{_NOT_AT_OR_SPACE}+$", max_length=254
    ),
]
"""An email address, checked for shape only."""


def _refuse_duplicates(items: list[_Item]) -> list[_Item]:
    """Return the items unchanged, or fail when one appears twice."""
    seen: set[_Item] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{item!r} appears more than once")
        seen.add(item)
    return items


UniqueList = Annotated[
    list[_Item],
    AfterValidator(_refuse_duplicates),
    Field(json_schema_extra={"uniqueItems": True}),
]
"""A list whose items are all different; order is kept, unlike a set's."""
