"""Errors of the email part of the notifications service."""

from kit.errors import AppError, NotFound


class DeliveryNotFound(NotFound):
    """No such delivery for this authority."""

    code = "delivery_not_found"
    message = "There is no email delivery with this id."


class InvalidCursor(AppError):
    """A page cursor that this service did not hand out."""

    status = 400
    code = "invalid_cursor"
    message = "The page cursor is not valid; start again from the first page."


class AuthorityNotKnownYet(RuntimeError):
    """The local registry copy has no record of the event's authority (yet): retry later."""
