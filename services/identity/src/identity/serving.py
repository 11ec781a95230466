"""What identity's use cases for one authority share: how they write, and the audit log."""

from dataclasses import dataclass
from typing import Any, TypedDict

from identity.audit.repository import AuditLog
from kit.authorities import Authority
from kit.clients import ClientInfo
from kit.events.outbox import Outbox
from kit.mongo import Mongo, Session
from kit.use_cases import ForAuthority


class Serving(TypedDict):
    """What every identity use case of one request is made with, besides its own stores."""

    authority: Authority
    client: ClientInfo
    mongo: Mongo
    outbox: Outbox
    audit: AuditLog


@dataclass(kw_only=True)
class WritingForAuthority(ForAuthority):
    """A use case for one authority that changes things in transactions, with events and audit."""

    mongo: Mongo
    outbox: Outbox
    audit: AuditLog

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
