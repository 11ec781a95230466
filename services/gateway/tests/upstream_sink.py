"""A stand-in upstream for gateway tests: swallows uploads, streams downloads, answers slowly,
and echoes what reached it.

It runs as its own process on a spare port (uvicorn upstream_sink:app) and is put in an
authority's pool, so the real gateway streams to and from it.
"""

import asyncio
import hashlib
import json
from typing import Any

from starlette.types import Receive, Scope, Send

PATTERN = bytes(range(256)) * 256  # 64 KiB
ANSWERED_BY = "upstream-sink"
stats = {"streams_started": 0, "streams_finished": 0, "streams_cut": 0}


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Serve the sink's few routes."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path, method = scope["path"], scope["method"]
    query = dict(
        part.split("=", 1) for part in scope["query_string"].decode().split("&") if "=" in part
    )
    if path in {"/healthz", "/readyz"}:
        await _json(send, 200, {"status": "ok"})
    elif path == "/files" and method in {"POST", "PUT"}:
        digest, size = hashlib.sha256(), 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            digest.update(chunk)
            size += len(chunk)
            if not message.get("more_body", False):
                break
        await _json(send, 200, {"bytes": size, "sha256": digest.hexdigest()})
    elif path == "/stream":
        stats["streams_started"] += 1
        left = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            left.set()

        watcher = asyncio.create_task(watch())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/octet-stream")],
            }
        )
        remaining = int(query.get("bytes", "0"))
        while remaining > 0 and not left.is_set():
            chunk = PATTERN[: min(len(PATTERN), remaining)]
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            remaining -= len(chunk)
            if "pace" in query:
                await asyncio.sleep(float(query["pace"]))
        if left.is_set():
            stats["streams_cut"] += 1
        else:
            await send({"type": "http.response.body", "body": b""})
            stats["streams_finished"] += 1
        watcher.cancel()
    elif path == "/slow":
        await asyncio.sleep(float(query.get("seconds", "1")))
        await _json(send, 200, {"slept": True})
    elif path == "/moved":
        # Points elsewhere as a service would, naming itself by the Host it was reached at.
        host = dict(scope["headers"]).get(b"host", b"").decode()
        targets = {
            "absolute": f"http://{host}/files?page=2",
            "network-path": f"//{host}/files",
            "path": "/files#top",
            "relative": "files",
            "elsewhere": "https://www.gov.uk/housing",
        }
        target = targets[query["to"]].encode()
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [
                    (b"location", target),
                    (b"content-location", target),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
    elif path == "/cacheable":
        # An answer that sets its own caching, which the gateway keeps.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/plain"),
                    (b"cache-control", b"public, max-age=60"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"the same for everyone"})
    elif path == "/echo" or path.startswith("/echo/") or "/echo/" in path:
        # (A page path keeps its authority: /{slug}/echo/...)
        # What arrived, as only the sink can tell: the gateway's own answers never say this.
        headers = dict(scope["headers"])
        await _json(
            send,
            200,
            {
                "answered_by": ANSWERED_BY,
                "raw_path": scope["raw_path"].decode("latin-1"),
                "authority": headers.get(b"x-authority", b"").decode(),
            },
        )
    elif path == "/stats":
        await _json(send, 200, stats)
    else:
        await _json(send, 404, {"error": {"code": "not_found", "message": "Not found."}})
