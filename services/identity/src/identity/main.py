"""The identity service's ASGI app."""

from datetime import timedelta

from identity.api import router
from identity.config import settings
from identity.keys import SigningKeys
from kit.app import Runtime, ServiceParts, create_app


async def _start(runtime: Runtime) -> None:
    keys = SigningKeys(
        runtime.mongo,
        secret=settings.signing_key_secret,
        token_lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    await keys.ensure_current()
    runtime.extras["signing_keys"] = keys


app = create_app(
    settings,
    title="Housing Portal: identity",
    description="Accounts, sign-in with a second factor, memberships and signing keys.",
    parts=ServiceParts(routers=[router], on_start=_start),
)
