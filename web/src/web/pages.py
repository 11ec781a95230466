"""Rendering pages: the Jinja environment, the layout's context and the language switch."""

import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from starlette.types import Receive, Scope, Send

from web import i18n
from web.branding import text_colour_on
from web.gateway import AuthorityProfile
from web.notifications.unread import unread_count
from web.security import nonce_of
from web.sessions.csrf import CSRF_FIELD

HERE = Path(__file__).resolve().parent
# One templates folder per area (portal/templates, account/templates, ...) and the shared one.
AREA_TEMPLATES = sorted(str(folder) for folder in HERE.glob("*/templates"))
AUTHORITY_BASE = "authority_base"


def make_environment() -> Environment:
    """Templates of every area, the shared layout and GOV.UK Frontend's macros, translated."""
    environment = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader([str(HERE / "templates"), *AREA_TEMPLATES]),
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change only with a new release (the services restart), so no page checks
        # every template file's time on disk.
        auto_reload=False,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    environment.filters["date"] = lambda value: i18n.format_date(value)
    environment.filters["moment"] = lambda value: i18n.format_moment(value)
    environment.filters["text_colour_on"] = text_colour_on
    return environment


environment = make_environment()


def authority_base(request: Request) -> str:
    """Where an authority's pages start for this request: `/{slug}`, or `` on its host name."""
    base = request.scope.get("state", {}).get(AUTHORITY_BASE)
    if isinstance(base, str):
        return base
    authority: AuthorityProfile | None = getattr(request.state, "authority", None)
    return f"/{authority.slug}" if authority is not None else ""


def switch_link(request: Request, language: i18n.Language) -> str:
    """This page's address with the language switched (kept in a cookie from then on)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != i18n.LANGUAGE_PARAMETER]
    query.append((i18n.LANGUAGE_PARAMETER, language))
    public_path = request.scope.get("state", {}).get("public_path", request.url.path)
    return f"{public_path}?{urlencode(query)}"


# With JavaScript on, a signed-in person is warned this long before the idle limit ends their
# session, and offered to stay signed in.
IDLE_WARNING = datetime.timedelta(minutes=2)


def signed_in_here(request: Request, session: Any) -> bool:
    """Whether the page is one of the authority the browser's session is signed in to."""
    tokens = session.record.signed_in if session is not None else None
    authority: AuthorityProfile | None = getattr(request.state, "authority", None)
    return tokens is not None and authority is not None and tokens.authority == authority.slug


def idle_warning(request: Request, session: Any) -> dict[str, Any] | None:
    """What the idle warning's script needs, on the signed-in authority's pages."""
    if not signed_in_here(request, session):
        return None
    sessions = request.app.state.sessions
    public_path = request.scope.get("state", {}).get("public_path", request.url.path)
    query = request.url.query
    return {
        "return_to": f"{public_path}?{query}" if query else public_path,
        "seconds_left": int(sessions.idle_left(session).total_seconds()),
        "idle_seconds": int(sessions.idle.total_seconds()),
        "warn_seconds": int(IDLE_WARNING.total_seconds()),
    }


def layout_context(request: Request) -> dict[str, Any]:
    """What the shared layout needs on every page."""
    language = i18n.current_language.get()
    other: i18n.Language = "cy" if language == "en" else "en"
    session = getattr(request.state, "browser_session", None)
    return {
        "request": request,
        "language": language,
        "other_language": other,
        "other_language_name": {"en": "English", "cy": "Cymraeg"}[other],
        "switch_href": switch_link(request, other),
        "csp_nonce": nonce_of(request.scope),
        "assets": request.app.state.assets.base,
        "portal_css": request.app.state.portal_styles.url,
        "authority": getattr(request.state, "authority", None),
        "base": authority_base(request),
        "csrf_field": CSRF_FIELD,
        "csrf_token": session.record.csrf_token if session is not None else None,
        "today": datetime.date.today(),
        "idle_warning": idle_warning(request, session),
        "portal_scripts": request.app.state.portal_scripts,
        "signed_in_here": signed_in_here(request, session),
    }


async def header_unread(request: Request) -> int | None:
    """The count beside the header's notifications link; None when there is none to show."""
    session = getattr(request.state, "browser_session", None)
    if session is None or not signed_in_here(request, session):
        return None
    tokens = session.record.signed_in
    return await unread_count(request, authority=tokens.authority, token=tokens.access_token)


class Page(HTMLResponse):
    """A page rendered as it is sent: by then the header's count, asked for while the page made
    its own calls, has come (or is given up on)."""

    def __init__(
        self, request: Request, template: str, context: dict[str, Any], *, status: int
    ) -> None:
        super().__init__(b"", status_code=status)
        self.request = request
        self.template = template
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        unread = await header_unread(self.request)
        page = environment.get_template(self.template)
        layout = {**layout_context(self.request), "unread_notifications": unread}
        html = page.render({**layout, **self.context})
        self.body = self.render(html)
        length = (b"content-length", str(len(self.body)).encode("latin-1"))
        self.raw_headers = [h for h in self.raw_headers if h[0] != b"content-length"] + [length]
        await super().__call__(scope, receive, send)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """The page from `template`, in the person's language, with the layout's context."""
    return Page(request, template, context or {}, status=status)
