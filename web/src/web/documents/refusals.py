"""An upload the documents API refused, as the person is told on the page: which file, why."""

from starlette.datastructures import UploadFile

from web.documents.api import Limits
from web.gateway import ApiAnswer
from web.i18n import gettext as _


def _file_named(answer: ApiAnswer, files: list[UploadFile]) -> str:
    details = answer.error_details if isinstance(answer.error_details, dict) else {}
    index = details.get("file")
    if isinstance(index, int) and 0 <= index < len(files) and files[index].filename:
        return str(files[index].filename)
    return _("A file")


def upload_refusal(
    answer: ApiAnswer, files: list[UploadFile], limits: Limits, *, max_size: str
) -> str:
    """The error message for the files field: the file the API named, and why."""
    name = _file_named(answer, files)
    code = answer.error_code
    if code == "upload_too_large":
        return _("%(name)s is larger than %(size)s") % {"name": name, "size": max_size}
    if code == "file_type_not_allowed":
        types = [extension.lstrip(".").upper() for extension in limits.extensions]
        listed = _("%(first)s or %(last)s") % {"first": ", ".join(types[:-1]), "last": types[-1]}
        return _("%(name)s must be a %(types)s") % {
            "name": name,
            "types": listed if len(types) > 1 else "".join(types),
        }
    if code == "request_already_supplied":
        return _("This document has already been sent")
    return _("The files could not be sent. Try again")
