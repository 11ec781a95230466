"""The documents service's ASGI app."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from documents.config import settings
from documents.files.api import router as files_router
from documents.files.repository import INDEXES as FILE_INDEXES
from documents.files.repository import SweepPositions
from documents.generated import router as generated_router
from documents.requests.api import router as requests_router
from documents.requests.repository import INDEXES as REQUEST_INDEXES
from documents.schemas import UploadItem
from documents.storage import FileStore
from documents.sweep import OrphanSweep
from documents.wiring import EXTRAS_KEY, DocumentStores
from kit.app import Runtime, ServiceParts, create_app
from kit.lease import Lease
from kit.loops import keep_working

store = FileStore(settings)


async def _file_store_ready(_: Runtime) -> None:
    await store.check()


async def _start(runtime: Runtime) -> None:
    stores = DocumentStores.on(runtime.mongo, runtime.outbox, settings=settings, files=store)
    runtime.extras[EXTRAS_KEY] = stores
    sweep = OrphanSweep(
        files=store,
        documents=stores.documents,
        intents=stores.intents,
        positions=SweepPositions(stores.mongo),
        lease=Lease(stores.mongo, "documents-orphans", seconds=max(60.0, settings.sweep_seconds)),
        grace=timedelta(seconds=settings.orphan_after_seconds),
    )
    runtime.extras["sweep"] = sweep
    runtime.tasks.append(
        asyncio.create_task(
            keep_working(
                sweep.step,
                name="orphan sweep",
                wake=asyncio.Event(),
                poll_seconds=settings.sweep_seconds,
            ),
            name="orphan-sweep",
        )
    )


async def _stop(runtime: Runtime) -> None:
    stores = runtime.extras.get(EXTRAS_KEY)
    if isinstance(stores, DocumentStores):
        await stores.cases.close()


application = create_app(
    settings,
    title="Housing Portal: documents",
    description="Documents asked for and supplied; files in S3-compatible storage.",
    parts=ServiceParts(
        routers=[files_router, requests_router, generated_router],
        indexes=[*FILE_INDEXES, *REQUEST_INDEXES],
        readiness={"file_store": _file_store_ready},
        on_start=_start,
        on_stop=_stop,
    ),
)


def _with_upload_items(build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Name the shape of an upload's `documents` field in the document's schemas."""

    def openapi() -> dict[str, Any]:
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("UploadItem", UploadItem.model_json_schema())
        return document

    return openapi


application.openapi = _with_upload_items(application.openapi)  # type: ignore[method-assign]
app = application
