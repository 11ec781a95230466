"""The errors of tasks on a case."""

from kit.errors import Conflict, NotFound


class TaskNotFound(NotFound):
    """No such task on the case, or not one the caller may see."""

    code = "task_not_found"
    message = "There is no such task on this case."


class TaskNotOpen(Conflict):
    """The task is not waiting for what the caller asked to do."""

    code = "task_not_open"
    message = "This task cannot be changed as it stands."
