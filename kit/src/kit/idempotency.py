"""`Idempotency-Key` on creates: a retried POST returns the first answer instead of a copy."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from kit.concurrency import set_etag
from kit.errors import AppError, Conflict
from kit.mongo import Document, Index, Mongo, Session

IDEMPOTENCY = "idempotency_keys"
KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 200

Answer = TypeVar("Answer", bound=BaseModel)

# How often each process forgets the answers older than they are kept.
FORGET_EVERY = timedelta(minutes=10)

IDEMPOTENCY_INDEXES = [
    # Retired: the store's expiry sweep walks every document of a collection with an expiring
    # index once a minute, holding up every other operation meanwhile, and a day of creates
    # can be many. The services forget old answers themselves (`forget_old_answers`).
    Index(
        IDEMPOTENCY,
        [("created_at", 1)],
        name="idempotency_expiry",
        options={"expireAfterSeconds": int(KEPT_FOR.total_seconds())},
        retired=True,
    ),
    Index(IDEMPOTENCY, [("created_at", 1)], name="idempotency_by_age"),
]


async def forget_old_answers(mongo: Mongo, *, now: datetime) -> int:
    """Drop the answers kept longer than `KEPT_FOR`; how many went. Only those are examined:
    a range of the age index."""
    result = await mongo.db[IDEMPOTENCY].delete_many({"created_at": {"$lt": now - KEPT_FOR}})
    return result.deleted_count


class IdempotencyKeyReused(AppError):
    """The key was used before for a different request."""

    status = 422
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used for a different request."


@dataclass(frozen=True)
class IdempotentRequest:
    """A create request that carries an Idempotency-Key."""

    record_id: str
    fingerprint: str


@dataclass(frozen=True)
class StoredAnswer:
    """The answer given the first time."""

    status: int
    body: Any


def idempotent_request(
    request: Request, *, caller: str, authority: str, body: Any
) -> IdempotentRequest | None:
    """The key of this create, if the client sent one; refuse a malformed key."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise AppError(
            "Idempotency-Key must be 1 to 200 characters.", code="invalid_idempotency_key"
        )
    scope = f"{authority}|{caller}|{request.method}|{request.url.path}|{key}"
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    return IdempotentRequest(hashlib.sha256(scope.encode()).hexdigest(), fingerprint)


class IdempotencyStore:
    """Answers remembered for a day, written in the same transaction as the create."""

    def __init__(self, mongo: Mongo) -> None:
        self.collection = mongo.db[IDEMPOTENCY]

    async def earlier_answer(self, request: IdempotentRequest) -> StoredAnswer | None:
        """The first answer to this request, if it was already made."""
        record: Document | None = await self.collection.find_one({"_id": request.record_id})
        if record is None:
            return None
        if record["fingerprint"] != request.fingerprint:
            raise IdempotencyKeyReused()
        return StoredAnswer(int(record["status"]), record["body"])

    async def remember(
        self, request: IdempotentRequest, answer: StoredAnswer, *, session: Session
    ) -> None:
        """Keep the answer with the change it describes."""
        await self.collection.insert_one(
            {
                "_id": request.record_id,
                "fingerprint": request.fingerprint,
                "status": answer.status,
                "body": answer.body,
                "created_at": datetime.now(UTC),
            },
            session=session,
        )


class Once:
    """One create request, remembered with its answer when it carries an Idempotency-Key."""

    def __init__(
        self, store: IdempotencyStore, key: IdempotentRequest | None, *, status: int
    ) -> None:
        self.store = store
        self.key = key
        self.status = status

    @classmethod
    def of(
        cls,
        request: Request,
        store: IdempotencyStore,
        *,
        caller: str,
        authority: str,
        body: Any,
        status: int,
    ) -> "Once":
        """The create this request makes; `body` must leave out secrets such as passwords."""
        key = idempotent_request(request, caller=caller, authority=authority, body=body)
        return cls(store, key, status=status)

    async def earlier(self) -> JSONResponse | None:
        """The first answer, if this request was made before."""
        if self.key is None:
            return None
        answer = await self.store.earlier_answer(self.key)
        if answer is None:
            return None
        return JSONResponse(answer.body, status_code=answer.status)

    async def remember(self, session: Session, answer: BaseModel) -> None:
        """Keep the answer in the create's own transaction."""
        if self.key is not None:
            await self.store.remember(
                self.key, StoredAnswer(self.status, answer.model_dump(mode="json")), session=session
            )

    async def run(self, create: Callable[[], Awaitable[Answer]]) -> Answer | JSONResponse:
        """Answer a repeat from memory; otherwise create (the create calls `remember`)."""
        earlier = await self.earlier()
        if earlier is not None:
            return earlier
        try:
            return await create()
        except DuplicateKeyError:
            # A concurrent request with the same key committed first: give its answer.
            earlier = await self.earlier()
            if earlier is not None:
                return earlier
            # Another request made the same thing at the same moment; nothing was saved here.
            raise Conflict(
                "This was changed by another request at the same moment. Try again.",
                code="concurrent_change",
            ) from None


async def create_once(
    request: Request,
    store: IdempotencyStore,
    *,
    caller: str,
    authority: str,
    body: Any,
    create: Callable[[Once], Awaitable[Answer]],
    response: Response | None = None,
) -> Answer | JSONResponse:
    """Make something once per Idempotency-Key, answered 201; a repeat gets the first answer.

    `create` saves with `once.remember` in its transaction. With `response`, the new thing's
    `version` is sent as its ETag, so that the client can change it next.
    """
    once = Once.of(request, store, caller=caller, authority=authority, body=body, status=201)
    made = await once.run(lambda: create(once))
    version = getattr(made, "version", None)
    if response is not None and isinstance(version, int) and not isinstance(made, JSONResponse):
        set_etag(response, version)
    return made
