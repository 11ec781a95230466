"""Errors of the in-app notifications API."""

from kit.errors import NotFound


class NotificationNotFound(NotFound):
    """No such notification for this person."""

    code = "notification_not_found"
    message = "There is no such notification."
