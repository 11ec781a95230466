"""Look up payload models by event type and version, and validate whole messages."""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.events import PAYLOADS
from contracts.fields import EVENT_TYPE_PATTERN
from contracts.payload import EventPayload


class ContractError(ValueError):
    """A message does not match any contract: unknown type or version, or invalid content."""

    def __init__(self, message: str, *, errors: Iterable[Mapping[str, Any]] = ()) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = [dict(error) for error in errors]


def _index(
    payloads: Iterable[type[EventPayload]],
) -> dict[tuple[str, int], type[EventPayload]]:
    """Key every payload model by (type, version), refusing malformed or repeated keys."""
    models: dict[tuple[str, int], type[EventPayload]] = {}
    for model in payloads:
        key = (model.event_type, model.event_version)
        if not re.fullmatch(EVENT_TYPE_PATTERN, model.event_type):
            raise TypeError(f"{model.__name__}.event_type {model.event_type!r} is not valid")
        if model.event_version < 1:
            raise TypeError(f"{model.__name__}.event_version must be 1 or more")
        if key in models:
            raise TypeError(f"{key[0]} v{key[1]} is defined twice")
        models[key] = model
    return dict(sorted(models.items()))


VERSIONS: dict[tuple[str, int], type[EventPayload]] = _index(PAYLOADS)
"""Every payload model by (event type, version), sorted."""

EVENTS: dict[str, type[EventPayload]] = {
    event_type: model for (event_type, _), model in VERSIONS.items()
}
"""The newest payload model of each event type (what producers publish), sorted by type."""


def payload_model(event_type: str, version: int) -> type[EventPayload]:
    """Return the payload model for a type and version, or raise ContractError."""
    model = VERSIONS.get((event_type, version))
    if model is not None:
        return model
    if event_type not in EVENTS:
        raise ContractError(f"unknown event type {event_type!r}")
    known = ", ".join(f"v{v}" for (t, v) in VERSIONS if t == event_type)
    raise ContractError(f"unknown version {version} of {event_type} (known: {known})")


def _brief_errors(error: ValidationError) -> list[dict[str, Any]]:
    """Return pydantic's errors without the offending input, which may be personal data."""
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _summary(errors: list[dict[str, Any]]) -> str:
    """Render errors on one line as `loc: msg; loc: msg`."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or '(root)'}: {e['msg']}" for e in errors
    )


def validate_envelope(raw: Mapping[str, Any]) -> tuple[Envelope, EventPayload]:
    """Validate a decoded message against the envelope and its payload's contract."""
    try:
        envelope = Envelope.model_validate(raw)
    except ValidationError as error:
        errors = _brief_errors(error)
        raise ContractError(f"invalid envelope: {_summary(errors)}", errors=errors) from None
    model = payload_model(envelope.type, envelope.version)
    try:
        payload = model.model_validate(envelope.data)
    except ValidationError as error:
        errors = [{**e, "loc": ["data", *e["loc"]]} for e in _brief_errors(error)]
        raise ContractError(
            f"invalid data for {envelope.type} v{envelope.version}: {_summary(errors)}",
            errors=errors,
        ) from None
    return envelope, payload


def parse_message(body: bytes | str) -> tuple[Envelope, EventPayload]:
    """Decode a JSON message body and validate it like validate_envelope."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ContractError(f"message body is not JSON: {error}") from None
    if not isinstance(raw, dict):
        raise ContractError("message body is not a JSON object")
    return validate_envelope(raw)
