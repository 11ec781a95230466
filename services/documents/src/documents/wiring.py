"""The stores the documents service's handlers use, made once when the service starts."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from documents.cases import CaseLookup
from documents.config import Settings
from documents.files.repository import Documents, UploadIntents
from documents.requests.repository import DocumentRequests
from documents.storage import FileStore
from kit.app import Runtime
from kit.errors import ServiceUnavailable
from kit.events.outbox import Outbox
from kit.idempotency import IdempotencyStore
from kit.mongo import Mongo

EXTRAS_KEY = "documents"


@dataclass(frozen=True)
class DocumentStores:
    """The documents service's stores, its file store and its view of cases."""

    settings: Settings
    mongo: Mongo
    outbox: Outbox
    documents: Documents
    requests: DocumentRequests
    intents: UploadIntents
    files: FileStore
    cases: CaseLookup
    idempotency: IdempotencyStore

    @classmethod
    def on(
        cls, mongo: Mongo, outbox: Outbox, *, settings: Settings, files: FileStore
    ) -> "DocumentStores":
        """Make the stores on a database connection."""
        return cls(
            settings=settings,
            mongo=mongo,
            outbox=outbox,
            documents=Documents(mongo),
            requests=DocumentRequests(mongo),
            intents=UploadIntents(mongo),
            files=files,
            cases=CaseLookup(settings.cases_url),
            idempotency=IdempotencyStore(mongo),
        )


def get_stores(request: Request) -> DocumentStores:
    """The service's stores; unavailable until start-up has finished."""
    runtime: Runtime = request.app.state.runtime
    stores = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(stores, DocumentStores):
        raise ServiceUnavailable("The service is starting; try again in a moment.")
    return stores


StoresDep = Annotated[DocumentStores, Depends(get_stores)]
