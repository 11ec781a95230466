"""The S3-compatible store that holds the files: streamed in and out, never held whole."""

import asyncio
import contextlib
import hashlib
import queue
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import S3Error

from documents.config import Settings

# Chunks waiting to be read by the uploading thread: bounds the memory one upload holds
# besides the part being sent.
QUEUED_CHUNKS = 16
READ_BYTES = 1024 * 1024


class UploadStopped(Exception):
    """The upload was stopped on purpose (too large, refused, client gone)."""


class _End:
    """Marks the end of the file in the queue."""


@dataclass(frozen=True)
class StoredFile:
    """What was written: its size and sha256."""

    size: int
    sha256: str


class _QueueReader:
    """A file-like object the uploading thread reads, fed chunk by chunk from the event loop."""

    def __init__(self) -> None:
        self.chunks: queue.Queue[bytes | _End | BaseException] = queue.Queue(QUEUED_CHUNKS)
        self.buffer = bytearray()
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        while not self.ended and (size < 0 or len(self.buffer) < size):
            item = self.chunks.get()
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, _End):
                self.ended = True
                break
            self.buffer += item
        if size < 0 or size >= len(self.buffer):
            taken = bytes(self.buffer)
            self.buffer.clear()
            return taken
        taken = bytes(self.buffer[:size])
        del self.buffer[:size]
        return taken


class ObjectWriter:
    """One object being written: chunks go in from the event loop, a thread sends them on."""

    def __init__(self, store: "FileStore", key: str, content_type: str) -> None:
        self.reader = _QueueReader()
        self.size = 0
        self.digest = hashlib.sha256()
        self.future: asyncio.Future[Any] = asyncio.get_running_loop().run_in_executor(
            store.executor, store.put, key, self.reader, content_type
        )

    async def _give(self, item: bytes | _End | BaseException) -> None:
        while True:
            if self.future.done():
                # The thread has stopped (the store failed): say why.
                self.future.result()
                raise UploadStopped("the upload ended early")
            try:
                self.reader.chunks.put_nowait(item)
                return
            except queue.Full:
                await asyncio.wait({self.future}, timeout=0.01)

    async def write(self, chunk: bytes) -> None:
        """Send a chunk on, counting and hashing it."""
        self.size += len(chunk)
        self.digest.update(chunk)
        await self._give(chunk)

    async def finish(self) -> StoredFile:
        """End the file and wait until the store has it whole."""
        await self._give(_End())
        await self.future
        return StoredFile(self.size, self.digest.hexdigest())

    async def abort(self) -> None:
        """Stop the upload: the thread aborts it, leaving no object and no parts."""
        if not self.future.done():
            with contextlib.suppress(queue.Full):
                self.reader.chunks.put_nowait(UploadStopped("stopped"))
            if not self.future.done():
                # The queue was full: make room so the thread reads the stop at once.
                with contextlib.suppress(queue.Empty):
                    while True:
                        self.reader.chunks.get_nowait()
                self.reader.chunks.put_nowait(UploadStopped("stopped"))
        with contextlib.suppress(Exception):
            await self.future


class FileStore:
    """The deployment's bucket; keys are `{authority}/{document id}`."""

    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self.part_bytes = settings.s3_part_bytes
        endpoint = urlsplit(settings.s3_endpoint)
        self.client = Minio(
            endpoint.netloc,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=endpoint.scheme == "https",
            region=settings.s3_region,
            http_client=urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=2.0, read=30.0),
                maxsize=16,
                retries=urllib3.Retry(total=0),
            ),
        )
        # Uploads and downloads block a thread each while they run; their own pool keeps them
        # from starving the event loop's default executor.
        self.executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="s3")

    @staticmethod
    def key(authority: str, document_id: str) -> str:
        """Where a document's file lives."""
        return f"{authority}/{document_id}"

    async def check(self) -> None:
        """Raise unless the bucket answers."""
        exists = await asyncio.to_thread(self.client.bucket_exists, self.bucket)
        if not exists:
            raise RuntimeError("the bucket does not exist")

    def put(self, key: str, reader: _QueueReader, content_type: str) -> None:
        """Write an object from the reader: one PUT if small, a multipart upload if not."""
        self.client.put_object(
            self.bucket,
            key,
            cast(BinaryIO, reader),
            length=-1,
            part_size=self.part_bytes,
            content_type=content_type,
            num_parallel_uploads=1,
        )

    def writer(self, key: str, content_type: str) -> ObjectWriter:
        """Start writing an object."""
        return ObjectWriter(self, key, content_type)

    async def remove(self, key: str) -> None:
        """Remove an object (removing a missing one is no error)."""
        await asyncio.get_running_loop().run_in_executor(
            self.executor, self.client.remove_object, self.bucket, key
        )

    async def exists(self, key: str) -> bool:
        """Whether an object is there."""
        try:
            await asyncio.get_running_loop().run_in_executor(
                self.executor, self.client.stat_object, self.bucket, key
            )
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
                return False
            raise
        return True

    async def listing(
        self, prefix: str = "", *, after: str = "", limit: int | None = None
    ) -> list[tuple[str, datetime | None]]:
        """The keys and times of writing of the objects under a prefix, in key order: those
        after a key, and at most `limit` of them (S3 answers a page of up to 1,000 at a time, and
        no page is asked for once enough were read)."""

        def walk() -> list[tuple[str, datetime | None]]:
            found: list[tuple[str, datetime | None]] = []
            for item in self.client.list_objects(
                self.bucket,
                prefix=prefix,
                recursive=True,
                start_after=after or None,
            ):
                found.append((str(item.object_name), item.last_modified))
                if limit is not None and len(found) >= limit:
                    break
            return found

        return await asyncio.get_running_loop().run_in_executor(self.executor, walk)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, chunk by chunk; raises at once if it cannot be read."""
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(
            self.executor, self.client.get_object, self.bucket, key
        )
        return self._chunks(response)

    async def _chunks(self, response: Any) -> AsyncIterator[bytes]:
        """The object's chunks, the next one read from S3 while this one is sent: the two
        cores each do one. At most two chunks are held."""
        loop = asyncio.get_running_loop()
        chunks: Iterator[bytes] = response.stream(READ_BYTES)
        upcoming = loop.run_in_executor(self.executor, next, chunks, None)
        try:
            while True:
                chunk = await upcoming
                if chunk is None:
                    return
                upcoming = loop.run_in_executor(self.executor, next, chunks, None)
                yield chunk
        finally:
            # A read still under way ends before the response is closed under it.
            await asyncio.wait([upcoming])
            response.close()
            response.release_conn()
