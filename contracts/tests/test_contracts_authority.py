"""The authority payloads: what the gateway may publish about an authority."""

from typing import Any

import pytest
from pydantic import ValidationError

from contracts.events.authority import AuthorityUpserted, Contact


def changed(payload: AuthorityUpserted, path: str, value: Any) -> dict[str, Any]:
    """Return the payload as JSON data with the value at a dotted path replaced."""
    data: dict[str, Any] = payload.model_dump(mode="json")
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    return data


class TestAuthorityUpserted:
    def test_type_and_version(self) -> None:
        assert AuthorityUpserted.event_type == "gateway.authority.upserted"
        assert AuthorityUpserted.event_version == 1

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            ("slug", "Watford"),
            ("name", ""),
            ("kind", "landlord"),
            ("status", "paused"),
            ("modules", ["homelessness", "homelessness"]),
            ("modules", ["lettings"]),
            ("uploads.max_bytes", 0),
            ("uploads.allowed_extensions", ["pdf"]),
            ("uploads.allowed_extensions", [".PDF"]),
            ("uploads.allowed_extensions", [".pdf", ".pdf"]),
            ("branding.colour", "green"),
            ("branding.colour", "#00703"),
            ("contact.email", "housing.watford.gov.uk"),
            ("hosts", ["Watford.Example"]),
            ("hosts", ["watford.example:8000"]),
            ("hosts", ["-watford.example"]),
            ("hosts", ["a.example", "a.example"]),
            ("revision", 0),
            ("staff_two_factor_required", "sometimes"),
        ],
    )
    def test_refuses_invalid_values(
        self, watford: AuthorityUpserted, path: str, value: Any
    ) -> None:
        with pytest.raises(ValidationError, match=path.split(".")[-1]):
            AuthorityUpserted.model_validate(changed(watford, path, value))

    def test_refuses_unknown_fields(self, watford: AuthorityUpserted) -> None:
        with pytest.raises(ValidationError, match="routing"):
            AuthorityUpserted.model_validate(changed(watford, "routing", {}))

    def test_contact_details_are_optional(self, watford: AuthorityUpserted) -> None:
        payload = AuthorityUpserted.model_validate(changed(watford, "contact", {}))
        assert payload.contact == Contact(email=None, phone=None, website=None)

    def test_a_disabled_authority_with_no_modules_or_hosts_is_valid(
        self, watford: AuthorityUpserted
    ) -> None:
        data = changed(watford, "status", "disabled")
        data.update(modules=[], hosts=[])
        payload = AuthorityUpserted.model_validate(data)
        assert (payload.status, payload.modules, payload.hosts) == ("disabled", [], [])

    def test_keeps_the_order_of_modules(self, watford: AuthorityUpserted) -> None:
        order = ["complaints", "homelessness"]
        assert AuthorityUpserted.model_validate(changed(watford, "modules", order)).modules == order
