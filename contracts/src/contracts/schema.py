"""JSON Schema of whole messages: the envelope with `data` replaced by one payload's schema."""

import copy
from typing import Any

from contracts.envelope import Envelope
from contracts.payload import EventPayload

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DEFS = "$defs"


def message_schema(model: type[EventPayload]) -> dict[str, Any]:
    """Return the JSON Schema (2020-12) that one message of this payload model must match."""
    schema = Envelope.model_json_schema()
    payload_schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop(_DEFS, {})
    for name, definition in payload_schema.pop(_DEFS, {}).items():
        if name in definitions and definitions[name] != definition:
            raise ValueError(f"{model.__name__}: definition {name!r} clashes with the envelope")
        definitions[name] = definition
    properties = schema["properties"]
    properties["type"] = {**properties["type"], "const": model.event_type}
    properties["version"] = {**properties["version"], "const": model.event_version}
    properties["data"] = {**payload_schema, "description": properties["data"]["description"]}
    schema["title"] = f"{model.event_type} v{model.event_version}"
    schema["description"] = payload_schema.get("description", "")
    if definitions:
        schema[_DEFS] = definitions
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def inline_references(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a schema with every local `$defs` reference replaced by its target."""
    definitions: dict[str, Any] = schema.get(_DEFS, {})

    def resolve(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, trail) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(f"#/{_DEFS}/"):
            name = reference.removeprefix(f"#/{_DEFS}/")
            # A recursive model cannot be inlined; fail loudly rather than loop.
            if name in trail:
                raise ValueError(f"recursive definition {name!r} cannot be inlined")
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            target = resolve(copy.deepcopy(definitions[name]), (*trail, name))
            return {**target, **resolve(siblings, trail)}
        return {key: resolve(value, trail) for key, value in node.items() if key != _DEFS}

    inlined: dict[str, Any] = resolve(schema, ())
    return inlined
