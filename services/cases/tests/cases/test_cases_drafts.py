"""Unfinished applications: warned about before they go, removed when their days are up, and
their references never given out again."""

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from tests.support.cases import CasesApi, CasesStore
from tests.support.stack import ReadMail

from cases.cases.drafts import DraftKeeping
from cases.cases.repository import CaseHistory, Cases
from cases.config import Settings
from kit.events.outbox import Outbox
from kit.lease import Lease
from kit.mongo import Mongo
from portalstack.endpoints import Stack

CONTACT = {"email": "draft.keeper@example.org", "email_ok_to_email": True}


@pytest.fixture
async def keeping(stack: Stack) -> AsyncIterator[DraftKeeping]:
    """The service's draft keeping, run here on the real store under a lease of its own."""
    mongo = Mongo(stack.mongo_url, Settings().mongo_db)
    yield DraftKeeping(
        mongo=mongo,
        outbox=Outbox(mongo),
        cases=Cases(mongo),
        history=CaseHistory(mongo),
        lease=Lease(mongo, f"cases-drafts-test-{uuid.uuid4().hex}", seconds=60),
        warning_days=2,
        portal_url="https://portal.example",
    )
    await mongo.close()


async def keep_until(store: CasesStore, case_id: str, day: date) -> None:
    """Move the last day a draft is kept, as if the days had passed."""
    await store.db.cases.update_one(
        {"_id": case_id}, {"$set": {"draft_expires_on": day.isoformat()}}
    )


class TestDraftKeeping:
    async def test_kept_the_authoritys_days_warned_then_removed(
        self, api: CasesApi, cases_store: CasesStore, keeping: DraftKeeping
    ) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(
            applicant, {"kind": "housing_register", "answers": {}, "contact": CONTACT}
        )
        started = date.fromisoformat(draft["created_at"][:10])
        assert draft["draft_expires_on"] == (started + timedelta(days=10)).isoformat()
        today = date.today()

        await keep_until(cases_store, draft["id"], today + timedelta(days=3))
        await keeping.step(today)
        types = [e["type"] for e in await cases_store.events(draft["id"])]
        assert "cases.draft.expiring" not in types

        await keep_until(cases_store, draft["id"], today + timedelta(days=2))
        await keeping.step(today)
        warning = await cases_store.wait_for(draft["id"], "cases.draft.expiring")
        assert warning["data"]["email"] == "draft.keeper@example.org"
        assert warning["data"]["removal_on"] == (today + timedelta(days=3)).isoformat()
        assert warning["data"]["link"] == (
            f"https://portal.example/{warning['authority']}/applications/{draft['id']}/tasks"
        )
        assert warning["data"]["language"] == "en"
        await keeping.step(today)
        types = [e["type"] for e in await cases_store.events(draft["id"])]
        assert types.count("cases.draft.expiring") == 1

        await keep_until(cases_store, draft["id"], today)
        await keeping.step(today)
        assert (await api.call("GET", applicant, f"/cases/{draft['id']}")).status_code == 200
        await keep_until(cases_store, draft["id"], today - timedelta(days=1))
        await keeping.step(today)
        await cases_store.wait_for(draft["id"], "cases.draft.removed")
        gone = await api.call("GET", applicant, f"/cases/{draft['id']}")
        assert gone.status_code == 404, gone.text

        later = await api.create(applicant, {"kind": "housing_register", "answers": {}})
        assert int(later["reference"]) > int(draft["reference"])

    async def test_a_submitted_application_is_never_removed(
        self, api: CasesApi, cases_store: CasesStore, keeping: DraftKeeping
    ) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(
            applicant,
            {"kind": "housing_advice", "answers": {"topic": "repairs", "question": "Damp"}},
        )
        submitted = await api.act(applicant, draft, "submit")
        assert submitted["draft_expires_on"] is None
        await keep_until(cases_store, draft["id"], date.today() - timedelta(days=1))
        await keeping.step(date.today())
        assert (await api.read(applicant, draft["id"]))["status"] == "submitted"


class TestTheWarningEmail:
    async def test_the_applicant_is_emailed_in_their_language_with_a_link_to_the_draft(
        self,
        api: CasesApi,
        cases_store: CasesStore,
        keeping: DraftKeeping,
        read_mail: ReadMail,
    ) -> None:
        applicant = await api.person("applicant")
        address = f"draft-{uuid.uuid4().hex[:12]}@example.org"
        draft = await api.create(
            applicant,
            {
                "kind": "housing_register",
                "answers": {},
                "contact": {"email": address, "email_ok_to_email": True},
                "language": "cy",
            },
        )
        today = date.today()
        await keep_until(cases_store, draft["id"], today + timedelta(days=1))
        await keeping.step(today)

        [message] = await read_mail(address)
        removal = today + timedelta(days=2)
        welsh_months = [
            "Ionawr",
            "Chwefror",
            "Mawrth",
            "Ebrill",
            "Mai",
            "Mehefin",
            "Gorffennaf",
            "Awst",
            "Medi",
            "Hydref",
            "Tachwedd",
            "Rhagfyr",
        ]
        day = f"{removal.day} {welsh_months[removal.month - 1]} {removal.year}"
        assert draft["reference"] in message["subject"]
        assert day in message["subject"]
        assert "cais am y gofrestr tai" in message["text"]
        assert f"/applications/{draft['id']}/tasks" in message["text"]
        assert message["text"].startswith("Helo,")

    async def test_no_one_is_emailed_who_did_not_say_they_may_be(
        self, api: CasesApi, cases_store: CasesStore, keeping: DraftKeeping
    ) -> None:
        applicant = await api.person("applicant")
        draft = await api.create(
            applicant,
            {
                "kind": "housing_register",
                "answers": {},
                "contact": {"email": "not-to-be-emailed@example.org"},
            },
        )
        today = date.today()
        await keep_until(cases_store, draft["id"], today + timedelta(days=1))
        await keeping.step(today)
        warning = await cases_store.wait_for(draft["id"], "cases.draft.expiring")
        assert warning["data"]["email"] is None
