"""The errors the letters API answers with, each with a stable code."""

from kit.errors import NotFound


class LetterNotFound(NotFound):
    """No such letter here, or not one the caller may know of."""

    code = "letter_not_found"
    message = "There is no such letter here."
