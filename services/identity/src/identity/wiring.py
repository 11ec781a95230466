"""Everything identity's request handlers use, made once when the service starts."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from identity.accounts.repository import Accounts
from identity.audit.repository import AuditLog
from identity.config import Settings
from identity.credentials import SecretBox
from identity.factors.repository import Factors
from identity.invitations.repository import Invitations
from identity.keys import SigningKeys
from identity.links import LinkTokens
from identity.memberships.repository import Memberships
from identity.organisations.repository import Organisations
from identity.restrictions.repository import Restrictions
from identity.serving import Serving
from identity.sessions.ending import SessionEnding
from identity.sessions.repository import Challenges, RefreshTokens, Sessions
from identity.sessions.throttle import SignInThrottle
from identity.sessions.tokens import AccessTokens
from kit.app import Runtime
from kit.authorities import Authorities, Authority
from kit.clients import ClientInfo
from kit.errors import ServiceUnavailable
from kit.events.outbox import Outbox
from kit.idempotency import IdempotencyStore
from kit.mongo import Mongo

EXTRAS_KEY = "identity"


@dataclass(frozen=True)
class Identity:
    """The identity service's stores, keys and settings."""

    settings: Settings
    mongo: Mongo
    outbox: Outbox
    keys: SigningKeys
    box: SecretBox
    access_tokens: AccessTokens
    accounts: Accounts
    memberships: Memberships
    restrictions: Restrictions
    factors: Factors
    sessions: Sessions
    ending: SessionEnding
    refresh_tokens: RefreshTokens
    challenges: Challenges
    throttle: SignInThrottle
    links: LinkTokens
    audit: AuditLog
    organisations: Organisations
    invitations: Invitations
    idempotency: IdempotencyStore
    authorities: Authorities

    def serving(self, authority: Authority, client: ClientInfo) -> Serving:
        """What a use case for this authority and client is made with, besides its own stores."""
        return Serving(
            authority=authority,
            client=client,
            mongo=self.mongo,
            outbox=self.outbox,
            audit=self.audit,
        )

    @property
    def refresh_lifetime(self) -> timedelta:
        """How long an unused session lasts."""
        return timedelta(days=self.settings.refresh_token_days)

    @classmethod
    def build(cls, runtime: Runtime, settings: Settings, keys: SigningKeys) -> "Identity":
        """Make the stores on the running service's connections."""
        return cls.on(
            runtime.mongo,
            runtime.outbox,
            settings=settings,
            keys=keys,
            authorities=runtime.authorities,
        )

    @classmethod
    def on(
        cls,
        mongo: Mongo,
        outbox: Outbox,
        *,
        settings: Settings,
        keys: SigningKeys,
        authorities: Authorities,
    ) -> "Identity":
        """Make the stores on a database connection."""
        sessions = Sessions(mongo)
        accounts = Accounts(mongo)
        return cls(
            settings=settings,
            mongo=mongo,
            outbox=outbox,
            keys=keys,
            box=SecretBox(settings.signing_key_secret),
            access_tokens=AccessTokens(
                keys,
                issuer=settings.token_issuer,
                lifetime_seconds=settings.access_token_minutes * 60,
            ),
            accounts=accounts,
            memberships=Memberships(mongo),
            restrictions=Restrictions(mongo),
            factors=Factors(mongo),
            sessions=sessions,
            ending=SessionEnding(
                mongo,
                sessions,
                outbox,
                accounts=accounts,
                token_lifetime=timedelta(minutes=settings.access_token_minutes),
            ),
            refresh_tokens=RefreshTokens(mongo),
            challenges=Challenges(mongo),
            throttle=SignInThrottle(
                mongo,
                threshold=settings.lockout_threshold,
                lock_for=timedelta(minutes=settings.lockout_minutes),
                address_limit=settings.address_failure_limit,
                second_factor_threshold=settings.second_factor_threshold,
                second_factor_window=timedelta(minutes=settings.second_factor_window_minutes),
            ),
            links=LinkTokens(mongo, portal_url=settings.portal_url),
            audit=AuditLog(mongo),
            organisations=Organisations(mongo),
            invitations=Invitations(mongo),
            idempotency=IdempotencyStore(mongo),
            authorities=authorities,
        )


def get_identity(request: Request) -> Identity:
    """The service's stores; unavailable until start-up has finished."""
    runtime: Runtime = request.app.state.runtime
    identity = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(identity, Identity):
        raise ServiceUnavailable("The service is starting; try again in a moment.")
    return identity


IdentityDep = Annotated[Identity, Depends(get_identity)]
