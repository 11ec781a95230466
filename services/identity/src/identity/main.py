"""The identity service's ASGI app."""

import asyncio
from datetime import timedelta

from identity.accounts.api import router as accounts_router
from identity.accounts.repository import INDEXES as ACCOUNT_INDEXES
from identity.api import router as keys_router
from identity.audit.api import router as audit_router
from identity.audit.repository import INDEXES as AUDIT_INDEXES
from identity.config import settings
from identity.demo.seed import DemoSeeder
from identity.factors.api import router as factors_router
from identity.factors.repository import INDEXES as FACTOR_INDEXES
from identity.invitations.api import router as invitations_router
from identity.invitations.repository import INDEXES as INVITATION_INDEXES
from identity.keys import INDEXES as KEY_INDEXES
from identity.keys import SigningKeys
from identity.links import INDEXES as LINK_INDEXES
from identity.memberships.api import router as memberships_router
from identity.memberships.repository import INDEXES as MEMBERSHIP_INDEXES
from identity.organisations.api import router as organisations_router
from identity.organisations.repository import INDEXES as ORGANISATION_INDEXES
from identity.passwords.api import router as passwords_router
from identity.restrictions.api import router as restrictions_router
from identity.restrictions.repository import INDEXES as RESTRICTION_INDEXES
from identity.sessions.api import router as sessions_router
from identity.sessions.repository import INDEXES as SESSION_INDEXES
from identity.sessions.throttle import INDEXES as THROTTLE_INDEXES
from identity.wiring import EXTRAS_KEY, Identity
from kit.app import Runtime, ServiceParts, create_app

INDEXES = [
    *ACCOUNT_INDEXES,
    *AUDIT_INDEXES,
    *FACTOR_INDEXES,
    *INVITATION_INDEXES,
    *KEY_INDEXES,
    *LINK_INDEXES,
    *MEMBERSHIP_INDEXES,
    *ORGANISATION_INDEXES,
    *RESTRICTION_INDEXES,
    *SESSION_INDEXES,
    *THROTTLE_INDEXES,
]


async def _start(runtime: Runtime) -> None:
    keys = SigningKeys(
        runtime.mongo,
        secret=settings.signing_key_secret,
        token_lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    await keys.ensure_current()
    runtime.extras["signing_keys"] = keys
    identity = Identity.build(runtime, settings, keys)
    runtime.extras[EXTRAS_KEY] = identity
    if settings.seed_demo_accounts:
        seeder = DemoSeeder(identity)
        runtime.tasks.append(asyncio.create_task(seeder.run(), name="demo-accounts"))


app = create_app(
    settings,
    title="Housing Portal: identity",
    description="Accounts, sign-in with a second factor, memberships and signing keys.",
    parts=ServiceParts(
        routers=[
            keys_router,
            accounts_router,
            passwords_router,
            sessions_router,
            factors_router,
            memberships_router,
            invitations_router,
            organisations_router,
            restrictions_router,
            audit_router,
        ],
        indexes=INDEXES,
        on_start=_start,
    ),
)
