"""Every event payload, one module per publishing area."""

from contracts.events.authority import AuthorityUpserted
from contracts.payload import EventPayload

# Adding an event: define its payload class in a module here and list it below.
PAYLOADS: tuple[type[EventPayload], ...] = (AuthorityUpserted,)

__all__ = ["PAYLOADS", "AuthorityUpserted"]
