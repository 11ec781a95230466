"""Satisfaction surveys: asked once when a case closes at an authority that asks for them,
answered once by the applicant, listed for the authority's managers."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from tests.support.bus import Publish
from tests.support.cases import Caller, CasesApi
from tests.support.documents import NewAuthority
from tests.support.polling import eventually

from contracts.envelope import Envelope
from contracts.events.cases import CaseClosed, CaseKind
from kit.mongo import Document, Mongo
from notifications.emails.models import DELIVERIES
from notifications.inbox.models import NOTIFICATIONS
from notifications.surveys.models import SURVEY_TALLIES, SURVEYS

Json = dict[str, Any]


def api(authority: str) -> str:
    """The notifications API of an authority, through the gateway."""
    return f"/{authority}/api/notifications"


@dataclass(frozen=True)
class Council:
    """An authority of the test's own, with its administrator, a manager and an officer."""

    slug: str
    admin: Caller
    manager: Caller
    officer: Caller


MakeCouncil = Callable[..., Awaitable[Council]]


async def choose(gateway: httpx.AsyncClient, council: Council, **settings: Any) -> Json:
    """Save the survey settings as read."""
    path = f"{api(council.slug)}/surveys/settings"
    current = await gateway.get(path, headers=council.admin.headers)
    assert current.status_code == 200, current.text
    saved = await gateway.put(
        path, json=settings, headers={**council.admin.headers, "If-Match": current.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text
    body: Json = saved.json()
    return body


@pytest.fixture
def make_council(
    new_authority: NewAuthority, gateway: httpx.AsyncClient, cases_api: CasesApi
) -> MakeCouncil:
    """Makes an authority of the test's own, known to the notifications service, its survey
    settings chosen, so that no other test's settings meet this one's events."""

    async def make(**settings: Any) -> Council:
        slug = await new_authority()
        council = Council(
            slug,
            admin=await cases_api.person("authority_admin", authority=slug),
            manager=await cases_api.person("manager", authority=slug),
            officer=await cases_api.person("officer", authority=slug),
        )

        async def known() -> bool | None:
            answer = await gateway.get(
                f"{api(slug)}/surveys/settings", headers=council.admin.headers
            )
            return True if answer.status_code == 200 else None

        await eventually(known, within=20, what=f"the notifications service to know {slug}")
        if settings:
            await choose(gateway, council, **settings)
        return council

    return make


def closed(
    applicant: Caller,
    *,
    case_id: str | None = None,
    kind: CaseKind = "homelessness",
    language: str = "en",
    email: str | None = None,
) -> CaseClosed:
    """A case of the applicant's closed, as the cases service publishes it."""
    return CaseClosed.model_validate(
        {
            "case_id": case_id or uuid.uuid4().hex,
            "reference": "7001",
            "kind": kind,
            "status": "closed",
            "applicant_id": applicant.user_id,
            "language": language,
            "email": email,
            "closed_at": datetime.now(UTC).isoformat(),
            "reason": "Housed",
        }
    )


async def handled(service_mongo: Mongo, envelope: Envelope) -> None:
    """Wait until the surveys consumer has handled the event."""

    async def done() -> Document | None:
        return await service_mongo.db["processed_events"].find_one(
            {"_id": f"notifications.surveys:{envelope.id}"}
        )

    await eventually(done, within=20, what=f"surveys to handle {envelope.type}")


@dataclass(frozen=True)
class Scene:
    """An authority of the test's own, one of its applicants, and the running service."""

    council: Council
    applicant: Caller
    gateway: httpx.AsyncClient
    publish: Publish
    service_mongo: Mongo

    async def close(
        self, event: CaseClosed | None = None, *, by: Caller | None = None, **case: Any
    ) -> tuple[CaseClosed, Envelope]:
        """Publish a case of the applicant's closed (by an officer unless said otherwise)
        and wait until the surveys consumer has handled it."""
        event = event or closed(self.applicant, **case)
        actor = (by or self.council.officer).user_id
        envelope = await self.publish(event, authority=self.council.slug, actor=actor)
        await handled(self.service_mongo, envelope)
        return event, envelope

    async def survey(self, case_id: str, *, status: int = 200) -> Json:
        """The applicant's survey of a case, as the API answers with this status."""
        response = await self.gateway.get(
            f"{api(self.council.slug)}/surveys/{case_id}", headers=self.applicant.headers
        )
        assert response.status_code == status, response.text
        body: Json = response.json()
        return body

    async def answer(
        self, case_id: str, body: Any, *, who: Caller | None = None, key: str | None = None
    ) -> httpx.Response:
        """The applicant (or someone else) answers the survey of a case."""
        caller = who or self.applicant
        once = {"Idempotency-Key": key} if key is not None else {}
        return await self.gateway.post(
            f"{api(caller.authority)}/surveys/{case_id}/answer",
            json=body,
            headers={**caller.headers, **once},
        )


MakeScene = Callable[..., Awaitable[Scene]]


@pytest.fixture
def scene(
    make_council: MakeCouncil,
    cases_api: CasesApi,
    gateway: httpx.AsyncClient,
    publish: Publish,
    service_mongo: Mongo,
) -> MakeScene:
    """Makes a scene whose authority has these survey settings."""

    async def make(**settings: Any) -> Scene:
        council = await make_council(**settings)
        applicant = await cases_api.person("applicant", authority=council.slug)
        return Scene(council, applicant, gateway, publish, service_mongo)

    return make


class TestAskedWhenACaseCloses:
    """A case closed at an authority that asks for surveys asks its applicant, once."""

    async def test_the_applicant_is_asked_and_told_in_welsh_by_email(
        self, scene: MakeScene, gateway: httpx.AsyncClient, service_mongo: Mongo
    ) -> None:
        asking = await scene(enabled=True)
        to = f"applicant-{uuid.uuid4().hex[:12]}@example.org"
        event, _ = await asking.close(language="cy", email=to)

        survey = await asking.survey(event.case_id)
        assert survey["reference"] == "7001"
        assert survey["case_kind"] == "homelessness"
        assert survey["answered_at"] is None

        async def told() -> list[Json] | None:
            response = await gateway.get(
                f"{api(asking.council.slug)}/notifications", headers=asking.applicant.headers
            )
            items: list[Json] = response.json()["items"]
            return [n for n in items if n["kind"] == "survey_requested"] or None

        (notice,) = await eventually(told, within=20, what="the survey notice")
        assert notice["activity"] == "Mae gennych arolwg boddhad cwsmeriaid newydd i\u2019w lenwi"
        assert notice["link"] == f"/{asking.council.slug}/surveys/{event.case_id}"
        assert notice["case_id"] == event.case_id

        async def emailed() -> Document | None:
            return await service_mongo.db[DELIVERIES].find_one(
                {"case_id": event.case_id, "to": to, "template": "case_news"}
            )

        delivery = await eventually(emailed, within=20, what="the survey email")
        assert delivery["event_type"] == "notifications.survey.requested"

    async def test_the_same_case_closed_twice_asks_once(
        self, scene: MakeScene, service_mongo: Mongo
    ) -> None:
        asking = await scene(enabled=True)
        event, first = await asking.close()
        # The same event delivered again, and another event closing the same case.
        again = await asking.publish(event, authority=asking.council.slug, envelope=first)
        await handled(service_mongo, again)
        await asking.close(event)
        await asking.survey(event.case_id)
        assert await service_mongo.db[SURVEYS].count_documents({"case_id": event.case_id}) == 1

        async def told() -> int | None:
            count = await service_mongo.db[NOTIFICATIONS].count_documents(
                {"case_id": event.case_id, "kind": "survey_requested"}
            )
            return count or None

        assert await eventually(told, within=20, what="the survey notice") == 1


class TestNotAsked:
    """Nobody is asked where the authority does not ask, or about a kind it does not ask of."""

    async def test_surveys_off_or_another_kind_ask_nobody(
        self, scene: MakeScene, gateway: httpx.AsyncClient, service_mongo: Mongo
    ) -> None:
        asking = await scene()
        never_chosen, _ = await asking.close()
        await choose(gateway, asking.council, enabled=True, case_kinds=["housing_register"])
        other_kind, _ = await asking.close(kind="homelessness")
        asked, _ = await asking.close(kind="housing_register")
        await asking.survey(asked.case_id)
        await choose(gateway, asking.council, enabled=False, case_kinds=[])
        turned_off, _ = await asking.close(kind="housing_register")
        # A case the applicant withdrew themselves is not rated either.
        await choose(gateway, asking.council, enabled=True)
        withdrawn, _ = await asking.close(by=asking.applicant)
        for event in (never_chosen, other_kind, turned_off, withdrawn):
            missing = await asking.survey(event.case_id, status=404)
            assert missing["error"]["code"] == "survey_not_found"
        slug = asking.council.slug
        assert await service_mongo.db[SURVEYS].count_documents({"authority": slug}) == 1


class TestAnsweringOnce:
    """The applicant answers once; bad answers are refused with the standard error body."""

    async def test_answer_once_then_conflict(self, scene: MakeScene, cases_api: CasesApi) -> None:
        asking = await scene(enabled=True)
        event, _ = await asking.close()
        await asking.survey(event.case_id)

        for bad in (
            {},
            {"rating": 0},
            {"rating": 6},
            {"rating": "5"},
            {"rating": 3, "comment": "x" * 1001},
            {"rating": 3, "mood": "fine"},
        ):
            refused = await asking.answer(event.case_id, bad)
            assert refused.status_code == 422, (bad, refused.text)
            assert refused.json()["error"]["code"]
        someone_else = await cases_api.person("applicant", authority=asking.council.slug)
        response = await asking.answer(event.case_id, {"rating": 4}, who=someone_else)
        assert response.status_code == 404, response.text
        peeked = await asking.gateway.get(
            f"{api(asking.council.slug)}/surveys/{event.case_id}", headers=someone_else.headers
        )
        assert peeked.status_code == 404, peeked.text

        key = uuid.uuid4().hex
        said = {"rating": 4, "comment": " Helpful staff "}
        first = await asking.answer(event.case_id, said, key=key)
        assert first.status_code == 201, first.text
        assert first.json()["rating"] == 4
        assert first.json()["comment"] == "Helpful staff"
        repeated = await asking.answer(event.case_id, said, key=key)
        assert repeated.status_code == 201, repeated.text
        assert repeated.json() == first.json()
        second = await asking.answer(event.case_id, {"rating": 1})
        assert second.status_code == 409, second.text
        assert second.json()["error"]["code"] == "survey_already_answered"
        kept = await asking.survey(event.case_id)
        assert kept["rating"] == 4
        assert kept["answered_at"] is not None


class TestTheManagersList:
    """Managers list their authority's answers, newest first, a page at a time."""

    async def test_pages_summary_and_who_may_list(
        self, scene: MakeScene, gateway: httpx.AsyncClient
    ) -> None:
        asking = await scene(enabled=True)
        council = asking.council
        kinds: list[CaseKind] = ["homelessness", "housing_register", "homelessness"]
        events = [(await asking.close(kind=kind))[0] for kind in kinds]
        for rating, event in zip((5, 2, 4), events, strict=True):
            given = await asking.answer(event.case_id, {"rating": rating})
            assert given.status_code == 201, given.text
        # One asked but never answered: not listed.
        await asking.close()
        # The first two answered weeks and days ago, so that the list reaches back for them.
        store = asking.service_mongo.db
        for event, days in ((events[0], 40), (events[1], 3)):
            query = {"authority": council.slug, "case_id": event.case_id}
            answered = await store[SURVEYS].find_one(query)
            assert answered is not None
            moved = answered["answered_at"] - timedelta(days=days)
            await store[SURVEYS].update_one(query, {"$set": {"answered_at": moved}})
            await store[SURVEY_TALLIES].update_many(
                {"authority": council.slug}, {"$min": {"first_at": moved}}
            )

        path = f"{api(council.slug)}/surveys"
        first = await gateway.get(path, params={"limit": 2}, headers=council.manager.headers)
        assert first.status_code == 200, first.text
        page = first.json()
        newest = [events[2].case_id, events[1].case_id]
        assert [item["case_id"] for item in page["items"]] == newest
        assert [item["rating"] for item in page["items"]] == [4, 2]
        assert page["page_average"] == 3.0
        assert page["summary"] == {
            "answered": 3,
            "ratings": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
            "average": 3.67,
        }
        rest = await gateway.get(
            path,
            params={"limit": 2, "cursor": page["next_cursor"]},
            headers=council.manager.headers,
        )
        assert rest.status_code == 200, rest.text
        assert [item["case_id"] for item in rest.json()["items"]] == [events[0].case_id]
        assert rest.json()["next_cursor"] is None

        register = await gateway.get(
            path, params={"case_kind": "housing_register"}, headers=council.manager.headers
        )
        assert [item["case_id"] for item in register.json()["items"]] == [events[1].case_id]
        assert register.json()["summary"]["answered"] == 1

        bad_cursor = await gateway.get(
            path, params={"cursor": "not-a-cursor"}, headers=council.manager.headers
        )
        assert bad_cursor.status_code == 400, bad_cursor.text
        for caller in (council.officer, asking.applicant, council.admin):
            refused = await gateway.get(path, headers=caller.headers)
            assert refused.status_code == 403, refused.text
            assert refused.json()["error"]["code"] == "forbidden"


class TestAuthoritiesApart:
    """Another authority's survey is not found there."""

    async def test_another_authoritys_survey_is_not_found(
        self, scene: MakeScene, make_council: MakeCouncil, cases_api: CasesApi
    ) -> None:
        asking = await scene(enabled=True)
        elsewhere = await make_council(enabled=True)
        event, _ = await asking.close()
        await asking.survey(event.case_id)
        # The same person's account signed in to the other authority.
        user = asking.applicant.user_id
        token = await cases_api.mint(
            authority=elsewhere.slug, roles=("applicant",), user=user, lifetime=600
        )
        visitor = Caller(user_id=user, authority=elsewhere.slug, token=token)
        path = f"{api(elsewhere.slug)}/surveys"
        seen = await asking.gateway.get(f"{path}/{event.case_id}", headers=visitor.headers)
        assert seen.status_code == 404, seen.text
        answered = await asking.answer(event.case_id, {"rating": 5}, who=visitor)
        assert answered.status_code == 404, answered.text
        listed = await asking.gateway.get(path, headers=elsewhere.manager.headers)
        assert listed.json()["items"] == []


class TestTheSettings:
    """Administrators change the settings at the version they read."""

    async def test_if_match_roles_and_bad_input(
        self, make_council: MakeCouncil, cases_api: CasesApi, gateway: httpx.AsyncClient
    ) -> None:
        council = await make_council()
        path = f"{api(council.slug)}/surveys/settings"
        read = await gateway.get(path, headers=council.admin.headers)
        assert read.json() == {"enabled": False, "case_kinds": [], "version": 0}
        assert read.headers["ETag"] == '"0"'
        missing = await gateway.put(path, json={"enabled": True}, headers=council.admin.headers)
        assert missing.status_code == 428, missing.text
        saved = await choose(gateway, council, enabled=True, case_kinds=["complaint"])
        assert saved == {"enabled": True, "case_kinds": ["complaint"], "version": 1}
        stale = await gateway.put(
            path, json={"enabled": False}, headers={**council.admin.headers, "If-Match": '"0"'}
        )
        assert stale.status_code == 412, stale.text
        for bad in ({"enabled": "yes"}, {"enabled": True, "case_kinds": ["boats"]}, {}):
            refused = await gateway.put(
                path, json=bad, headers={**council.admin.headers, "If-Match": '"1"'}
            )
            assert refused.status_code == 422, (bad, refused.text)
        for caller in (council.manager, council.officer):
            assert (await gateway.get(path, headers=caller.headers)).status_code == 403
            refused = await gateway.put(
                path, json={"enabled": False}, headers={**caller.headers, "If-Match": '"1"'}
            )
            assert refused.status_code == 403, refused.text
        assert (await gateway.get(path, headers=council.admin.headers)).json()["version"] == 1
