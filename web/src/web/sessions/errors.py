"""Refusals of the session layer."""

from kit.errors import AppError


class FormRefused(AppError):
    """A form post without this session's CSRF token, or from another site."""

    status = 400
    code = "form_refused"
    message = "The form could not be accepted: it has expired or came from another site."
