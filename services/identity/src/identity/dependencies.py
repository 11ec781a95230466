"""Request dependencies shared by identity's routes: the caller and the roles they need."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from identity.wiring import IdentityDep
from kit import context
from kit.auth import CurrentPrincipal, Principal
from kit.errors import Forbidden
from kit.sessions import SessionEnded


@dataclass(frozen=True)
class Caller:
    """A signed-in person whose session is still going."""

    principal: Principal
    session_id: str

    @property
    def user_id(self) -> str:
        """The caller's account id."""
        return self.principal.user_id

    @property
    def authority(self) -> str:
        """The authority the caller's token is for."""
        return self.principal.authority

    @property
    def methods(self) -> list[str]:
        """How the caller signed in (`pwd`, `otp`, `mfa`)."""
        return list(self.principal.methods)


async def current_caller(principal: CurrentPrincipal, identity: IdentityDep) -> Caller:
    """The caller, refused when their session was ended (signed out, reset, restricted)."""
    session_id = principal.session_id
    live = await identity.sessions.live(principal.authority, session_id)
    if live is None or live["user_id"] != principal.user_id:
        raise SessionEnded()
    context.user_id.set(principal.user_id)
    return Caller(principal=principal, session_id=session_id)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def caller_with(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that lets through only callers holding one of the roles."""

    async def check(caller: CurrentCaller) -> Caller:
        if not caller.principal.has_any(*roles):
            raise Forbidden()
        return caller

    return check


AuthorityAdmin = Annotated[Caller, Depends(caller_with("authority_admin"))]
PlatformAdmin = Annotated[Caller, Depends(caller_with("platform_admin"))]
# A platform administrator appoints the first administrators of a new authority.
StaffInviter = Annotated[Caller, Depends(caller_with("authority_admin", "platform_admin"))]
OrganisationManager = Annotated[Caller, Depends(caller_with("authority_admin", "landlord_admin"))]
# The authority's staff, who work cases together.
Staff = Annotated[Caller, Depends(caller_with("officer", "manager", "authority_admin"))]
