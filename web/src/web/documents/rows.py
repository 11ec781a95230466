"""One file of the upload form: the file, whom and what it is about, and the request it answers."""

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData, UploadFile

from web.cases.forms import text_of
from web.documents.api import Limits
from web.documents.views import type_of
from web.i18n import gettext as _

DESCRIPTION_LIMIT = 500


def megabytes(size: int) -> str:
    """A number of bytes as people read a file's size: 10 MB."""
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}


@dataclass
class FileRow:
    """What the person said about one file of the form; the file, once sent."""

    number: int
    file: UploadFile | None = None
    person: str = ""
    classification: str = ""
    description: str = ""
    sensitive: bool = False
    request_id: str = ""

    @classmethod
    def read(cls, form: FormData, number: int) -> "FileRow":
        """The row's fields as sent; a file only if one was chosen and is not empty."""
        chosen = form.get(f"file-{number}")
        file = (
            chosen
            if isinstance(chosen, UploadFile) and chosen.filename and (chosen.size or 0) > 0
            else None
        )
        return cls(
            number,
            file,
            person=text_of(form, f"person-{number}"),
            classification=text_of(form, f"classification-{number}"),
            description=text_of(form, f"description-{number}"),
            sensitive=text_of(form, f"sensitive-{number}") == "yes",
            request_id=text_of(form, f"request-{number}"),
        )

    @property
    def file_name(self) -> str:
        """The chosen file's name, as the person's computer gave it."""
        return str(self.file.filename) if self.file is not None and self.file.filename else ""

    def item(self, open_requests: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """What the documents API is told about the file; a request's own person and type win."""
        asked = open_requests.get(self.request_id)
        about: dict[str, Any] = {"description": self.description, "sensitive": self.sensitive}
        if asked is not None:
            about["request_id"] = asked["id"]
            about["classification"] = asked["classification"]
            person = asked.get("person") or self.person
        else:
            about["classification"] = self.classification
            person = self.person
        if person:
            about["person"] = person
        return about

    def shown(
        self,
        *,
        people: list[str],
        classifications: dict[str, str],
        requests: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The row as the form shows it, with its choices."""
        return {
            "number": self.number,
            "description": self.description,
            "sensitive": self.sensitive,
            "people": [
                {"value": name, "text": name, "checked": self.person == name} for name in people
            ],
            "classifications": [{"value": "", "text": _("Choose a type of document")}]
            + [
                {
                    "value": code,
                    "text": type_of({"classification": code, "classification_label": label}),
                    "selected": self.classification == code,
                }
                for code, label in classifications.items()
            ],
            "requests": [{"value": "", "text": _("Not something asked for")}]
            + [
                {
                    "value": item["id"],
                    "text": item["classification_label"]
                    + (f" \u2013 {item['person']}" if item.get("person") else ""),
                    "selected": self.request_id == item["id"],
                }
                for item in requests
            ],
        }


def checked_rows(
    rows: list[FileRow],
    *,
    people: list[str],
    limits: Limits,
    open_requests: dict[str, dict[str, Any]],
) -> dict[str, str]:
    """What is wrong with each file's row, by field, before anything is sent; rows without a
    file are left out."""
    errors: dict[str, str] = {}
    chosen = [row for row in rows if row.file is not None]
    if not chosen:
        errors[f"file-{rows[0].number}"] = _("Select a file to upload")
    answered: set[str] = set()
    for row in chosen:
        number = row.number
        if row.request_id:
            if row.request_id not in open_requests:
                errors[f"request-{number}"] = _("This document has already been sent")
            elif row.request_id in answered:
                errors[f"request-{number}"] = _("Send each document asked for with one file")
            answered.add(row.request_id)
        else:
            if people and row.person not in people:
                errors[f"person-{number}"] = _("Select who the document is about")
            if row.classification not in limits.classifications:
                errors[f"classification-{number}"] = _("Select the type of document")
        if len(row.description) > DESCRIPTION_LIMIT:
            errors[f"description-{number}"] = _(
                "The description must be %(count)s characters or fewer"
            ) % {"count": DESCRIPTION_LIMIT}
        if row.file is not None and (row.file.size or 0) > limits.max_bytes:
            errors[f"file-{number}"] = _("%(name)s is larger than %(size)s") % {
                "name": row.file_name,
                "size": megabytes(limits.max_bytes),
            }
    return errors
