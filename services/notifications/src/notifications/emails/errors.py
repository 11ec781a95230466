"""Errors of the email part of the notifications service."""

from kit.errors import NotFound


class DeliveryNotFound(NotFound):
    """No such delivery for this authority."""

    code = "delivery_not_found"
    message = "There is no email delivery with this id."


class AuthorityNotKnownYet(RuntimeError):
    """The local registry copy has no record of the event's authority (yet): retry later."""
