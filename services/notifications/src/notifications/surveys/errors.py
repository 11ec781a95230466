"""Errors of the surveys API."""

from kit.errors import Conflict, NotFound


class SurveyNotFound(NotFound):
    """No survey about this case for this person."""

    code = "survey_not_found"
    message = "There is no such survey."


class SurveyAlreadyAnswered(Conflict):
    """The survey was answered before: an answer is given once."""

    code = "survey_already_answered"
    message = "This survey has already been answered."
