"""`Idempotency-Key` on creates: a retried POST makes one thing and gets the first answer."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kit.errors import install_error_handlers
from kit.idempotency import (
    IDEMPOTENCY,
    IDEMPOTENCY_INDEXES,
    KEPT_FOR,
    IdempotencyStore,
    Once,
    forget_old_answers,
)
from kit.mongo import Mongo, Session

LETTERS = "letters"


class LetterRequest(BaseModel):
    """A letter to send to an applicant."""

    case_id: str
    template: str


class Letter(BaseModel):
    """A letter made."""

    id: str
    case_id: str


@pytest.fixture
async def service(mongo: Mongo) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose letter create takes an Idempotency-Key, on the real store."""
    await mongo.ensure_indexes(IDEMPOTENCY_INDEXES)
    store = IdempotencyStore(mongo)
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/letters", status_code=201, response_model=Letter)
    async def send_letter(body: LetterRequest, request: Request) -> Letter | JSONResponse:
        """Make a letter, once per key."""
        once = Once.of(
            request,
            store,
            caller="officer-1",
            authority="watford",
            body=body.model_dump(),
            status=201,
        )

        async def create(session: Session) -> Letter:
            letter = Letter(id=uuid.uuid4().hex, case_id=body.case_id)
            await mongo.db[LETTERS].insert_one(letter.model_dump(), session=session)
            await once.remember(session, letter)
            return letter

        return await once.run(lambda: mongo.transaction(create))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        yield client


class TestOnce:
    async def test_a_retried_create_makes_one_thing_and_gets_the_first_answer(
        self, service: httpx.AsyncClient, mongo: Mongo
    ) -> None:
        body = {"case_id": "C-1", "template": "decision"}
        key = {"Idempotency-Key": uuid.uuid4().hex}

        first = await service.post("/letters", json=body, headers=key)
        again = await service.post("/letters", json=body, headers=key)

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert await mongo.db[LETTERS].count_documents({}) == 1

    async def test_without_a_key_each_request_makes_its_own(
        self, service: httpx.AsyncClient, mongo: Mongo
    ) -> None:
        body = {"case_id": "C-1", "template": "decision"}

        first = await service.post("/letters", json=body)
        second = await service.post("/letters", json=body)

        assert first.json()["id"] != second.json()["id"]
        assert await mongo.db[LETTERS].count_documents({}) == 2

    async def test_a_key_used_for_another_request_is_refused(
        self, service: httpx.AsyncClient, mongo: Mongo
    ) -> None:
        key = {"Idempotency-Key": uuid.uuid4().hex}
        await service.post("/letters", json={"case_id": "C-1", "template": "a"}, headers=key)

        reused = await service.post(
            "/letters", json={"case_id": "C-2", "template": "a"}, headers=key
        )

        assert reused.status_code == 422
        assert reused.json()["error"]["code"] == "idempotency_key_reused"
        assert await mongo.db[LETTERS].count_documents({}) == 1


class TestForgetting:
    async def test_answers_kept_a_day_are_forgotten_and_no_index_expires_them(
        self, mongo: Mongo
    ) -> None:
        await mongo.ensure_indexes(IDEMPOTENCY_INDEXES)
        now = datetime.now(UTC)
        ages = {"old": KEPT_FOR + timedelta(minutes=1), "recent": KEPT_FOR - timedelta(hours=1)}
        await mongo.db[IDEMPOTENCY].insert_many(
            [{"_id": name, "created_at": now - age} for name, age in ages.items()]
        )
        assert await forget_old_answers(mongo, now=now) == 1
        assert await mongo.db[IDEMPOTENCY].distinct("_id") == ["recent"]
        # The store's own expiry would walk every answer once a minute.
        indexes = [index async for index in await mongo.db[IDEMPOTENCY].list_indexes()]
        assert not [index["name"] for index in indexes if "expireAfterSeconds" in index]
