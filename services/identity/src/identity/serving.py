"""What every identity use case starts from: the stores, the authority served, the caller."""

from typing import Any

from identity.wiring import Identity
from kit.authorities import Authority
from kit.clients import ClientInfo
from kit.mongo import Session
from kit.use_cases import ForAuthority


class IdentityUseCase(ForAuthority):
    """A use case of identity run for one authority at one client's request."""

    def __init__(self, identity: Identity, *, authority: Authority, client: ClientInfo) -> None:
        super().__init__(authority=authority, client=client)
        self.identity = identity

    async def _audit(
        self,
        action: str,
        outcome: str,
        user_id: str | None,
        details: dict[str, Any] | None = None,
        *,
        session: Session | None = None,
    ) -> None:
        """Record something a person did to their own account, from this client."""
        await self.identity.audit.record(
            authority=self.slug,
            action=action,
            outcome=outcome,
            client=self.client,
            actor=user_id,
            subject=user_id,
            details=details,
            session=session,
        )
