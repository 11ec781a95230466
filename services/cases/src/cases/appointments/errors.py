"""The errors the appointments API answers with, each with a stable code."""

from kit.errors import AppError, Conflict, NotFound


class AppointmentNotFound(NotFound):
    """No such appointment here, or not one the caller may know of."""

    code = "appointment_not_found"
    message = "There is no such appointment here."


class AppointmentCancelled(Conflict):
    """Moving or cancelling an appointment already cancelled."""

    code = "appointment_cancelled"
    message = "This appointment was cancelled."


class DateRangeNotValid(AppError):
    """A range of dates that ends before it starts, or spans too long: the query cannot be
    used as sent."""

    status = 400
    code = "date_range_not_valid"
    message = "The last date must be on or after the first, within two years."
