"""The documents service's ASGI app."""

from documents.config import settings
from documents.storage import FileStore
from kit.app import Runtime, ServiceParts, create_app

store = FileStore(settings)


async def _file_store_ready(_: Runtime) -> None:
    await store.check()


app = create_app(
    settings,
    title="Housing Portal: documents",
    description="Documents asked for and supplied; files in S3-compatible storage.",
    parts=ServiceParts(readiness={"file_store": _file_store_ready}),
)
