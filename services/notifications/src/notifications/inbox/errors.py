"""Errors of the in-app notifications API."""

from kit.errors import Forbidden, NotFound


class NotificationNotFound(NotFound):
    """No such notification for this person."""

    code = "notification_not_found"
    message = "There is no such notification."


class KindNotOffered(Forbidden):
    """A choice of emails about a kind of event the person is never told of in the roles
    they hold."""

    code = "kind_not_offered"
    message = "You are not told of these kinds of event, so they cannot be chosen."
