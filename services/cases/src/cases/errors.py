"""The errors the cases service answers with, each with a stable code."""

from kit.errors import AppError, Conflict, Forbidden, NotFound


class CaseNotFound(NotFound):
    """No such case here, or not one the caller may know of."""

    code = "case_not_found"
    message = "There is no such case here."


class KindNotOffered(NotFound):
    """The authority does not offer this kind of case."""

    code = "kind_not_offered"
    message = "This housing service does not offer this kind of application."


class TransitionNotAllowed(Conflict):
    """The action cannot be taken from the case's status, or not by this caller."""

    code = "transition_not_allowed"
    message = "This cannot be done to the case as it stands."


class NotYoursToDo(Forbidden):
    """The caller may see the case but not take this action on it."""

    code = "not_allowed_on_case"
    message = "You cannot do this on this case."


class AnswersIncomplete(AppError):
    """Submitting an application with required questions unanswered."""

    status = 422
    code = "answers_incomplete"
    message = "Answer every required question before submitting."


class DetailsMissing(AppError):
    """The action needs a reason, a date or register details it was not given."""

    status = 422
    code = "details_missing"
    message = "Give the details this action needs."


class ChangeOfCircumstancesRequired(Conflict):
    """A live register application changes only through a change of circumstances."""

    code = "change_of_circumstances_required"
    message = "Tell us about a change of circumstances to change a live application."


class NoChangePending(Conflict):
    """Verifying or rejecting a change of circumstances when none waits."""

    code = "no_change_pending"
    message = "There is no change of circumstances waiting to be checked."


class ChangeAlreadyPending(Conflict):
    """A second change of circumstances while one is being checked."""

    code = "change_already_pending"
    message = "A change of circumstances is already being checked."
