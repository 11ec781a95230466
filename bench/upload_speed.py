"""Uploads and downloads: through the gateway and the documents service to S3, against the
S3 server on its own.

A 50 MB file is uploaded and downloaded `--rounds` times each way, through the portal
(client -> gateway -> documents -> S3) and straight to the S3 server with the minio client;
the median throughput of each counts. A 50 MB download takes under a fifth of a second, so a
moment's stall elsewhere on the machine moves one round a lot: the median of seven rounds
moves less from run to run than that of three did. Targets: the portal reaches 0.7 of the
straight throughput both ways. A 200 MB file is then sent through the portal once each way
while the resident memory of every documents and gateway process is sampled: each must stay
within 30 MB of where it started (uploads and downloads are streamed, never held whole).
Results are printed and written to bench/results/ as JSON.
"""

import argparse
import asyncio
import io
import json
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import urllib3
from bench.cases_load import tokens
from bench.results import record
from minio import Minio

from portalstack.endpoints import current_stack
from portalstack.processes import PidFile
from portalstack.settings import BUCKET, StackSettings

AUTHORITY = "bench-uploads"
MB = 1024 * 1024
CHUNK = 256 * 1024
BOUNDARY = "bench-upload-boundary"
TARGET_RATIO = 0.7
MEMORY_ALLOWANCE_MB = 30.0
REFERRAL = {
    "reason_for_approach": "Benchmark",
    "steps_taken": "None",
    "assistance_wanted": "A house",
    "homeless_before": False,
}


def content(size: int) -> Iterator[bytes]:
    """A PDF-looking file of `size` bytes, chunk by chunk, never whole in memory."""
    block = b"%PDF-1.7\n" + os.urandom(CHUNK - 9)
    sent = 0
    while sent < size:
        piece = block[: min(CHUNK, size - sent)]
        sent += len(piece)
        yield piece
        block = os.urandom(CHUNK) if sent < size else block


async def form(size: int) -> AsyncIterator[bytes]:
    """A multipart upload of one file of `size` bytes."""
    description = json.dumps([{"classification": "other"}])
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"\r\n\r\n'
        f'{description}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    for piece in content(size):
        yield piece
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


class Reader(io.RawIOBase):
    """The same bytes as a file-like object, for the minio client."""

    def __init__(self, size: int) -> None:
        self.pieces = content(size)
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.buffer += piece
        taken, self.buffer = (
            (self.buffer, b"") if size < 0 else (self.buffer[:size], self.buffer[size:])
        )
        return taken


def group_rss_mb(name: str) -> dict[int, float]:
    """Resident memory of every process of a service (gunicorn and its workers), in MB."""
    settings = StackSettings.from_env()
    pid = PidFile(settings.pid_path(name)).running_pid()
    if pid is None:
        return {}
    group = os.getpgid(pid)
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) != group:
                continue
            with open(f"/proc/{entry}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        found[int(entry)] = int(line.split()[1]) / 1024
        except (OSError, ValueError):
            continue
    return found


class MemoryWatch:
    """Samples the services' memory while something runs; the largest growth of any process."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.start = {name: group_rss_mb(name) for name in names}
        self.peak = {name: dict(self.start[name]) for name in names}
        self.task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            for name in self.names:
                for pid, rss in group_rss_mb(name).items():
                    self.peak[name][pid] = max(self.peak[name].get(pid, 0.0), rss)
            await asyncio.sleep(0.05)

    def __enter__(self) -> "MemoryWatch":
        self.task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *_: object) -> None:
        if self.task is not None:
            self.task.cancel()

    def growth_mb(self) -> dict[str, float]:
        """Per service, the largest growth of one of its processes over the run."""
        return {
            name: round(
                max(
                    (peak - self.start[name].get(pid, peak) for pid, peak in peaks.items()),
                    default=0.0,
                ),
                1,
            )
            for name, peaks in self.peak.items()
        }


async def ensure_authority(http: httpx.AsyncClient, max_bytes: int) -> str:
    """The benchmark's authority, taking files as large as the run sends; an applicant's
    token there."""
    admin = (await tokens([("bench-platform-admin", ("platform_admin",))], authority="watford"))[
        "bench-platform-admin"
    ]
    headers = {"Authorization": f"Bearer {admin}"}
    uploads = {"max_bytes": max_bytes, "allowed_extensions": [".pdf"]}
    created = await http.post(
        "/watford/api/gateway/authorities",
        json={
            "slug": AUTHORITY,
            "name": "Benchmark Uploads Council",
            "kind": "council",
            "modules": ["homelessness"],
            "uploads": uploads,
            "branding": {"colour": "#335577"},
        },
        headers=headers,
    )
    if created.status_code == 409:
        url = f"/watford/api/gateway/authorities/{AUTHORITY}"
        read = await http.get(url, headers=headers)
        changed = await http.patch(
            url, json={"uploads": uploads}, headers={**headers, "If-Match": read.headers["etag"]}
        )
        if changed.status_code != 200:
            raise RuntimeError(f"could not change {AUTHORITY}: {changed.text}")
    elif created.status_code != 201:
        raise RuntimeError(f"could not register {AUTHORITY}: {created.text}")
    user = f"bench-applicant-{uuid.uuid4().hex[:8]}"
    token = (await tokens([(user, ("applicant",))], authority=AUTHORITY))[user]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        limits = await http.get(
            f"/{AUTHORITY}/api/documents/limits", headers={"Authorization": f"Bearer {token}"}
        )
        if limits.status_code == 200 and limits.json()["max_bytes"] == max_bytes:
            return token
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the documents service never served {AUTHORITY}'s limits")


async def new_case(http: httpx.AsyncClient, token: str) -> str:
    """A submitted referral to upload to."""
    answer = await http.post(
        f"/{AUTHORITY}/api/cases/cases",
        json={"kind": "homelessness", "answers": REFERRAL, "submit": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    if answer.status_code != 201:
        raise RuntimeError(f"could not make a case: {answer.text}")
    case_id: str = answer.json()["id"]
    return case_id


async def portal_upload(http: httpx.AsyncClient, token: str, case_id: str, size: int) -> str:
    """Upload through the gateway; the document's id."""
    answer = await http.post(
        f"/{AUTHORITY}/api/documents/cases/{case_id}/documents",
        content=form(size),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    if answer.status_code != 201:
        raise RuntimeError(f"upload failed: {answer.status_code} {answer.text[:300]}")
    document_id: str = answer.json()["items"][0]["id"]
    return document_id


# The portal's downloads are read with urllib3, the HTTP client the minio client itself reads
# S3 with: both sides pay the same client, and the ratio is what the portal adds. httpx,
# which the uploads use, read the same download about 15% slower than urllib3 did.
DOWNLOADS = urllib3.PoolManager()


def portal_download(stack_url: str, token: str, case_id: str, document_id: str) -> int:
    """Download through the gateway, counting the bytes."""
    answer = DOWNLOADS.request(
        "GET",
        f"{stack_url}/{AUTHORITY}/api/documents/cases/{case_id}/documents/{document_id}/file",
        headers={"Authorization": f"Bearer {token}"},
        preload_content=False,
    )
    try:
        if answer.status != 200:
            raise RuntimeError(f"download failed: {answer.status}")
        return sum(len(piece) for piece in answer.stream(CHUNK))
    finally:
        answer.release_conn()


def s3_client() -> Minio:
    stack = current_stack()
    return Minio(
        urlsplit(stack.s3_url).netloc,
        access_key=stack.s3_access_key,
        secret_key=stack.s3_secret_key,
        secure=False,
    )


def raw_upload(client: Minio, key: str, size: int) -> None:
    client.put_object(BUCKET, key, Reader(size), length=-1, part_size=8 * MB)  # type: ignore[arg-type]


def raw_download(client: Minio, key: str) -> int:
    response = client.get_object(BUCKET, key)
    try:
        return sum(len(piece) for piece in response.stream(CHUNK))
    finally:
        response.close()
        response.release_conn()


async def timed(work: Any) -> float:
    started = time.perf_counter()
    await work
    return time.perf_counter() - started


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    """Throughput both ways against raw S3, then memory for a large file."""
    size = arguments.size_mb * MB
    large = arguments.large_mb * MB
    stack = current_stack()
    client = s3_client()
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=600) as http:
        token = await ensure_authority(http, max_bytes=max(size, large))
        case_id = await new_case(http, token)
        portal_up, portal_down, raw_up, raw_down = [], [], [], []
        for _ in range(arguments.rounds):
            key = f"bench/{uuid.uuid4().hex}"
            raw_up.append(size / MB / await timed(asyncio.to_thread(raw_upload, client, key, size)))
            raw_down.append(size / MB / await timed(asyncio.to_thread(raw_download, client, key)))
            await asyncio.to_thread(client.remove_object, BUCKET, key)
            started = time.perf_counter()
            document_id = await portal_upload(http, token, case_id, size)
            portal_up.append(size / MB / (time.perf_counter() - started))
            portal_down.append(
                size
                / MB
                / await timed(
                    asyncio.to_thread(
                        portal_download, stack.gateway_url, token, case_id, document_id
                    )
                )
            )
        with MemoryWatch(("documents", "gateway")) as upload_memory:
            document_id = await portal_upload(http, token, case_id, large)
        with MemoryWatch(("documents", "gateway")) as download_memory:
            received = await asyncio.to_thread(
                portal_download, stack.gateway_url, token, case_id, document_id
            )
        if received != large:
            raise RuntimeError(f"downloaded {received} of {large} bytes")
    upload_ratio = statistics.median(portal_up) / statistics.median(raw_up)
    download_ratio = statistics.median(portal_down) / statistics.median(raw_down)
    growth = {
        "upload": upload_memory.growth_mb(),
        "download": download_memory.growth_mb(),
    }
    results: dict[str, Any] = {
        "size_mb": arguments.size_mb,
        "rounds": arguments.rounds,
        "portal_upload_mb_per_s": round(statistics.median(portal_up), 1),
        "raw_upload_mb_per_s": round(statistics.median(raw_up), 1),
        "upload_ratio": round(upload_ratio, 2),
        "portal_download_mb_per_s": round(statistics.median(portal_down), 1),
        "raw_download_mb_per_s": round(statistics.median(raw_down), 1),
        "download_ratio": round(download_ratio, 2),
        "large_file_mb": arguments.large_mb,
        "memory_growth_mb": growth,
        "upload_within_target": upload_ratio >= TARGET_RATIO,
        "download_within_target": download_ratio >= TARGET_RATIO,
        "memory_within_target": all(
            value <= MEMORY_ALLOWANCE_MB for way in growth.values() for value in way.values()
        ),
    }
    for name, value in results.items():
        print(f"{name}: {value}")
    return results


def main() -> int:
    """Measure, print and record; fail when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--large-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments))
    record("upload_speed", results)
    met = (
        results["upload_within_target"]
        and results["download_within_target"]
        and results["memory_within_target"]
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
