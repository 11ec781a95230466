"""The gateway's upstream HTTP client candidates, measured from one process on one core.

A proxy spends much of its time in its upstream client. The gateway's own client
(gateway.upstream) is measured against aiohttp and httpx from a single event loop.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import httpx
import uvloop

from gateway.upstream import UpstreamClient

Send = Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class ClientResult:
    """Requests per second one client reached."""

    client: str
    requests_per_second: float
    errors: int


async def _drive(send: Send, *, seconds: float, concurrency: int) -> tuple[int, int]:
    deadline = time.perf_counter() + seconds
    done = errors = 0

    async def worker() -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            status = await send()
            done += 1
            errors += status != 200

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, errors


async def _aiohttp(url: str, *, seconds: float, concurrency: int) -> ClientResult:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def send() -> int:
            async with session.get(url) as response:
                await response.read()
                return response.status

        await _drive(send, seconds=0.5, concurrency=concurrency)
        done, errors = await _drive(send, seconds=seconds, concurrency=concurrency)
    return ClientResult("aiohttp", done / seconds, errors)


async def _httpx(url: str, *, seconds: float, concurrency: int) -> ClientResult:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:

        async def send() -> int:
            response = await client.get(url)
            return response.status_code

        await _drive(send, seconds=0.5, concurrency=concurrency)
        done, errors = await _drive(send, seconds=seconds, concurrency=concurrency)
    return ClientResult("httpx", done / seconds, errors)


async def _gateway(url: str, *, seconds: float, concurrency: int) -> ClientResult:
    client = UpstreamClient(
        connect_timeout=3, read_timeout=30, connections=concurrency, idle_timeout=10
    )
    base, _, path = url.partition("://")[2].partition("/")
    target = f"/{path}".encode()

    async def send() -> int:
        response = await client.request(f"http://{base}", "GET", target, [])
        await response.read()
        return response.status

    try:
        await _drive(send, seconds=0.5, concurrency=concurrency)
        done, errors = await _drive(send, seconds=seconds, concurrency=concurrency)
    finally:
        await client.close()
    return ClientResult("gateway", done / seconds, errors)


def compare(url: str, *, seconds: float = 5.0, concurrency: int = 32) -> list[ClientResult]:
    """Each candidate's throughput against the same upstream URL, best first."""
    results = []
    for candidate in (_gateway, _aiohttp, _httpx):
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            results.append(runner.run(candidate(url, seconds=seconds, concurrency=concurrency)))
    return sorted(results, key=lambda result: result.requests_per_second, reverse=True)
