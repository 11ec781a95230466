"""An authority's rule for replies to messages: set in the registry, applied by cases."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from tests.support.cases import REFERRAL, CasesApi
from tests.support.polling import eventually
from tests.support.tasks_and_messages import send_message

from kit.mongo import Document, Mongo

ADMIN_API = "/watford/api/gateway/authorities"
MintToken = Callable[..., Awaitable[str]]
RegisterAuthority = Callable[..., Awaitable[str]]
WaitForCopies = Callable[..., Awaitable[dict[str, Document]]]


async def platform_admin(mint_token: MintToken) -> dict[str, str]:
    """The headers of a platform administrator's requests."""
    token = await mint_token(authority="watford", roles=("platform_admin",))
    return {"Authorization": f"Bearer {token}"}


class TestReplyRule:
    async def test_once_refuses_a_second_reply_until_the_authority_allows_any(
        self,
        gateway: httpx.AsyncClient,
        mint_token: MintToken,
        register_authority: RegisterAuthority,
        copies_reached: WaitForCopies,
        gateway_mongo: Mongo,
    ) -> None:
        slug = await register_authority(
            "Replyford District Council", messaging={"reply_rule": "once"}
        )
        copies = await copies_reached(gateway_mongo, slug)
        assert {copy["messaging"]["reply_rule"] for copy in copies.values()} == {"once"}
        api = CasesApi(gateway, mint_token)
        applicant = await api.person("applicant", authority=slug)
        officer = await api.person("officer", authority=slug)

        async def served() -> Any:
            answer = await api.call("GET", officer, "/kinds")
            return answer if answer.status_code == 200 else None

        await eventually(served, within=20.0, what=f"cases serving {slug}")
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        message = await send_message(api, officer, case)
        replies = f"/cases/{case['id']}/messages/{message['id']}/replies"
        first = await api.call("POST", applicant, replies, json={"body": "One"})
        assert first.status_code == 201, first.text
        second = await api.call("POST", applicant, replies, json={"body": "Two"})
        assert second.status_code == 409, second.text
        assert second.json()["error"]["code"] == "already_replied"

        admin = await platform_admin(mint_token)
        read = await gateway.get(f"{ADMIN_API}/{slug}", headers=admin)
        assert read.json()["messaging"] == {"reply_rule": "once"}
        changed = await gateway.patch(
            f"{ADMIN_API}/{slug}",
            json={"messaging": {"reply_rule": "free"}},
            headers={**admin, "If-Match": read.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
        await copies_reached(gateway_mongo, slug, revision=2)

        async def taken() -> Any:
            answer = await api.call("POST", applicant, replies, json={"body": "Three"})
            return answer if answer.status_code == 201 else None

        third = await eventually(taken, within=20.0, what="a reply once any are taken")
        assert [reply["body"] for reply in third.json()["thread"]] == ["One", "Three"]

    async def test_an_unknown_rule_is_refused(
        self,
        gateway: httpx.AsyncClient,
        mint_token: MintToken,
        register_authority: RegisterAuthority,
    ) -> None:
        slug = await register_authority("Ruleford District Council")
        admin = await platform_admin(mint_token)
        read = await gateway.get(f"{ADMIN_API}/{slug}", headers=admin)
        assert read.json()["messaging"] == {"reply_rule": "free"}
        refused = await gateway.patch(
            f"{ADMIN_API}/{slug}",
            json={"messaging": {"reply_rule": "twice"}},
            headers={**admin, "If-Match": read.headers["etag"]},
        )
        assert refused.status_code == 422, refused.text
