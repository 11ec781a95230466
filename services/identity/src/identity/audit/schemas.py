"""Response bodies of the audit log."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


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


class AuditPerson(BaseModel):
    """A member named by an event, as administrators know them."""

    email: str
    first_name: str
    last_name: str


class AuditPage(BaseModel):
    """One page of events, newest first."""

    items: list[AuditEvent]
    next_cursor: str | None
    people: dict[str, AuditPerson] = Field(
        default_factory=dict,
        description="The members this page's events name (as actor or subject), by user id; "
        "people who are not members here are left out.",
    )


class SecurityEvents(BaseModel):
    """The caller's own security events, newest first, a page at a time."""

    items: list[AuditEvent]
    next_cursor: str | None = None
