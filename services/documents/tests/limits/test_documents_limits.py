"""An authority's upload limits apply as soon as the registry changes them, without a restart,
and the gateway lets through what the documents service accepts."""

import httpx
from tests.support.cases import REFERRAL, CasesApi
from tests.support.documents import (
    ADMIN_API,
    DocumentsApi,
    DocumentsStore,
    NewAuthority,
    item,
    pdf,
    png,
)
from tests.support.polling import eventually, status_reached


class TestLimitsFromTheRegistry:
    async def test_a_changed_limit_applies_without_a_restart(
        self,
        gateway: httpx.AsyncClient,
        platform_admin: dict[str, str],
        new_authority: NewAuthority,
        cases_api: CasesApi,
        documents_api: DocumentsApi,
        documents_store: DocumentsStore,
    ) -> None:
        slug = await new_authority(uploads={"max_bytes": 100_000, "allowed_extensions": [".pdf"]})
        await status_reached(gateway, f"/{slug}/api/cases/healthz", 200)
        applicant = await cases_api.person("applicant", authority=slug)

        async def limits() -> dict[str, object] | None:
            response = await documents_api.call("GET", applicant, "/limits")
            return response.json() if response.status_code == 200 else None

        first = await eventually(limits, within=20, what="the documents service's limits")
        assert first["max_bytes"] == 100_000
        assert first["allowed_extensions"] == [".pdf"]

        async def case_made() -> dict[str, object] | None:
            response = await cases_api.call(
                "POST",
                applicant,
                "/cases",
                json={"kind": "homelessness", "answers": REFERRAL, "submit": True},
            )
            return response.json() if response.status_code == 201 else None

        case = await eventually(case_made, within=20, what="a case at the new authority")
        # Within the gateway's allowance for the form, over the authority's file limit.
        refused = await documents_api.send(
            applicant, str(case["id"]), [("a.pdf", pdf(600_000), item())]
        )
        assert refused.status_code == 413, refused.text
        assert refused.json()["error"]["code"] == "upload_too_large"
        photo = await documents_api.send(applicant, str(case["id"]), [("a.png", png(), item())])
        assert photo.status_code == 415, photo.text

        url = f"{ADMIN_API}/{slug}"
        read = await gateway.get(url, headers=platform_admin)
        changed = await gateway.patch(
            url,
            json={"uploads": {"max_bytes": 3_000_000, "allowed_extensions": [".pdf", ".png"]}},
            headers={**platform_admin, "If-Match": read.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text

        async def raised() -> bool:
            # Every worker answers with the new limit, several times over.
            for _ in range(6):
                found = await limits()
                if found is None or found["max_bytes"] != 3_000_000:
                    return False
            return True

        await eventually(raised, within=20, what="the new limit in every worker")
        [kept] = await documents_api.upload(
            applicant, str(case["id"]), [("a.pdf", pdf(600_000), item())]
        )
        assert kept["size"] == 600_000
        [photo_kept] = await documents_api.upload(
            applicant, str(case["id"]), [("a.png", png(), item())]
        )
        assert photo_kept["content_type"] == "image/png"
        # What the documents service accepts in one upload, the gateway lets through.
        whole = await documents_api.send(
            applicant, str(case["id"]), [("b.pdf", pdf(3_000_000), item())]
        )
        assert whole.status_code == 201, whole.text
        assert len(await documents_store.records(str(case["id"]))) == 3
