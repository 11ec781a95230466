"""The envelope that carries every event on the `portal.events` exchange."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from contracts.fields import AuthoritySlug, EventType
from contracts.payload import EventPayload

# JSON Schema validators do not assert `format` by default, so the schema also carries patterns:
# the offset that makes a date-time aware, and the canonical UUID spelling producers emit.
_AWARE_DATE_TIME_PATTERN = r"(Z|z|[+-]\d{2}:\d{2})$"
_UUID_PATTERN = r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"


def _to_utc(moment: datetime) -> datetime:
    """Return the same instant expressed in UTC."""
    return moment.astimezone(UTC)


UtcDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    Field(json_schema_extra={"pattern": _AWARE_DATE_TIME_PATTERN}),
]
"""A timezone-aware moment, normalised to UTC; naive values are refused."""


class Envelope(BaseModel):
    """One event as published: metadata plus the payload in `data`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: uuid.UUID = Field(
        description="Unique per event; consumers deduplicate on it.",
        json_schema_extra={"pattern": _UUID_PATTERN},
    )
    type: EventType = Field(description="`{service}.{entity}.{verb}`, also the routing key.")
    version: int = Field(ge=1, description="Version of the payload contract for this type.")
    occurred_at: UtcDateTime = Field(description="When the change happened, in UTC.")
    authority: AuthoritySlug = Field(description="Slug of the authority the event belongs to.")
    actor: str | None = Field(description="Id of the user who caused the event, if any.")
    subject: str | None = Field(description="Id of the main object the event is about.")
    correlation_id: str | None = Field(description="Request id of the request that caused it.")
    data: dict[str, Any] = Field(description="The payload, shaped by the type and version.")

    @classmethod
    def for_event(
        cls,
        payload: EventPayload,
        *,
        authority: str,
        actor: str | None = None,
        subject: str | None = None,
        correlation_id: str | None = None,
        event_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Self:
        """Wrap a payload in a new envelope, taking type and version from its class."""
        payload_class = type(payload)
        return cls(
            id=event_id if event_id is not None else uuid.uuid4(),
            type=payload_class.event_type,
            version=payload_class.event_version,
            occurred_at=occurred_at if occurred_at is not None else datetime.now(UTC),
            authority=authority,
            actor=actor,
            subject=subject,
            correlation_id=correlation_id,
            data=payload.model_dump(mode="json"),
        )
