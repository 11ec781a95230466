"""Authority administrators follow email deliveries through the gateway."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contracts.envelope import Envelope
from contracts.events.identity import PasswordChanged, SignInCodeIssued
from kit.mongo import Document

MintToken = Callable[..., Awaitable[str]]
Publish = Callable[..., Awaitable[Envelope]]
DeliveryOf = Callable[..., Awaitable[Document]]

LIST = "/watford/api/notifications/deliveries"
SUMMARY_FIELDS = {"id", "template", "to", "user_id", "status", "attempts", "created_at"}


def code_issued(to: str, code: str) -> SignInCodeIssued:
    """A sign-in code event for an address."""
    return SignInCodeIssued(
        user_id="user-api",
        email=to,
        first_name="Rhys",
        code=code,
        purpose="sign_in",
        expires_at=datetime.now(UTC) + timedelta(minutes=10),
    )


@pytest.fixture
async def admin(mint_token: MintToken) -> dict[str, str]:
    """Headers of Watford's authority administrator."""
    token = await mint_token(authority="watford", roles=("authority_admin",))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def sent_three(recipient: str, publish: Publish, delivery_of: DeliveryOf) -> list[Document]:
    """Three emails sent to the test's address, oldest first."""
    records = []
    for code in ("100001", "100002", "100003"):
        envelope = await publish(code_issued(recipient, code))
        records.append(await delivery_of(envelope, status="sent"))
    return records


class TestListingDeliveries:
    """The list is the authority's own, filterable, paged and without any content."""

    async def test_pages_through_a_recipients_emails_newest_first(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        recipient: str,
        sent_three: list[Document],
    ) -> None:
        seen: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(5):
            params: dict[str, Any] = {"to": recipient.upper(), "limit": 2}
            if cursor:
                params["cursor"] = cursor
            response = await gateway.get(LIST, headers=admin, params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [item["id"] for item in seen] == [record["_id"] for record in reversed(sent_three)]
        for item in seen:
            assert set(item) >= SUMMARY_FIELDS
            assert item["status"] == "sent"
            assert item["to"] == recipient
            assert item["template"] == "sign_in_code"
            assert "content" not in item
            assert not any(code in str(item) for code in ("100001", "100002", "100003"))

    async def test_filters_by_status(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        recipient: str,
        sent_three: list[Document],
    ) -> None:
        sent = await gateway.get(LIST, headers=admin, params={"to": recipient, "status": "sent"})
        assert len(sent.json()["items"]) == 3
        failed = await gateway.get(
            LIST, headers=admin, params={"to": recipient, "status": "failed"}
        )
        assert failed.json() == {"items": [], "next_cursor": None}
        wrong = await gateway.get(LIST, headers=admin, params={"status": "lost"})
        assert wrong.status_code == 422
        assert wrong.json()["error"]["code"] == "validation_failed"

    async def test_refuses_a_cursor_it_did_not_make(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await gateway.get(LIST, headers=admin, params={"cursor": "not-a-cursor"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_cursor"


class TestOneDelivery:
    """A delivery's detail shows its progress, never its content."""

    async def test_detail_of_a_sent_email(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        recipient: str,
        publish: Publish,
        delivery_of: DeliveryOf,
    ) -> None:
        envelope = await publish(code_issued(recipient, "246810"))
        record = await delivery_of(envelope, status="sent")
        response = await gateway.get(f"{LIST}/{record['_id']}", headers=admin)
        assert response.status_code == 200, response.text
        detail = response.json()
        assert detail["id"] == record["_id"]
        assert detail["event_id"] == str(envelope.id)
        assert detail["event_type"] == "identity.signin.code_issued"
        assert detail["subject"] == "Watford Borough Council: your sign-in code"
        assert detail["status"] == "sent"
        assert detail["attempts"] == 1
        assert detail["message_id"] == record["message_id"]
        assert detail["last_error"] is None
        assert detail["next_attempt_at"] is None
        assert detail["sent_at"] is not None
        assert "246810" not in response.text

    async def test_another_authoritys_delivery_is_not_found(
        self,
        gateway: httpx.AsyncClient,
        admin: dict[str, str],
        recipient: str,
        publish: Publish,
        delivery_of: DeliveryOf,
    ) -> None:
        payload = PasswordChanged(
            user_id="user-k",
            email=recipient,
            first_name="Kit",
            changed_at=datetime.now(UTC),
            by_reset=False,
        )
        envelope = await publish(payload, authority="kingston")
        record = await delivery_of(envelope, status="sent")
        assert record["authority"] == "kingston"
        response = await gateway.get(f"{LIST}/{record['_id']}", headers=admin)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "delivery_not_found"
        listed = await gateway.get(LIST, headers=admin, params={"to": recipient})
        assert listed.json()["items"] == []

    async def test_unknown_id_is_not_found(
        self, gateway: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await gateway.get(f"{LIST}/no-such-delivery", headers=admin)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "delivery_not_found"


class TestWhoMayLook:
    """Only the authority's administrators see deliveries."""

    async def test_without_a_token(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get(LIST)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    @pytest.mark.parametrize("role", ["applicant", "officer", "manager", "landlord_admin"])
    async def test_other_roles_are_refused(
        self, gateway: httpx.AsyncClient, mint_token: MintToken, role: str
    ) -> None:
        token = await mint_token(authority="watford", roles=(role,))
        response = await gateway.get(LIST, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"

    async def test_another_authoritys_administrator_is_refused(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        token = await mint_token(authority="kingston", roles=("authority_admin",))
        response = await gateway.get(LIST, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "wrong_authority"
