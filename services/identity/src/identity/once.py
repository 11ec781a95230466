"""`Idempotency-Key` on identity's creates: a retried POST gets the first answer, once."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo.errors import DuplicateKeyError

from kit.errors import Conflict
from kit.idempotency import (
    IdempotencyStore,
    IdempotentRequest,
    StoredAnswer,
    idempotent_request,
)
from kit.mongo import Session

Answer = TypeVar("Answer", bound=BaseModel)


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
        """The create this request makes; `body` must leave out passwords."""
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
