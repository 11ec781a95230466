"""The web service's ASGI app: the portal's pages."""

import datetime

from starlette.middleware import Middleware

from kit.app import Runtime, ServiceParts, create_app
from web import assets
from web.account import (
    factors,
    idle,
    invitation,
    memberships,
    password,
    password_reset,
    profile,
    registration,
    second_factor,
    security_events,
    sessions_list,
)
from web.account import routes as account_routes
from web.appointments import casework as appointments_casework
from web.appointments import routes as appointments_routes
from web.authorities import AuthorityCache
from web.cases import circumstances, contact, household, journey, timeline
from web.cases import routes as cases_routes
from web.cases.rendering import EXIT_SCRIPT
from web.casework import documents as casework_documents
from web.casework import routes as casework_routes
from web.casework import timeline as casework_timeline
from web.config import settings
from web.documents import routes as documents_routes
from web.errors import PageFailures, install_page_errors
from web.gateway import GatewayClient
from web.letters import casework as letters_casework
from web.letters import routes as letters_routes
from web.messages import routes as messages_routes
from web.notifications import casework as notifications_casework
from web.notifications import routes as notifications_routes
from web.organisation import routes as organisation_routes
from web.page_context import PageContext
from web.plans import casework as plans_casework
from web.plans import routes as plans_routes
from web.platform import routes as platform_routes
from web.portal import routes as portal_routes
from web.security import SecurityHeaders
from web.sessions.dependencies import SessionCookie
from web.sessions.links import LINK_INDEXES, HeldLinks
from web.sessions.repository import SESSION_INDEXES, SessionRepository
from web.sessions.service import SessionService
from web.staff import routes as staff_routes
from web.surveys import routes as surveys_routes
from web.tasks import routes as tasks_routes

gateway = GatewayClient(settings.gateway_url, timeout=settings.gateway_timeout_seconds)


async def start(runtime: Runtime) -> None:
    """Keep the session rules over this worker's store connection."""
    app.state.sessions = SessionService(
        SessionRepository(runtime.mongo),
        idle=datetime.timedelta(minutes=settings.session_idle_minutes),
        absolute=datetime.timedelta(hours=settings.session_absolute_hours),
    )
    app.state.held_links = HeldLinks(runtime.mongo)


async def stop(_: Runtime) -> None:
    """Close the connections to the gateway."""
    await gateway.close()


async def gateway_ready(_: Runtime) -> bool:
    """Whether the gateway, which every page reads through, says it is ready."""
    return await gateway.is_ready()


app = create_app(
    settings,
    title="Housing Portal: web",
    description="The portal people use: server-rendered pages over the gateway's API.",
    parts=ServiceParts(
        routers=[
            assets.router,
            portal_routes.router,
            account_routes.router,
            registration.router,
            second_factor.router,
            factors.router,
            password_reset.router,
            invitation.router,
            staff_routes.router,
            appointments_casework.router,
            letters_casework.router,
            plans_casework.router,
            casework_documents.router,
            tasks_routes.router,
            surveys_routes.router,
            messages_routes.router,
            notifications_routes.router,
            notifications_casework.router,
            casework_timeline.router,
            casework_routes.router,
            organisation_routes.router,
            platform_routes.router,
            password.router,
            profile.router,
            sessions_list.router,
            security_events.router,
            memberships.router,
            idle.router,
            timeline.router,
            cases_routes.router,
            documents_routes.router,
            appointments_routes.router,
            letters_routes.router,
            plans_routes.router,
            journey.router,
            household.router,
            contact.router,
            circumstances.router,
        ],
        indexes=[*SESSION_INDEXES, *LINK_INDEXES],
        readiness={"gateway": gateway_ready},
        on_start=start,
        on_stop=stop,
        keeps_authority_copy=False,
        keeps_ended_sessions=False,
    ),
)
app.state.gateway = gateway
app.state.assets = assets.FrontendAssets.load(settings.assets_dir)
app.state.portal_styles = assets.PortalStyles.load()
app.state.portal_scripts = {
    name: assets.PortalScript.load(name) for name in [idle.WARNING_SCRIPT, EXIT_SCRIPT]
}
app.state.authorities = AuthorityCache(gateway, settings.authority_cache_seconds, {})
install_page_errors(app)
# Innermost, inside kit's request middleware, which would answer a failure with a JSON body.
app.user_middleware.append(Middleware(PageFailures))
# Each added outside the last: the security headers wrap everything.
app.add_middleware(SessionCookie)
app.add_middleware(PageContext)
app.add_middleware(SecurityHeaders)
