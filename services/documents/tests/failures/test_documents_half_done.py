"""Uploads that fail half-way leave no file and no record: the client going away, the file
store stopping, the service being killed; and the sweep removes whatever such a failure left."""

import asyncio
import json
import os
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client import REGISTRY
from tests.support.cases import Caller, CasesApi
from tests.support.documents import DocumentsStore, item, pdf, submitted_case
from tests.support.polling import eventually

from documents.config import Settings
from documents.files.models import UploadIntent
from documents.files.repository import Documents, SweepPositions, UploadIntents
from documents.storage import FileStore
from documents.sweep import OrphanSweep
from kit.lease import Lease
from kit.mongo import Mongo
from portalstack.endpoints import Stack
from portalstack.processes import PidFile
from portalstack.settings import BUCKET, StackSettings
from portalstack.stack import Stack as LocalStack

BOUNDARY = "portal-test-boundary"
CHUNK = 256 * 1024


async def form(
    total: int, *, after: int, then: "asyncio.Future[None] | None" = None, fail: bool = False
) -> AsyncIterator[bytes]:
    """A multipart upload of one PDF of `total` bytes, sent a chunk at a time; after `after`
    bytes it waits for `then`, or fails (the client going away)."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"\r\n\r\n'
        f"{json.dumps([item()])}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
        f'name="files"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    yield head
    body = pdf(total)
    sent = 0
    while sent < total:
        yield body[sent : sent + CHUNK]
        sent += CHUNK
        if sent >= after:
            if fail:
                raise ConnectionResetError("the client went away")
            if then is not None and not then.done():
                then.set_result(None)
                await asyncio.sleep(0)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def send(
    gateway: httpx.AsyncClient, caller: Caller, case_id: str, chunks: AsyncIterator[bytes]
) -> httpx.Response:
    return await gateway.post(
        f"/{caller.authority}/api/documents/cases/{case_id}/documents",
        content=chunks,
        headers={**caller.headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        timeout=60,
    )


async def left_nothing(store: DocumentsStore, case_id: str, *, since: datetime) -> None:
    """No record of the case, and no file that no record or upload under way accounts for."""

    async def clean() -> bool:
        return (
            await store.records(case_id) == [] and await store.orphans("watford", since=since) == []
        )

    await eventually(clean, within=20, what="nothing left of the failed upload")


class TestClientGone:
    async def test_a_client_going_away_half_way_leaves_nothing(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        documents_store: DocumentsStore,
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        with pytest.raises((httpx.HTTPError, ConnectionResetError)):
            await send(gateway, applicant, case["id"], form(9_500_000, after=9_000_000, fail=True))
        await left_nothing(documents_store, case["id"], since=started)


@pytest.fixture
async def sweep_parts(stack: Stack) -> AsyncIterator[tuple[Mongo, FileStore]]:
    """The store and the file store as the documents service's sweep reaches them."""
    settings = Settings(
        s3_endpoint=stack.s3_url,
        s3_access_key=stack.s3_access_key,
        s3_secret_key=stack.s3_secret_key,
        s3_bucket=BUCKET,
    )
    mongo = Mongo(stack.mongo_url, settings.mongo_db)
    try:
        yield mongo, FileStore(settings)
    finally:
        await mongo.close()


def sweep_of(mongo: Mongo, files: FileStore, authority: str, **options: int) -> OrphanSweep:
    """A sweep of one authority's files, with its own lease and position."""
    return OrphanSweep(
        files=files,
        documents=Documents(mongo),
        intents=UploadIntents(mongo),
        positions=SweepPositions(mongo),
        lease=Lease(mongo, f"test-sweep-{uuid.uuid4().hex}", seconds=60),
        grace=timedelta(hours=1),
        prefix=f"{authority}/",
        **options,
    )


async def stray_files(files: FileStore, authority: str, count: int) -> list[str]:
    """Files of an authority that no record points at, as a failure leaves them."""
    keys = [files.key(authority, uuid.uuid4().hex) for _ in range(count)]
    for key in keys:
        writer = files.writer(key, "application/pdf")
        await writer.write(pdf())
        await writer.finish()
    return keys


def removed_so_far() -> float:
    """The orphan metric's count of files removed without a record, in this process."""
    return (
        REGISTRY.get_sample_value(
            "portal_documents_orphans_removed_total", {"kind": "without_record"}
        )
        or 0.0
    )


class TestTheSweep:
    async def test_files_no_record_points_at_are_removed(
        self, sweep_parts: tuple[Mongo, FileStore]
    ) -> None:
        mongo, files = sweep_parts
        authority = f"sweep-{uuid.uuid4().hex[:8]}"
        sweep = sweep_of(mongo, files, authority)
        intents = sweep.intents
        # What a killed service leaves: an upload noted and its file written, no record.
        unfinished = uuid.uuid4().hex
        started = datetime.now(UTC) - timedelta(hours=2)
        await intents.start(
            UploadIntent(
                id=unfinished,
                authority=authority,
                key=files.key(authority, unfinished),
                started_at=started,
            )
        )
        [stray] = await stray_files(files, authority, 1)
        writer = files.writer(files.key(authority, unfinished), "application/pdf")
        await writer.write(pdf())
        await writer.finish()
        # The grace period spares files written since the moment given.
        assert await sweep.sweep(datetime.now(UTC) - timedelta(hours=1)) == 1
        assert await files.exists(stray)
        assert not await files.exists(files.key(authority, unfinished))
        assert await intents.pending_ids([unfinished]) == set()
        removed = await sweep.sweep(datetime.now(UTC) + timedelta(seconds=5))
        assert removed >= 1
        assert not await files.exists(stray)

    async def test_each_sweep_lists_a_bounded_slice_and_goes_on_where_the_last_stopped(
        self, sweep_parts: tuple[Mongo, FileStore]
    ) -> None:
        mongo, files = sweep_parts
        authority = f"sweep-{uuid.uuid4().hex[:8]}"
        sweep = sweep_of(mongo, files, authority, keys_per_sweep=2)
        # Two files with records, first in key order: a sweep that always began at the
        # bucket's first key would list only them, every time.
        kept = [f"0000{uuid.uuid4().hex[4:]}" for _ in range(2)]
        for document_id in kept:
            await sweep.documents.insert(authority, {"_id": document_id})
            writer = files.writer(files.key(authority, document_id), "application/pdf")
            await writer.write(pdf())
            await writer.finish()
        strays = sorted(await stray_files(files, authority, 5))
        counted = removed_so_far()
        later = datetime.now(UTC) + timedelta(seconds=5)

        # Only files without records: uploads under way in other tests are left alone.
        slices = [await sweep.remove_without_record(later) for _ in range(4)]
        left = [key for key in strays if await files.exists(key)]

        assert slices == [0, 2, 2, 1]
        assert all([await files.exists(files.key(authority, one)) for one in kept])
        assert left == []
        assert removed_so_far() - counted == 5
        # The bucket's end was reached: the next sweep starts from its first key again.
        assert await sweep.positions.get(sweep.lease.name) == ""
        [again] = await stray_files(files, authority, 1)
        again_later = later + timedelta(seconds=5)
        assert [await sweep.remove_without_record(again_later) for _ in range(2)] == [0, 1]
        assert not await files.exists(again)


def local_stack() -> LocalStack:
    return LocalStack(StackSettings.from_env())


def stop(name: str) -> None:
    """Stop a component of the stack."""
    stack = local_stack()
    with stack.locked():
        stack.stop([name])


def kill(name: str) -> None:
    """Kill a service's processes at once, as a crash or an out-of-memory kill would."""
    settings = StackSettings.from_env()
    pid = PidFile(settings.pid_path(name)).running_pid()
    assert pid is not None, f"{name} is not running"
    os.killpg(os.getpgid(pid), signal.SIGKILL)


def start(name: str) -> None:
    """Start a component of the stack again, waiting until it is ready."""
    stack = local_stack()
    with stack.locked():
        stack.start([name])


@pytest.mark.serial
class TestServersStopping:
    async def test_the_file_store_stopping_half_way_leaves_nothing(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        documents_store: DocumentsStore,
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        half_way: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        upload = asyncio.create_task(
            send(gateway, applicant, case["id"], form(9_800_000, after=8_600_000, then=half_way))
        )
        await half_way
        try:
            await asyncio.to_thread(stop, "s3")
            response = await upload
        finally:
            await asyncio.to_thread(start, "s3")
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "storage_unavailable"
        await left_nothing(documents_store, case["id"], since=started)

    async def test_the_service_killed_half_way_leaves_no_record(
        self,
        cases_api: CasesApi,
        gateway: httpx.AsyncClient,
        documents_store: DocumentsStore,
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        half_way: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        upload = asyncio.create_task(
            send(gateway, applicant, case["id"], form(9_800_000, after=8_600_000, then=half_way))
        )
        await half_way
        try:
            await asyncio.to_thread(kill, "documents")
            response = await upload
            assert response.status_code >= 500, response.text
        except httpx.HTTPError:
            pass  # the gateway may cut the answer off as the service dies
        finally:
            await asyncio.to_thread(start, "documents")
        assert await documents_store.records(case["id"]) == []
        # No finished file without a record; an unfinished upload's intent stays for the sweep.
        assert await documents_store.orphans("watford", since=started) == []
