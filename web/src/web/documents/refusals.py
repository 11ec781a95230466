"""An upload the documents API refused, as the person is told on the page: which file, why."""

from web.documents.api import Limits
from web.gateway import ApiAnswer
from web.i18n import gettext as _


def refused_index(answer: ApiAnswer, count: int) -> int:
    """Which of the files sent the API refused (the first when it did not say)."""
    details = answer.error_details if isinstance(answer.error_details, dict) else {}
    index = details.get("file")
    return index if isinstance(index, int) and 0 <= index < count else 0


def upload_refusal(answer: ApiAnswer, file_name: str, limits: Limits, *, max_size: str) -> str:
    """The error message for the refused file's field: its name, and why."""
    name = file_name or _("A file")
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
