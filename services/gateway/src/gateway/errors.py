"""The gateway's own refusals, answered with the standard error body before any service is asked."""

from kit.errors import AppError, Forbidden, ServiceUnavailable


class RetryLater(ServiceUnavailable):
    """Unavailable for now: the answer says how many seconds to wait before asking again."""

    # An upstream taken out of its pool is checked again every few seconds.
    retry_after = 5

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(self.retry_after)})


class PortalStarting(RetryLater):
    """The registry is not loaded yet, so no authority can be told apart."""

    code = "starting"
    message = "The portal is starting; try again in a moment."
    # The registry loads within moments of the gateway starting.
    retry_after = 2


class NoUpstream(RetryLater):
    """No member of the service's pool takes requests."""

    code = "no_upstream"
    message = "This service is temporarily unavailable."


class UpstreamUnavailable(RetryLater):
    """The service could not be reached, or broke off before its answer began."""

    code = "upstream_unavailable"
    message = "This service is temporarily unavailable."


class UpstreamTimedOut(AppError):
    """The service did not answer in time."""

    status = 504
    code = "upstream_timeout"
    message = "The service took too long to answer."


class AccessRestricted(Forbidden):
    """The member is deactivated or restricted for this authority."""

    code = "access_restricted"
    message = (
        "Your access to this service has been restricted or your account "
        "is inactive. Contact the housing team for help."
    )


class TooManyRequests(AppError):
    """A rate limit refused the request."""

    status = 429
    code = "too_many_requests"
    message = "Too many requests; try again shortly."

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})


class PayloadTooLarge(AppError):
    """The request body is over the limit for this address."""

    status = 413
    code = "payload_too_large"

    def __init__(self, *, limit: int) -> None:
        super().__init__(f"The request is larger than the {limit} bytes accepted here.")
