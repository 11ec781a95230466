"""The envelope: construction, validation and UTC handling."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from contracts import Envelope
from contracts.events.authority import AuthorityUpserted


def envelope_fields(**changes: Any) -> dict[str, Any]:
    """Return valid envelope fields with some replaced."""
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": "gateway.authority.upserted",
        "version": 1,
        "occurred_at": "2025-03-01T09:30:00Z",
        "authority": "watford",
        "actor": None,
        "subject": None,
        "correlation_id": None,
        "data": {},
    }
    fields.update(changes)
    return fields


class TestForEvent:
    def test_takes_type_and_version_from_the_payload_class(
        self, watford: AuthorityUpserted
    ) -> None:
        before = datetime.now(UTC)
        envelope = Envelope.for_event(
            watford, authority="watford", actor="user-1", subject="watford", correlation_id="r-1"
        )
        assert envelope.type == "gateway.authority.upserted"
        assert envelope.version == 1
        assert envelope.authority == "watford"
        assert (envelope.actor, envelope.subject, envelope.correlation_id) == (
            "user-1",
            "watford",
            "r-1",
        )
        assert envelope.data == watford.model_dump(mode="json")
        assert envelope.id.version == 4
        assert envelope.occurred_at.tzinfo is UTC
        assert before <= envelope.occurred_at <= datetime.now(UTC)

    def test_optional_metadata_defaults_to_none(self, watford: AuthorityUpserted) -> None:
        envelope = Envelope.for_event(watford, authority="watford")
        assert (envelope.actor, envelope.subject, envelope.correlation_id) == (None, None, None)

    def test_keeps_a_given_id_and_moment(self, watford: AuthorityUpserted) -> None:
        event_id = uuid.uuid4()
        moment = datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
        envelope = Envelope.for_event(
            watford, authority="watford", event_id=event_id, occurred_at=moment
        )
        assert envelope.id == event_id
        assert envelope.occurred_at == moment
        assert envelope.occurred_at.hour == 11

    def test_fresh_events_get_fresh_ids(self, watford: AuthorityUpserted) -> None:
        first = Envelope.for_event(watford, authority="watford")
        second = Envelope.for_event(watford, authority="watford")
        assert first.id != second.id

    def test_refuses_a_naive_moment(self, watford: AuthorityUpserted) -> None:
        with pytest.raises(ValidationError, match="timezone"):
            Envelope.for_event(
                watford,
                authority="watford",
                occurred_at=datetime(2025, 6, 1, 12, 0),
            )


class TestOccurredAt:
    @pytest.mark.parametrize(
        "naive",
        ["2025-03-01T09:30:00", datetime(2025, 3, 1, 9, 30)],
    )
    def test_refuses_naive_datetimes(self, naive: object) -> None:
        with pytest.raises(ValidationError, match="occurred_at"):
            Envelope.model_validate(envelope_fields(occurred_at=naive))

    def test_normalises_other_offsets_to_utc(self) -> None:
        envelope = Envelope.model_validate(envelope_fields(occurred_at="2025-07-01T10:30:00+01:00"))
        assert envelope.occurred_at == datetime(2025, 7, 1, 9, 30, tzinfo=UTC)
        assert envelope.occurred_at.tzinfo is UTC
        assert envelope.model_dump(mode="json")["occurred_at"] == "2025-07-01T09:30:00Z"


class TestType:
    @pytest.mark.parametrize(
        "event_type",
        [
            "authority.upserted",
            "gateway.authority.upserted.now",
            "Gateway.authority.upserted",
            "gateway.authority-registry.upserted",
            "gate_way.authority.upserted",
            "gateway..upserted",
            "gateway.authority.upserted ",
            "",
        ],
    )
    def test_refuses_types_not_service_entity_verb(self, event_type: str) -> None:
        with pytest.raises(ValidationError, match="type"):
            Envelope.model_validate(envelope_fields(type=event_type))

    def test_accepts_underscores_in_entity_and_verb(self) -> None:
        envelope = Envelope.model_validate(envelope_fields(type="cases.plan_action.marked_done"))
        assert envelope.type == "cases.plan_action.marked_done"

    @pytest.mark.parametrize("version", [0, -1])
    def test_refuses_versions_below_one(self, version: int) -> None:
        with pytest.raises(ValidationError, match="version"):
            Envelope.model_validate(envelope_fields(version=version))


class TestAuthority:
    @pytest.mark.parametrize(
        "slug",
        ["Watford", "-watford", "watford-", "wat--ford", "wat_ford", "wat ford", "", "a" * 64],
    )
    def test_refuses_bad_slugs(self, slug: str) -> None:
        with pytest.raises(ValidationError, match="authority"):
            Envelope.model_validate(envelope_fields(authority=slug))

    @pytest.mark.parametrize("slug", ["watford", "housing-ombudsman", "kingston2", "a" * 63])
    def test_accepts_good_slugs(self, slug: str) -> None:
        assert Envelope.model_validate(envelope_fields(authority=slug)).authority == slug


class TestShape:
    def test_refuses_unknown_fields(self) -> None:
        with pytest.raises(ValidationError, match="extra"):
            Envelope.model_validate(envelope_fields(tenant="watford"))

    @pytest.mark.parametrize(
        "field", ["id", "type", "version", "occurred_at", "authority", "actor", "data"]
    )
    def test_every_field_must_be_present(self, field: str) -> None:
        fields = envelope_fields()
        del fields[field]
        with pytest.raises(ValidationError, match=field):
            Envelope.model_validate(fields)

    def test_is_frozen(self, watford: AuthorityUpserted) -> None:
        envelope = Envelope.for_event(watford, authority="watford")
        with pytest.raises(ValidationError, match="frozen"):
            envelope.authority = "kingston"  # type: ignore[misc]

    def test_survives_a_json_round_trip(self, watford: AuthorityUpserted) -> None:
        envelope = Envelope.for_event(watford, authority="watford", correlation_id="r-1")
        assert Envelope.model_validate_json(envelope.model_dump_json()) == envelope
