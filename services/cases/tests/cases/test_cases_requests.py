"""Creates are idempotent, racing updates need If-Match, and bad input is a 4xx."""

import asyncio
import uuid

from tests.support.cases import REFERRAL, CasesApi, CasesStore


class TestIdempotencyKey:
    async def test_a_retried_create_gives_the_first_case(
        self, api: CasesApi, cases_store: CasesStore
    ) -> None:
        applicant = await api.person("applicant")
        key = {"Idempotency-Key": uuid.uuid4().hex}
        body = {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        first, second = await asyncio.gather(
            api.call("POST", applicant, "/cases", json=body, headers=key),
            api.call("POST", applicant, "/cases", json=body, headers=key),
        )
        assert {first.status_code, second.status_code} <= {201, 409}, (first.text, second.text)
        again = await api.call("POST", applicant, "/cases", json=body, headers=key)
        assert again.status_code == 201, again.text
        made = [r.json()["id"] for r in (first, second, again) if r.status_code == 201]
        assert len(set(made)) == 1
        listed = await api.call("GET", applicant, "/cases")
        assert [item["id"] for item in listed.json()["items"]] == made[:1]
        submitted = [
            e for e in await cases_store.events(made[0]) if e["type"] == "cases.case.submitted"
        ]
        assert len(submitted) == 1

    async def test_the_same_key_for_another_body_is_refused(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        key = {"Idempotency-Key": uuid.uuid4().hex}
        body = {"kind": "homelessness", "answers": REFERRAL}
        made = await api.call("POST", applicant, "/cases", json=body, headers=key)
        assert made.status_code == 201, made.text
        other = await api.call(
            "POST", applicant, "/cases", json={**body, "submit": True}, headers=key
        )
        assert other.status_code == 422, other.text
        assert other.json()["error"]["code"] == "idempotency_key_reused"


class TestIfMatch:
    async def test_an_update_without_it_is_428_and_with_an_old_one_412(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        officer = await api.person("officer")
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        bare = await api.call(
            "POST", officer, f"/cases/{case['id']}/actions", json={"action": "accept"}
        )
        assert bare.status_code == 428, bare.text
        assert bare.json()["error"]["code"] == "precondition_required"
        accepted = await api.act(officer, case, "accept")
        stale = await api.change(
            "PUT", officer, case, "/owner", {"owner_id": officer.user_id}, status=412
        )
        assert stale["error"]["code"] == "precondition_failed"
        read = await api.call("GET", officer, f"/cases/{case['id']}")
        assert read.headers["etag"] == f'"{accepted["version"]}"'

    async def test_two_officers_racing_one_wins(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        first, second = await api.person("officer"), await api.person("officer")
        case = await api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        headers = {"If-Match": f'"{case["version"]}"'}
        answers = await asyncio.gather(
            *(
                api.call(
                    "PUT",
                    officer,
                    f"/cases/{case['id']}/owner",
                    json={"owner_id": officer.user_id},
                    headers=headers,
                )
                for officer in (first, second)
            )
        )
        assert sorted(r.status_code for r in answers) in ([200, 409], [200, 412]), [
            r.text for r in answers
        ]
        history = await api.call("GET", applicant, f"/cases/{case['id']}/history")
        assert [e["action"] for e in history.json()["items"]].count("assign") == 1


class TestBadInput:
    async def test_unknown_fields_long_text_and_bad_values_are_422(self, api: CasesApi) -> None:
        applicant = await api.person("applicant")
        bodies = [
            {"kind": "homelessness", "answers": REFERRAL, "extra": 1},
            {"kind": "homelessness", "answers": {**REFERRAL, "reason_for_approach": "x" * 2001}},
            {"kind": "homelessness", "answers": {**REFERRAL, "homeless_before": "yes"}},
            {"kind": "spaceship", "answers": {}},
            {"kind": "homelessness", "answers": {}, "household": [{"name": "A"}]},
            {"kind": "homelessness", "answers": {}, "contact": {"email": "not-an-address"}},
            {"kind": "homelessness", "answers": {}, "contact": {"fax": "0123"}},
        ]
        for body in bodies:
            response = await api.call("POST", applicant, "/cases", json=body)
            assert response.status_code == 422, (body, response.text)
            assert set(response.json()) == {"error"}

    async def test_a_malformed_case_id_or_cursor_is_4xx(self, api: CasesApi) -> None:
        officer = await api.person("officer")
        for path in ("/cases/not-a-case", "/cases/" + "f" * 32):
            response = await api.call("GET", officer, path)
            assert response.status_code == 404, response.text
        bad_cursor = await api.call("GET", officer, "/caseload", params={"cursor": "!!!"})
        assert bad_cursor.status_code == 400, bad_cursor.text
        assert bad_cursor.json()["error"]["code"] == "invalid_cursor"
