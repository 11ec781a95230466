"""The gunicorn worker every service runs: uvicorn's, with each response sent in one write.

uvicorn writes a response's head as soon as the application starts it and the body when it
comes, so a small response costs two system calls and two TCP segments. Here the writes made
in one turn of the event loop are joined and sent together at the end of it: a response whose
head and body are sent back to back leaves in one call. Large bodies go out at once.

Requests the parser cannot read, or whose headers are too large, are answered here with the
standard error body and logged as one line.
"""

import asyncio
import json
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn_worker import UvicornWorker

from kit import context, logs
from kit.errors import error_body

log = logs.get_logger("kit.server")

# Past this many bytes waiting, writes go out without waiting for the end of the turn.
FLUSH_AT = 64 * 1024
# Most bytes of header fields a request may carry; httptools itself sets no limit.
HEADERS_LIMIT = 32 * 1024
# A head (request line and headers) still unfinished past this many bytes is refused without
# waiting for it to end: httptools holds a header in memory until the whole field has arrived.
UNFINISHED_HEAD_LIMIT = 2 * HEADERS_LIMIT


class CoalescingTransport:
    """A transport whose writes in one event-loop turn leave in one system call."""

    __slots__ = ("_loop", "_pending", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Queue bytes for the end of this turn (or send now, past FLUSH_AT)."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Send what is queued."""
        if not self._pending:
            return
        pending, self._pending, self._size = self._pending, [], 0
        if not self._transport.is_closing():
            self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def close(self) -> None:
        """Send what is queued, then close."""
        self.flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        """Bytes not yet sent, queued here or in the transport."""
        return self._size + self._transport.get_write_buffer_size()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeadersTooLarge(Exception):
    """The request's header fields went past HEADERS_LIMIT."""


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a coalescing transport, refusing oversized heads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading_head = False
        self.header_bytes = 0
        self.head_bytes_received = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # The protocol only writes, closes and asks about its transport; every other call
        # is passed through to the real one.
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        """Parse what arrived; answer a request that cannot be read with the standard body."""
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError as error:
            # An exception raised in a parser callback arrives as the context of this one.
            if isinstance(error.__context__, HeadersTooLarge):
                self.refuse_headers_too_large()
            else:
                self.refuse(
                    400,
                    "bad_request",
                    "The request could not be read.",
                    reason=str(error) or type(error).__name__,
                )
            return
        if self.reading_head:
            self.head_bytes_received += len(data)
            if self.head_bytes_received > UNFINISHED_HEAD_LIMIT:
                self.refuse_headers_too_large()

    def on_message_begin(self) -> None:
        """Start counting the new request's head."""
        super().on_message_begin()
        self.reading_head = True
        self.header_bytes = 0
        self.head_bytes_received = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        """Keep the header unless the fields so far are past the limit."""
        # Counted as written on the wire: name, ": ", value and CRLF.
        self.header_bytes += len(name) + len(value) + 4
        if self.header_bytes > HEADERS_LIMIT:
            raise HeadersTooLarge()
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is read: hand the request to the application."""
        self.reading_head = False
        super().on_headers_complete()

    def refuse_headers_too_large(self) -> None:
        """Answer 431: the request's headers are over the limit."""
        self.refuse(
            431,
            "headers_too_large",
            f"The request's headers are larger than the {HEADERS_LIMIT} bytes accepted.",
            reason="headers too large",
        )

    def refuse(self, status: int, code: str, message: str, *, reason: str) -> None:
        """Answer with the standard error body, log one line and close the connection."""
        request_id = context.accept_request_id(None)
        body = json.dumps(error_body(code, message)).encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"cache-control: no-store\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"x-request-id: " + request_id.encode() + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
        token = context.request_id.set(request_id)
        try:
            # The reason is the parser's own words, never the client's bytes.
            log.warning("request refused unread", extra={"status": status, "reason": reason})
        finally:
            context.request_id.reset(token)


class Worker(UvicornWorker):  # type: ignore[misc]  # gunicorn workers are untyped
    """gunicorn worker: uvicorn on uvloop with the coalescing HTTP protocol."""

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "auto",
        "http": "kit.server:HttpProtocol",
        # Behind the gateway one answer would carry two; none names the server's software.
        "server_header": False,
    }
