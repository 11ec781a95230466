"""The errors of messages on a case."""

from kit.errors import Conflict, NotFound


class MessageNotFound(NotFound):
    """No such message on the case, or not one the caller may see."""

    code = "message_not_found"
    message = "There is no such message on this case."


class AlreadyReplied(Conflict):
    """A second reply to a message where the authority takes one reply per message."""

    code = "already_replied"
    message = "You have already replied to this message. Send a new message if you need to."
