"""Pages a person understands instead of error bodies: not found, a problem, unavailable."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import logs
from kit.errors import AppError
from web.account.dependencies import SignInNeeded
from web.authorities import authority_cache
from web.gateway import AuthorityUnknown, GatewayUnavailable
from web.pages import authority_base, render
from web.sessions.errors import FormRefused

log = logs.get_logger("web.errors")


async def _known_authority(request: Request) -> None:
    """Put the authority named first in the path on the request, if it exists, for its contacts."""
    if getattr(request.state, "authority", None) is not None:
        return
    first = request.url.path.split("/")[1:2]
    if not first or not first[0]:
        return
    try:
        request.state.authority = await authority_cache(request).get(first[0])
    except (AuthorityUnknown, GatewayUnavailable):
        request.state.authority = None


async def not_found_page(request: Request) -> HTMLResponse:
    """The page is not there."""
    await _known_authority(request)
    return render(request, "errors/not_found.html", status=404)


async def unavailable_page(request: Request) -> HTMLResponse:
    """The portal cannot reach what it needs right now."""
    await _known_authority(request)
    response = render(request, "errors/unavailable.html", status=503)
    response.headers["retry-after"] = "30"
    return response


async def problem_page(request: Request) -> HTMLResponse:
    """Something went wrong on our side."""
    await _known_authority(request)
    return render(request, "errors/problem.html", status=500)


async def form_refused_page(request: Request) -> HTMLResponse:
    """A form that expired or came from elsewhere: ask the person to try again."""
    await _known_authority(request)
    return render(request, "errors/form_refused.html", status=400)


def install_page_errors(app: FastAPI) -> None:
    """Render every failure as a page; never a stack trace or a JSON body."""

    async def on_http_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return await not_found_page(request)
        if exc.status_code == 405:
            return await not_found_page(request)
        return await problem_page(request)

    async def on_app_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, AppError)
        if isinstance(exc, FormRefused):
            return await form_refused_page(request)
        if exc.status == 404:
            return await not_found_page(request)
        if exc.status == 503:
            return await unavailable_page(request)
        return await problem_page(request)

    async def on_unknown_authority(request: Request, _: Exception) -> HTMLResponse:
        return await not_found_page(request)

    async def on_gateway_unavailable(request: Request, exc: Exception) -> HTMLResponse:
        log.warning("page shown as unavailable", extra={"reason": repr(exc)})
        return await unavailable_page(request)

    async def on_invalid_path(request: Request, _: Exception) -> HTMLResponse:
        return await not_found_page(request)

    async def on_sign_in_needed(request: Request, exc: Exception) -> RedirectResponse:
        assert isinstance(exc, SignInNeeded)
        page = "timed-out" if exc.timed_out else "sign-in"
        return RedirectResponse(f"{authority_base(request)}/account/{page}", status_code=303)

    app.add_exception_handler(SignInNeeded, on_sign_in_needed)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(AuthorityUnknown, on_unknown_authority)
    app.add_exception_handler(GatewayUnavailable, on_gateway_unavailable)
    app.add_exception_handler(RequestValidationError, on_invalid_path)


class PageFailures:
    """Turns any failure the handlers did not answer into the problem page, headers intact.

    Starlette answers an unhandled exception outside every middleware, where the security
    headers, the session cookie and the person's language are no longer applied.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise  # the page is half sent: the connection is cut instead
            log.exception("page failed", exc_info=exc)
            request = Request(scope, receive)
            try:
                response = await problem_page(request)
            except Exception:  # the problem page itself failed: the plainest page there is
                response = HTMLResponse(PLAIN_PROBLEM, status_code=500)
            await response(scope, receive, send)


PLAIN_PROBLEM = "<!DOCTYPE html><title>Sorry</title><h1>Sorry, there is a problem</h1>"
