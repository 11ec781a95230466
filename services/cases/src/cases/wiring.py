"""The stores the cases service's handlers use, made once when the service starts."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from cases.cases.repository import CaseHistory, Cases, References
from cases.config import Settings
from kit.app import Runtime
from kit.errors import ServiceUnavailable
from kit.events.outbox import Outbox
from kit.idempotency import IdempotencyStore
from kit.mongo import Mongo

EXTRAS_KEY = "cases"


@dataclass(frozen=True)
class CaseStores:
    """The cases service's stores and settings."""

    settings: Settings
    mongo: Mongo
    outbox: Outbox
    cases: Cases
    history: CaseHistory
    references: References
    idempotency: IdempotencyStore

    @classmethod
    def on(cls, mongo: Mongo, outbox: Outbox, *, settings: Settings) -> "CaseStores":
        """Make the stores on a database connection."""
        return cls(
            settings=settings,
            mongo=mongo,
            outbox=outbox,
            cases=Cases(mongo),
            history=CaseHistory(mongo),
            references=References(mongo),
            idempotency=IdempotencyStore(mongo),
        )


def get_stores(request: Request) -> CaseStores:
    """The service's stores; unavailable until start-up has finished."""
    runtime: Runtime = request.app.state.runtime
    stores = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(stores, CaseStores):
        raise ServiceUnavailable("The service is starting; try again in a moment.")
    return stores


StoresDep = Annotated[CaseStores, Depends(get_stores)]
