"""Per request: the person's language, and the authority's pages on its own host name."""

from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from web import i18n
from web.gateway import browser_agent
from web.pages import AUTHORITY_BASE
from web.security import ASSETS_PREFIX
from web.sessions.cookies import over_tls

ONE_YEAR = 365 * 24 * 3600


def chosen_language(headers: Headers) -> i18n.Language:
    """The language the person chose (kept in a cookie), else English."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no choice at all
        return i18n.DEFAULT_LANGUAGE
    morsel = jar.get(i18n.LANGUAGE_COOKIE)
    return i18n.as_language(morsel.value if morsel else None) or i18n.DEFAULT_LANGUAGE


class PageContext:
    """Sets the page's language, answers the language switch, and maps host-name paths.

    On an authority's own host name the gateway names the authority (X-Authority) and the
    path has no slug: the path is read as `/{slug}{path}` so every route has one form, and
    the pages' links leave the slug out again.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        switch = [value for name, value in query if name == i18n.LANGUAGE_PARAMETER]
        if switch and scope["method"] in {"GET", "HEAD"}:
            await self._switch(scope, receive, send, switch[-1], query)
            return
        state = scope.setdefault("state", {})
        path: str = scope["path"]
        state["public_path"] = path
        slug = headers.get("x-authority")
        if slug and not path.startswith(ASSETS_PREFIX) and path.split("/")[1:2] != [slug]:
            inner = f"/{slug}{path}"
            scope = {**scope, "path": inner, "raw_path": inner.encode()}
            state[AUTHORITY_BASE] = ""
        token = i18n.current_language.set(chosen_language(headers))
        agent = browser_agent.set(headers.get("user-agent"))
        try:
            await self.app(scope, receive, send)
        finally:
            browser_agent.reset(agent)
            i18n.current_language.reset(token)

    async def _switch(
        self, scope: Scope, receive: Receive, send: Send, value: str, query: list[tuple[str, str]]
    ) -> None:
        """Keep the chosen language and show the same page again without the parameter."""
        rest = [(name, v) for name, v in query if name != i18n.LANGUAGE_PARAMETER]
        target = str(scope["path"]) + (f"?{urlencode(rest)}" if rest else "")
        # Only a path of this site: never a redirect elsewhere.
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        response = RedirectResponse(target, status_code=303)
        language = i18n.as_language(value)
        if language is not None:
            response.set_cookie(
                i18n.LANGUAGE_COOKIE,
                language,
                max_age=ONE_YEAR,
                path="/",
                samesite="lax",
                httponly=True,
                secure=over_tls(HTTPConnection(scope)),
            )
        await response(scope, receive, send)
