"""A multipart form read as it arrives: each part's headers, then its bytes chunk by chunk.

Starlette's own form reading keeps every file (in memory, then on disk) before the handler
runs; an upload here goes on to the file store while it arrives, and stops at once when it
must be refused.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from kit.errors import AppError

MAX_HEADER_BYTES = 2048


class FormUnreadable(AppError):
    """The body is not a multipart form this API can read."""

    status = 400
    code = "form_unreadable"
    message = "The upload is not a multipart form that can be read."


class ClientGone(Exception):
    """The client went away before sending the whole form."""


@dataclass(frozen=True)
class PartStart:
    """A part begins: its field name and, for a file, the name the client gave it."""

    name: str
    file_name: str | None


@dataclass(frozen=True)
class PartData:
    """Some bytes of the current part."""

    data: bytes


@dataclass(frozen=True)
class PartEnd:
    """The current part is whole."""


FormEvent = PartStart | PartData | PartEnd


def boundary_of(request: Request) -> bytes:
    """The multipart boundary of the request; refuse anything else."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise AppError(
            "Send the files as multipart/form-data.",
            code="unsupported_media_type",
            status=415,
        )
    return boundary


class _Collector:
    """Turns the parser's callbacks into events."""

    def __init__(self) -> None:
        self.events: list[FormEvent] = []
        self.headers: dict[bytes, bytes] = {}
        self.field = bytearray()
        self.value = bytearray()

    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        if len(self.field) + len(self.value) > MAX_HEADER_BYTES:
            raise FormUnreadable("A part of the form has a header that is too long.")
        self.headers[bytes(self.field).lower()] = bytes(self.value)
        self.field.clear()
        self.value.clear()

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise FormUnreadable("A part of the form has no field name.")
        name = options[b"name"].decode("utf-8", "replace")
        file_name = options.get(b"filename")
        self.events.append(
            PartStart(name, file_name.decode("utf-8", "replace") if file_name is not None else None)
        )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self.events.append(PartData(bytes(data[start:end])))

    def on_part_end(self) -> None:
        self.events.append(PartEnd())


async def form_events(request: Request, *, max_body: int) -> AsyncIterator[FormEvent]:
    """The form's parts as they arrive; refuse a body larger than `max_body`."""
    collector = _Collector()
    parser = MultipartParser(
        boundary_of(request),
        callbacks={
            "on_part_begin": collector.on_part_begin,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
            "on_part_data": collector.on_part_data,
            "on_part_end": collector.on_part_end,
        },
        max_header_count=8,
        max_header_size=MAX_HEADER_BYTES,
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_body:
                raise TooMuch()
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                raise FormUnreadable() from exc
            events, collector.events = collector.events, []
            for event in events:
                yield event
        try:
            parser.finalize()
        except MultipartParseError as exc:
            raise FormUnreadable() from exc
    except ClientDisconnect as exc:
        raise ClientGone() from exc
    for event in collector.events:
        yield event


class TooMuch(Exception):
    """The body is larger than one upload may be."""
