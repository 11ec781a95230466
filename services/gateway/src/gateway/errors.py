"""The gateway's own refusals, answered with the standard error body before any service is asked."""

from kit.errors import AppError, Forbidden, ServiceUnavailable

# How long a client should wait before asking again: the registry loads within moments, an
# upstream is checked again every few seconds.
STARTING_RETRY_SECONDS = 2
UPSTREAM_RETRY_SECONDS = 5


class PortalStarting(ServiceUnavailable):
    """The registry is not loaded yet, so no authority can be told apart."""

    code = "starting"
    message = "The portal is starting; try again in a moment."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(STARTING_RETRY_SECONDS)})


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


class NoUpstream(ServiceUnavailable):
    """No member of the service's pool takes requests."""

    code = "no_upstream"
    message = "This service is temporarily unavailable."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(UPSTREAM_RETRY_SECONDS)})


class UpstreamUnavailable(ServiceUnavailable):
    """The service could not be reached, or broke off its answer before it began."""

    code = "upstream_unavailable"
    message = "This service is temporarily unavailable."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(UPSTREAM_RETRY_SECONDS)})


class UpstreamTimedOut(AppError):
    """The service did not answer in time."""

    status = 504
    code = "upstream_timeout"
    message = "The service took too long to answer."
