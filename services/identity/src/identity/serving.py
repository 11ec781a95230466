"""What identity's use cases for one authority share: recording what people do to their account."""

from typing import Any

from identity.audit.repository import AuditLog
from kit.authorities import Authority
from kit.clients import ClientInfo
from kit.mongo import Session
from kit.use_cases import ForAuthority


class AuditedForAuthority(ForAuthority):
    """A use case run for one authority at one client's request, which writes the audit log."""

    def __init__(self, *, authority: Authority, client: ClientInfo, audit: AuditLog) -> None:
        super().__init__(authority=authority, client=client)
        self.audit = audit

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
        await self.audit.record(
            authority=self.slug,
            action=action,
            outcome=outcome,
            client=self.client,
            actor=user_id,
            subject=user_id,
            details=details,
            session=session,
        )
