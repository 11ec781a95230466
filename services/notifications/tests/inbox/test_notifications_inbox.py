"""People hear of what happens on their cases: notices in the portal, emails where allowed."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tests.support.cases import REFERRAL, Caller, CasesApi
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.cases import (
    CaseAccepted,
    CircumstancesSubmitted,
    CircumstancesVerified,
    DraftRemoved,
)
from kit.mongo import Document, Mongo
from notifications.emails.models import DELIVERIES
from notifications.inbox.models import NOTIFICATIONS
from notifications.inbox.notice import KIND_AUDIENCES, NOTICE_KINDS, Notice
from notifications.inbox.repository import Told, notice_id
from portalstack.endpoints import Stack

Publish = Callable[..., Awaitable[Envelope]]
ReadMail = Callable[..., Awaitable[list[dict[str, Any]]]]
Json = dict[str, Any]

API = "/watford/api/notifications"
WATFORD = "Watford Borough Council"


def address() -> str:
    """An address no other test sends to."""
    return f"applicant-{uuid.uuid4().hex[:12]}@example.org"


async def notices(gateway: httpx.AsyncClient, caller: Caller, **params: Any) -> Json:
    """A page of the caller's notifications."""
    response = await gateway.get(f"{API}/notifications", headers=caller.headers, params=params)
    assert response.status_code == 200, response.text
    page: Json = response.json()
    return page


async def notices_arrived(gateway: httpx.AsyncClient, caller: Caller, count: int) -> list[Json]:
    """The caller's notifications once there are `count` of them."""

    async def arrived() -> list[Json] | None:
        items: list[Json] = (await notices(gateway, caller))["items"]
        return items if len(items) >= count else None

    found: list[Json] = await eventually(arrived, within=20, what=f"{count} notification(s)")
    return found


async def unread(gateway: httpx.AsyncClient, caller: Caller) -> int:
    """The caller's unread count."""
    response = await gateway.get(f"{API}/notifications/unread", headers=caller.headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["unread"]
    return count


def accepted(applicant: Caller, *, email: str | None, language: str = "en") -> CaseAccepted:
    """A referral accepted for the applicant, as the cases service publishes it."""
    return CaseAccepted.model_validate(
        {
            "case_id": uuid.uuid4().hex,
            "reference": "4242",
            "kind": "homelessness",
            "status": "approach",
            "applicant_id": applicant.user_id,
            "email": email,
            "language": language,
        }
    )


async def stored_notice(service_mongo: Mongo, envelope: Envelope) -> Document:
    """The running service's notice for an event, once recorded."""

    async def found() -> Document | None:
        return await service_mongo.db[NOTIFICATIONS].find_one({"event_id": str(envelope.id)})

    notice: Document = await eventually(found, within=20, what=f"notice of {envelope.type}")
    return notice


def assigned(user_id: str, **changes: Any) -> Notice:
    """A notice to an officer that a case is theirs, told in English."""
    english = "Case 1 has been assigned to you"
    told: dict[str, Any] = {
        "kind": "case_assigned",
        "user_id": user_id,
        "audience": "staff",
        "language": "en",
        "activity": english,
        "activities": {"en": english, "cy": "Mae achos 1 wedi'i neilltuo i chi"},
        "link": "/watford/caseload/1",
        "case_id": "1",
    }
    return Notice(**(told | changes))


class TestTheApplicantHearsOfTheirCase:
    """A real case's events reach its applicant in their language, in the portal and by email."""

    async def test_welsh_referral_accepted(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, read_mail: ReadMail
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        to = address()
        case = await cases_api.create(
            applicant,
            {
                "kind": "homelessness",
                "answers": REFERRAL,
                "submit": True,
                "contact": {"email": to, "email_ok_to_email": True},
                "language": "cy",
            },
        )
        await cases_api.act(officer, case, "accept")

        accepted_notice, received = await notices_arrived(gateway, applicant, 2)
        reference = case["reference"]
        assert accepted_notice["kind"] == "application_accepted"
        assert accepted_notice["activity"] == (
            f"Mae eich atgyfeiriad digartrefedd {reference} wedi'i derbyn"
        )
        assert received["kind"] == "application_received"
        # Read on an English page, it is in English.
        in_english, _ = (await notices(gateway, applicant, language="en"))["items"]
        assert in_english == accepted_notice | {
            "activity": f"Your homelessness referral {reference} has been accepted",
            "language": "en",
        }
        for notice in (accepted_notice, received):
            assert notice["language"] == "cy"
            assert notice["link"] == f"/watford/applications/{case['id']}"
            assert notice["case_id"] == case["id"]
            assert notice["seen_at"] is None

        messages = await read_mail(to, count=2)
        subjects = {message["subject"] for message in messages}
        assert f"{WATFORD}: mae eich atgyfeiriad digartrefedd {reference} wedi'i derbyn" in subjects
        for message in messages:
            for body in (message["text"], message["html"]):
                assert f"/watford/applications/{case['id']}" in body
                assert WATFORD in body
                # The email says there is news, never what the case holds.
                assert REFERRAL["reason_for_approach"] not in body
                assert REFERRAL["steps_taken"] not in body

    async def test_no_email_where_the_applicant_said_not_to(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        service_mongo: Mongo,
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        case = await cases_api.create(
            applicant,
            {
                "kind": "homelessness",
                "answers": REFERRAL,
                "submit": True,
                "contact": {"email": address(), "email_ok_to_email": False},
            },
        )
        await cases_api.act(officer, case, "accept")
        [accepted_notice, _] = await notices_arrived(gateway, applicant, 2)
        assert accepted_notice["activity"] == (
            f"Your homelessness referral {case['reference']} has been accepted"
        )
        # The notice and the decision about its email commit together.
        emails = await service_mongo.db[DELIVERIES].count_documents({"case_id": case["id"]})
        assert emails == 0


class TestSeen:
    """Unread count, one notice seen, then all."""

    async def test_mark_one_then_all(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        for _ in range(3):
            await publish(accepted(applicant, email=None))
        first, *_ = await notices_arrived(gateway, applicant, 3)
        assert await unread(gateway, applicant) == 3

        response = await gateway.post(
            f"{API}/notifications/{first['id']}/seen", headers=applicant.headers
        )
        assert response.status_code == 200, response.text
        seen_at = response.json()["seen_at"]
        assert seen_at is not None
        assert await unread(gateway, applicant) == 2
        # Opening it again keeps the first time it was seen.
        again = await gateway.post(
            f"{API}/notifications/{first['id']}/seen", headers=applicant.headers
        )
        assert again.json()["seen_at"] == seen_at

        response = await gateway.post(f"{API}/notifications/seen", headers=applicant.headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"marked": 2}
        assert await unread(gateway, applicant) == 0
        items = (await notices(gateway, applicant))["items"]
        assert all(item["seen_at"] is not None for item in items)

    async def test_pages_newest_first(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        for _ in range(3):
            await publish(accepted(applicant, email=None))
        everything = await notices_arrived(gateway, applicant, 3)
        first = await notices(gateway, applicant, limit=2)
        assert first["next_cursor"] is not None
        second = await notices(gateway, applicant, limit=2, cursor=first["next_cursor"])
        assert second["next_cursor"] is None
        assert [n["id"] for n in first["items"] + second["items"]] == [n["id"] for n in everything]
        created = [n["created_at"] for n in everything]
        assert created == sorted(created, reverse=True)

    async def test_a_bad_cursor_is_a_400(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        applicant = await cases_api.person("applicant")
        response = await gateway.get(
            f"{API}/notifications", headers=applicant.headers, params={"cursor": "nonsense"}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_cursor"

    async def test_a_language_not_of_the_portal_is_refused(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        await publish(accepted(applicant, email=None))
        [notice] = await notices_arrived(gateway, applicant, 1)
        for method, path in (
            ("GET", f"{API}/notifications"),
            ("POST", f"{API}/notifications/{notice['id']}/seen"),
        ):
            response = await gateway.request(
                method, path, headers=applicant.headers, params={"language": "fr"}
            )
            assert response.status_code == 422, path
            error = response.json()["error"]
            assert error["code"] == "validation_failed"
            assert error["details"][0]["loc"] == ["query", "language"]
        # The refused request marked nothing seen.
        assert await unread(gateway, applicant) == 1


class TestOnlyTheirOwn:
    """Another person neither sees nor marks someone's notice."""

    async def test_another_person_gets_404(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        stranger = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        await publish(accepted(applicant, email=None))
        [notice] = await notices_arrived(gateway, applicant, 1)

        for other in (stranger, officer):
            assert (await notices(gateway, other))["items"] == []
            assert await unread(gateway, other) == 0
            response = await gateway.post(
                f"{API}/notifications/{notice['id']}/seen", headers=other.headers
            )
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "notification_not_found"
            response = await gateway.post(f"{API}/notifications/seen", headers=other.headers)
            assert response.json() == {"marked": 0}
        assert await unread(gateway, applicant) == 1

    async def test_another_authority_sees_none(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        await publish(accepted(applicant, email=None))
        await notices_arrived(gateway, applicant, 1)
        # The same person signed in to another authority: a token for kingston, same user id.
        token = await cases_api.mint(
            authority="kingston", roles=("applicant",), user=applicant.user_id, lifetime=600
        )
        response = await gateway.get(
            "/kingston/api/notifications/notifications",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []


class TestTheOfficerHearsOfWhatApplicantsDo:
    """The owner of a case is told of a change of circumstances; nobody else is."""

    async def test_owner_hears_the_applicant_changed_a_real_case(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        applicant = await cases_api.person("applicant")
        owner = await cases_api.person("officer")
        case = await cases_api.create(
            applicant, {"kind": "homelessness", "answers": REFERRAL, "submit": True}
        )
        case = await cases_api.act(owner, case, "accept")
        await cases_api.change("PUT", owner, case, "/owner", {"owner_id": owner.user_id})
        case = await cases_api.read(applicant, case["id"])
        await cases_api.change(
            "PUT",
            applicant,
            case,
            "/contact",
            {"contact": {"email": address(), "email_ok_to_email": True}},
        )

        [notice] = await notices_arrived(gateway, owner, 1)
        assert notice["kind"] == "details_changed"
        assert notice["activity"] == (
            f"The applicant on case {case['reference']} has changed the case's details"
        )
        assert notice["link"] == f"/watford/caseload/{case['id']}"
        # An officer on the Welsh portal reads it in Welsh.
        [in_welsh] = (await notices(gateway, owner, language="cy"))["items"]
        assert (in_welsh["activity"], in_welsh["language"]) == (
            f"Mae'r ymgeisydd ar achos {case['reference']} wedi newid manylion yr achos",
            "cy",
        )

    async def test_owner_told_in_the_portal_only(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
    ) -> None:
        applicant = await cases_api.person("applicant")
        owner = await cases_api.person("officer")
        other_officer = await cases_api.person("officer")
        case_id = uuid.uuid4().hex
        envelope = await publish(
            CircumstancesSubmitted(
                case_id=case_id,
                reference="777",
                kind="housing_register",
                status="suspended",
                applicant_id=applicant.user_id,
                owner_id=owner.user_id,
                email=address(),
                change_id=uuid.uuid4().hex,
            ),
            actor=applicant.user_id,
        )
        [notice] = await notices_arrived(gateway, owner, 1)
        assert notice["kind"] == "change_submitted"
        assert notice["activity"] == (
            "The applicant on case 777 has told us of a change of circumstances"
        )
        assert notice["link"] == f"/watford/caseload/{case_id}"
        assert (await notices(gateway, other_officer))["items"] == []
        # What the applicant did is not news to the applicant, and no officer email exists.
        assert (await notices(gateway, applicant))["items"] == []
        assert (
            await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)}) == 0
        )


class TestInThePagesLanguage:
    """A person reads their notices in the language of the page they are on."""

    async def test_a_notice_recorded_before_notices_held_every_language_is_as_told(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, service_mongo: Mongo
    ) -> None:
        officer = await cases_api.person("officer")
        told = Told(
            "watford",
            assigned(officer.user_id),
            uuid.uuid4().hex,
            "cases.case.assigned.v1",
            datetime.now(UTC),
        )
        old = told.record()
        del old["activities"]
        await service_mongo.db[NOTIFICATIONS].insert_one(old)
        for asked in ({"language": "cy"}, {"language": "en"}, {}):
            [shown] = (await notices(gateway, officer, **asked))["items"]
            assert (shown["activity"], shown["language"]) == (old["activity"], "en"), asked
        seen = await gateway.post(
            f"{API}/notifications/{old['_id']}/seen",
            headers=officer.headers,
            params={"language": "cy"},
        )
        assert seen.status_code == 200, seen.text
        assert seen.json()["activity"] == old["activity"]


class TestSameEventTwice:
    """A redelivered event makes one notice and one email."""

    async def test_one_notice_and_one_email(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        stack: Stack,
        service_mongo: Mongo,
    ) -> None:
        applicant = await cases_api.person("applicant")
        to = address()
        payload = CircumstancesVerified(
            case_id=uuid.uuid4().hex,
            reference="5150",
            kind="housing_register",
            status="live",
            applicant_id=applicant.user_id,
            email=to,
            change_id=uuid.uuid4().hex,
        )
        before = await _handled(stack, payload.event_type)
        envelope = await publish(payload)
        await publish(payload, envelope=envelope)

        # Both copies handled, whether recognised as one already seen or not.
        async def both_copies_handled() -> bool:
            return await _handled(stack, payload.event_type) >= before + 2

        await eventually(both_copies_handled, within=20, what="both copies consumed")
        assert len(await notices_arrived(gateway, applicant, 1)) == 1
        assert len(await read_mail(to)) == 1
        count = await service_mongo.db[NOTIFICATIONS].count_documents(
            {"event_id": str(envelope.id)}
        )
        assert count == 1
        count = await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)})
        assert count == 1


class TestGoneCases:
    """A removed draft's notices are not shown any more."""

    async def test_removed_case_drops_its_notices(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient, publish: Publish
    ) -> None:
        applicant = await cases_api.person("applicant")
        payload = accepted(applicant, email=None)
        await publish(payload)
        await notices_arrived(gateway, applicant, 1)
        await publish(
            DraftRemoved(
                case_id=payload.case_id,
                reference=payload.reference,
                kind=payload.kind,
                status="draft",
                applicant_id=applicant.user_id,
            )
        )

        async def gone() -> bool:
            items: list[Json] = (await notices(gateway, applicant))["items"]
            return not items

        await eventually(gone, within=20, what="the notices of the removed case dropped")
        assert await unread(gateway, applicant) == 0


class TestPreferences:
    """A person turns emails about a kind of event off; the notice still comes."""

    async def test_turning_an_event_kind_off(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        service_mongo: Mongo,
    ) -> None:
        applicant = await cases_api.person("applicant")
        response = await gateway.get(f"{API}/preferences", headers=applicant.headers)
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"0"'
        assert response.json()["email"]["application_accepted"] is True

        response = await gateway.put(
            f"{API}/preferences",
            headers={**applicant.headers, "If-Match": '"0"'},
            json={"email": {"application_accepted": False}},
        )
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"1"'
        chosen = response.json()
        assert chosen["email"]["application_accepted"] is False
        assert chosen["email"]["case_closed"] is True

        envelope = await publish(accepted(applicant, email=address()))
        await stored_notice(service_mongo, envelope)
        # The notice and the decision about its email commit together.
        count = await service_mongo.db[DELIVERIES].count_documents({"event_id": str(envelope.id)})
        assert count == 0

    async def test_emailed_by_default(
        self, cases_api: CasesApi, publish: Publish, read_mail: ReadMail
    ) -> None:
        applicant = await cases_api.person("applicant")
        to = address()
        await publish(accepted(applicant, email=to))
        [message] = await read_mail(to)
        assert message["subject"] == f"{WATFORD}: your homelessness referral 4242 has been accepted"

    @pytest.mark.parametrize(
        ("headers", "body", "status", "code"),
        [
            ({}, {"email": {}}, 428, None),
            ({"If-Match": '"7"'}, {"email": {}}, 412, None),
            ({"If-Match": '"0"'}, {"email": {"sms": True}}, 422, "validation_failed"),
            ({"If-Match": '"0"'}, {"email": {"case_closed": "no"}}, 422, "validation_failed"),
            ({"If-Match": '"0"'}, {"email": {}, "extra": 1}, 422, "validation_failed"),
        ],
    )
    async def test_bad_changes_are_refused(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        headers: dict[str, str],
        body: Json,
        status: int,
        code: str | None,
    ) -> None:
        applicant = await cases_api.person("applicant")
        response = await gateway.put(
            f"{API}/preferences", headers={**applicant.headers, **headers}, json=body
        )
        assert response.status_code == status, response.text
        error = response.json()["error"]
        if code is not None:
            assert error["code"] == code


class TestWhatEachPersonIsOffered:
    """The email choices offer a person only the kinds of event told to the roles they hold."""

    @pytest.mark.parametrize(
        ("role", "offered", "not_offered"),
        [
            (
                "applicant",
                {
                    "application_accepted",
                    "appointment_reminder",
                    "task_overdue",
                    "message_received",
                },
                {"case_assigned", "document_uploaded", "plan_disagreed", "change_submitted"},
            ),
            (
                "officer",
                {
                    "case_assigned",
                    "document_uploaded",
                    "plan_disagreed",
                    "message_received",
                    "task_overdue",
                },
                {"application_accepted", "appointment_reminder", "plan_issued", "task_assigned"},
            ),
            (
                "landlord_user",
                {"task_assigned", "task_overdue", "message_received"},
                {"application_accepted", "case_assigned", "document_uploaded"},
            ),
            ("authority_admin", set(), {"application_accepted", "case_assigned"}),
        ],
    )
    async def test_only_the_kinds_told_to_the_callers_roles(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        role: str,
        offered: set[str],
        not_offered: set[str],
    ) -> None:
        caller = await cases_api.person(role)
        response = await gateway.get(f"{API}/preferences", headers=caller.headers)
        assert response.status_code == 200, response.text
        kinds = set(response.json()["email"])
        assert offered <= kinds
        assert not kinds & not_offered
        if not offered:
            assert kinds == set()

    async def test_choosing_a_kind_not_offered_is_refused(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        applicant = await cases_api.person("applicant")
        response = await gateway.put(
            f"{API}/preferences",
            headers={**applicant.headers, "If-Match": '"0"'},
            json={"email": {"application_accepted": False, "case_assigned": False}},
        )
        assert response.status_code == 403, response.text
        error = response.json()["error"]
        assert error["code"] == "kind_not_offered"
        assert error["details"] == {"kinds": ["case_assigned"]}
        # Nothing of the refused change was kept.
        after = await gateway.get(f"{API}/preferences", headers=applicant.headers)
        assert after.headers["ETag"] == '"0"'
        assert after.json()["email"]["application_accepted"] is True

    async def test_choices_made_in_another_role_are_kept(
        self, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        applicant = await cases_api.person("applicant")
        put = f"{API}/preferences"
        response = await gateway.put(
            put,
            headers={**applicant.headers, "If-Match": '"0"'},
            json={"email": {"application_accepted": False}},
        )
        assert response.status_code == 200, response.text
        # The same person, now an officer, chooses of what officers are told.
        token = await cases_api.mint(
            authority=applicant.authority,
            roles=("officer",),
            user=applicant.user_id,
            organisation=None,
            lifetime=1800,
        )
        officer = Caller(user_id=applicant.user_id, authority=applicant.authority, token=token)
        response = await gateway.put(
            put,
            headers={**officer.headers, "If-Match": '"1"'},
            json={"email": {"case_assigned": False}},
        )
        assert response.status_code == 200, response.text
        assert "application_accepted" not in response.json()["email"]
        again = (await gateway.get(put, headers=applicant.headers)).json()["email"]
        assert again["application_accepted"] is False

    def test_a_notice_to_an_audience_its_kind_is_not_told_to_is_refused(self) -> None:
        with pytest.raises(ValueError, match="case_assigned"):
            assigned("someone", audience="applicant")

    def test_a_notice_that_says_other_things_in_its_own_language_is_refused(self) -> None:
        with pytest.raises(ValueError, match="case_assigned"):
            assigned("someone", activity="Case 2 has been assigned to you")

    def test_every_kind_is_told_to_someone(self) -> None:
        assert set(KIND_AUDIENCES) == set(NOTICE_KINDS)
        assert all(KIND_AUDIENCES[kind] for kind in NOTICE_KINDS)

    def test_a_notices_id_is_made_from_authority_event_person_and_kind(self) -> None:
        notice = assigned("someone")
        event_id = str(uuid.uuid4())
        told = Told("watford", notice, event_id, "cases.case.assigned", datetime.now(UTC))
        # Told again, later, by another delivery of the event: the same id.
        again = Told("watford", notice, event_id, "cases.case.assigned", datetime.now(UTC))
        assert told.id == again.id == told.record()["_id"]
        assert len(told.id) == 32
        others = {
            notice_id("stevenage", event_id, "someone", "case_assigned"),
            notice_id("watford", str(uuid.uuid4()), "someone", "case_assigned"),
            notice_id("watford", event_id, "someone-else", "case_assigned"),
            notice_id("watford", event_id, "someone", "application_accepted"),
        }
        assert told.id == notice_id("watford", event_id, "someone", "case_assigned")
        assert told.id not in others
        assert len(others) == 4


class TestWhatWasSentAboutACase:
    """Staff see what was emailed about a case and when; applicants do not."""

    async def test_officer_lists_a_cases_emails(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        publish: Publish,
        read_mail: ReadMail,
        service_mongo: Mongo,
    ) -> None:
        applicant = await cases_api.person("applicant")
        officer = await cases_api.person("officer")
        to = address()
        payload = accepted(applicant, email=to)
        envelope = await publish(payload)
        await read_mail(to)

        async def sent() -> Document | None:
            return await service_mongo.db[DELIVERIES].find_one(
                {"event_id": str(envelope.id), "status": "sent"}
            )

        await eventually(sent, within=20, what="the email recorded sent")
        path = f"{API}/cases/{payload.case_id}/deliveries"
        response = await gateway.get(
            path, headers=officer.headers, params={"user_id": applicant.user_id}
        )
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        assert item["to"] == to
        assert item["case_id"] == payload.case_id
        assert item["template"] == "case_application_accepted"
        assert item["status"] == "sent"
        assert item["sent_at"] is not None
        assert "content" not in item

        response = await gateway.get(path, headers=applicant.headers)
        assert response.status_code == 403
        elsewhere = await cases_api.person("officer", authority="kingston")
        response = await gateway.get(
            f"/kingston/api/notifications/cases/{payload.case_id}/deliveries",
            headers=elsewhere.headers,
        )
        assert response.status_code == 200
        assert response.json()["items"] == []


async def _handled(stack: Stack, event_type: str) -> float:
    """How many events of a type the running service's notices consumer has handled, as new
    or as copies of one handled before. Here only the duplicate test publishes its type;
    another's copies would only end its wait early, never make a wrong answer pass."""
    async with httpx.AsyncClient(base_url=stack.service_urls["notifications"]) as client:
        response = await client.get("/metrics")
    total = 0.0
    for line in response.text.splitlines():
        if (
            line.startswith("portal_events_consumed_total{")
            and 'consumer="notifications.notices"' in line
            and f'type="{event_type}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total
