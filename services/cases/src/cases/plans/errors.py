"""The errors the plans API answers with, each with a stable code."""

from kit.errors import AppError, Conflict, NotFound


class PlanNotFound(NotFound):
    """No plan on the case, or not one the caller may see yet."""

    code = "plan_not_found"
    message = "There is no Personal Housing Plan on this case."


class ActionNotFound(NotFound):
    """No such action in the plan the caller sees."""

    code = "plan_action_not_found"
    message = "There is no such action in this plan."


class VersionNotFound(NotFound):
    """No such issue of the plan."""

    code = "plan_version_not_found"
    message = "The plan was never issued with this number."


class PlanExists(Conflict):
    """Starting a plan on a case that has one."""

    code = "plan_exists"
    message = "This case already has a Personal Housing Plan."


class PlanNotForThisCase(AppError):
    """A plan on a case that is not a homelessness case."""

    status = 422
    code = "plan_not_for_this_case"
    message = "Only a homelessness case has a Personal Housing Plan."


class PlanIncomplete(AppError):
    """Issuing a plan with no action."""

    status = 422
    code = "plan_incomplete"
    message = "Add at least one action before issuing the plan."


class PlanFull(AppError):
    """More actions than a plan holds."""

    status = 422
    code = "plan_full"
    message = "A plan holds at most 100 actions."


class PlanNotOpenToYou(Conflict):
    """The applicant changing a plan their caseworker is writing or reviewing."""

    code = "plan_not_open_to_you"
    message = "Your caseworker is reviewing your plan."


class FieldMissing(AppError):
    """A field the request needs in its case (a reason for not agreeing), reported on the
    field as a validation error is."""

    status = 422
    code = "validation_failed"
    message = "Some of the information sent is missing or not valid."

    def __init__(self, field: str, message: str) -> None:
        super().__init__(details=[{"loc": ["body", field], "message": message, "type": "missing"}])
