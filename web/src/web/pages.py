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

from web import i18n
from web.branding import text_colour_on
from web.gateway import AuthorityProfile
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


def idle_warning(request: Request, session: Any) -> dict[str, Any] | None:
    """What the idle warning's script needs, on the signed-in authority's pages."""
    tokens = session.record.signed_in if session is not None else None
    authority: AuthorityProfile | None = getattr(request.state, "authority", None)
    if tokens is None or authority is None or tokens.authority != authority.slug:
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
    }


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """The page from `template`, in the person's language, with the layout's context."""
    page = environment.get_template(template)
    html = page.render({**layout_context(request), **(context or {})})
    return HTMLResponse(html, status_code=status)
