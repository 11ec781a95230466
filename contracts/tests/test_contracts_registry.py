"""The registry: looking up payload models and validating whole messages."""

import json
from types import MappingProxyType
from typing import Any

import pytest

from contracts import (
    EVENTS,
    VERSIONS,
    ContractError,
    Envelope,
    EventPayload,
    parse_message,
    payload_model,
    validate_envelope,
)
from contracts.events.authority import AuthorityUpserted


def all_subclasses(base: type[EventPayload]) -> set[type[EventPayload]]:
    """Return every class that inherits from base, however indirectly."""
    found: set[type[EventPayload]] = set()
    for subclass in base.__subclasses__():
        found |= {subclass, *all_subclasses(subclass)}
    return found


def message(payload: EventPayload, **changes: Any) -> dict[str, Any]:
    """Return a published message, decoded, with some envelope fields replaced."""
    raw = Envelope.for_event(payload, authority="watford", actor="user-1").model_dump(mode="json")
    raw.update(changes)
    return raw


class TestLookup:
    def test_every_payload_class_is_registered(self) -> None:
        assert all_subclasses(EventPayload) == set(VERSIONS.values())

    def test_every_event_version_has_an_example(
        self, example_payloads: dict[type[EventPayload], EventPayload]
    ) -> None:
        assert set(example_payloads) == set(VERSIONS.values())

    def test_events_maps_each_type_to_its_newest_version(self) -> None:
        assert EVENTS["gateway.authority.upserted"] is AuthorityUpserted
        for event_type, model in EVENTS.items():
            newest = max(v for (t, v) in VERSIONS if t == event_type)
            assert (model.event_type, model.event_version) == (event_type, newest)

    def test_versions_are_keyed_by_type_and_version(self) -> None:
        for (event_type, version), model in VERSIONS.items():
            assert (model.event_type, model.event_version) == (event_type, version)

    def test_payload_model_finds_a_known_version(self) -> None:
        assert payload_model("gateway.authority.upserted", 1) is AuthorityUpserted

    def test_unknown_type_raises_contract_error(self) -> None:
        with pytest.raises(ContractError, match=r"unknown event type 'gateway\.authority\.eaten'"):
            payload_model("gateway.authority.eaten", 1)

    def test_unknown_version_names_the_known_ones(self) -> None:
        with pytest.raises(ContractError, match=r"unknown version 7 .*known: v1"):
            payload_model("gateway.authority.upserted", 7)

    def test_contract_error_is_a_value_error(self) -> None:
        assert issubclass(ContractError, ValueError)


class TestValidateEnvelope:
    def test_round_trip(self, example_payloads: dict[type[EventPayload], EventPayload]) -> None:
        for payload in example_payloads.values():
            envelope = Envelope.for_event(payload, authority="watford", correlation_id="r-9")
            raw = json.loads(envelope.model_dump_json())
            parsed_envelope, parsed_payload = validate_envelope(raw)
            assert parsed_envelope == envelope
            assert type(parsed_payload) is type(payload)
            assert parsed_payload == payload

    def test_accepts_any_mapping(self, watford: AuthorityUpserted) -> None:
        _, payload = validate_envelope(MappingProxyType(message(watford)))
        assert payload == watford

    def test_unknown_type_raises_contract_error(self, watford: AuthorityUpserted) -> None:
        with pytest.raises(ContractError, match=r"unknown event type 'cases\.case\.eaten'"):
            validate_envelope(message(watford, type="cases.case.eaten"))

    def test_unknown_version_raises_contract_error(self, watford: AuthorityUpserted) -> None:
        with pytest.raises(
            ContractError, match=r"unknown version 2 of gateway\.authority\.upserted"
        ):
            validate_envelope(message(watford, version=2))

    def test_invalid_envelope_says_which_field(self, watford: AuthorityUpserted) -> None:
        with pytest.raises(ContractError, match="invalid envelope: authority: ") as caught:
            validate_envelope(message(watford, authority="Watford Council"))
        assert [error["loc"] for error in caught.value.errors] == [["authority"]]

    def test_invalid_data_says_which_field(self, watford: AuthorityUpserted) -> None:
        raw = message(watford)
        raw["data"]["uploads"]["max_bytes"] = 0
        with pytest.raises(
            ContractError,
            match=r"invalid data for gateway\.authority\.upserted v1: data\.uploads\.max_bytes",
        ) as caught:
            validate_envelope(raw)
        assert caught.value.errors[0]["loc"] == ["data", "uploads", "max_bytes"]

    def test_errors_never_repeat_the_input(self, watford: AuthorityUpserted) -> None:
        # Messages carry personal data; errors end up in logs and dead-letter reports.
        raw = message(watford)
        raw["data"]["contact"]["email"] = "not an address but a secret"
        with pytest.raises(ContractError) as caught:
            validate_envelope(raw)
        assert "secret" not in str(caught.value)
        assert "secret" not in repr(caught.value.errors)

    def test_payload_fields_are_checked_strictly(self, watford: AuthorityUpserted) -> None:
        raw = message(watford)
        raw["data"]["tenant"] = "watford"
        with pytest.raises(ContractError, match=r"data\.tenant: Extra inputs are not permitted"):
            validate_envelope(raw)


class TestParseMessage:
    def test_round_trip_from_bytes(self, watford: AuthorityUpserted) -> None:
        envelope = Envelope.for_event(watford, authority="watford")
        parsed_envelope, payload = parse_message(envelope.model_dump_json().encode())
        assert (parsed_envelope, payload) == (envelope, watford)

    @pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
    def test_refuses_bodies_that_are_not_json(self, body: bytes) -> None:
        with pytest.raises(ContractError, match="not JSON"):
            parse_message(body)

    @pytest.mark.parametrize("body", ["[]", "42", '"gateway.authority.upserted"', "null"])
    def test_refuses_json_that_is_not_an_object(self, body: str) -> None:
        with pytest.raises(ContractError, match="not a JSON object"):
            parse_message(body)
