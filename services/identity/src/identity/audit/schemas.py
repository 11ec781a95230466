"""Response bodies of the audit log."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEvent(BaseModel):
    """One recorded event."""

    id: str
    at: datetime
    authority: str
    action: str
    outcome: str
    actor: str | None
    subject: str | None
    address: str | None
    device: str | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    """One page of events, newest first."""

    items: list[AuditEvent]
    next_cursor: str | None


class SecurityEvents(BaseModel):
    """The caller's own security events, newest first, a page at a time."""

    items: list[AuditEvent]
    next_cursor: str | None = None
