"""Housing Portal event contracts: the envelope, every event payload and their registry."""

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import (
    EVENTS,
    VERSIONS,
    ContractError,
    parse_message,
    payload_model,
    validate_envelope,
)

__all__ = [
    "EVENTS",
    "VERSIONS",
    "ContractError",
    "Envelope",
    "EventPayload",
    "parse_message",
    "payload_model",
    "validate_envelope",
]
