"""The standard error body and the application errors every service raises."""

import functools
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from kit import logs


class ErrorDetail(BaseModel):
    """What went wrong, machine-readable first."""

    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class AppError(Exception):
    """An expected failure with a stable code and an HTTP status."""

    status: int = 400
    code: str = "bad_request"
    message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details
        self.headers = headers
        super().__init__(self.message)


class NotFound(AppError):
    """The thing asked for does not exist or the caller may not see it."""

    status = 404
    code = "not_found"
    message = "Not found."


class Unauthorized(AppError):
    """No valid credentials."""

    status = 401
    code = "unauthorized"
    message = "Sign in to continue."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(
            message, code=code, headers={"WWW-Authenticate": 'Bearer realm="housing-portal"'}
        )


class Forbidden(AppError):
    """Valid credentials without the right to this action."""

    status = 403
    code = "forbidden"
    message = "You do not have permission to do this."


class Conflict(AppError):
    """The change clashes with the current state."""

    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class PreconditionFailed(AppError):
    """The If-Match version is no longer current."""

    status = 412
    code = "precondition_failed"
    message = "The resource has changed since you read it."


class PreconditionRequired(AppError):
    """An update that can race was sent without If-Match."""

    status = 428
    code = "precondition_required"
    message = "Send the ETag you read in an If-Match header."


class ServiceUnavailable(AppError):
    """A dependency is not reachable right now."""

    status = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable."


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Build the standard error body."""
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render the standard error body."""
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def app_error_response(error: AppError) -> JSONResponse:
    """Render an application error: its status, the standard body and its headers.

    The response is an ASGI app too, so code below the framework answers with it as well.
    """
    return error_response(
        error.status, error.code, error.message, details=error.details, headers=error.headers
    )


def unexpected_error_response(exc: BaseException) -> JSONResponse:
    """Log an unexpected error and render the standard 500 body, without the error's text."""
    logs.get_logger("kit.errors").exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side.")


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for item in exc.errors():
        # The offending input is left out: it may be a password or a code.
        details.append(
            {
                "loc": [str(part) for part in item.get("loc", ())],
                "message": str(item.get("msg", "")),
                "type": str(item.get("type", "")),
            }
        )
    return details


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@functools.cache
def _template(path: str) -> re.Pattern[str]:
    return compile_path(path)[0]


def allowed_methods(request: Request) -> str:
    """The methods of the resource at the request's path, whichever routes serve them."""
    # The router answers 405 from the first route whose path matches, naming only that route's
    # methods. The resource is the most specific template that matches: `/sessions/switch`
    # (POST) is not `/sessions/{session_id}` (DELETE), though both match the path.
    path = request.scope["path"]
    matching: list[tuple[int, set[str]]] = []
    for route in iter_route_contexts(request.app.routes):
        template, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if template and methods and _template(template).match(path):
            matching.append((template.count("{"), methods))
    fewest = min((parameters for parameters, _ in matching), default=0)
    allowed = set().union(*(methods for parameters, methods in matching if parameters == fewest))
    return ", ".join(method for method in _METHODS if method in allowed)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, expected or not, with the standard body."""

    async def on_app_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return app_error_response(exc)

    async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(
            422,
            "validation_failed",
            "Some of the information sent is missing or not valid.",
            details=_validation_details(exc),
        )

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = str(exc.detail) if exc.detail else "The request could not be processed."
        if exc.status_code == 404:
            message = "Not found."
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return error_response(exc.status_code, code, message, headers=headers)

    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        return unexpected_error_response(exc)

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
