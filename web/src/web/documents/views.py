"""Documents and the requests for them as every page shows them, in the page's language."""

from typing import Any

from web.cases.applications import day_of
from web.cases.words import document_type_label
from web.i18n import format_moment
from web.i18n import gettext as _

STATE_COLOURS = {"uploaded": "blue", "verified": "green", "rejected": "red"}


def state_text(state: str) -> str:
    """A document's state as people read it."""
    texts = {
        "uploaded": _("Waiting to be checked"),
        "verified": _("Verified"),
        "rejected": _("Not accepted"),
    }
    return texts.get(state, state)


def type_of(record: dict[str, Any]) -> str:
    """A document's or request's classification, named in the page's language."""
    code = str(record.get("classification", ""))
    return document_type_label(code, str(record.get("classification_label", code)))


def shown_request(item: dict[str, Any]) -> dict[str, Any]:
    """A document asked for, as a list of them shows it."""
    return {**item, "classification_label": type_of(item), "due": day_of(item.get("due_on"))}


def shown_document(document: dict[str, Any]) -> dict[str, Any]:
    """A document on a case, as a list of them shows it."""
    state = str(document["state"])
    made = document.get("source") == "generated"
    return {
        **document,
        "classification_label": type_of(document),
        "uploaded": format_moment(str(document["created_at"])),
        # What the portal made itself (a copy of the application, a letter) is not checked.
        "state_text": _("Made by the portal") if made else state_text(state),
        "state_colour": "grey" if made else STATE_COLOURS.get(state, "grey"),
        "checkable": not made and state == "uploaded",
    }


def people_of(case: dict[str, Any]) -> list[str]:
    """The names of the household on a case: whom a document may be about."""
    return [str(member["name"]) for member in case.get("household", []) if member.get("name")]
