"""JSON logs that carry the request id, authority and user id."""

import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from kit import context

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (
            ("request_id", context.request_id),
            ("authority", context.authority),
            ("user_id", context.user_id),
        ):
            value = var.get()
            if value:
                entry[key] = value
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TurnFlushingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record at once but flushes once per event-loop turn.

    A busy service logs a line per request; flushing each one is a system call per request.
    Records of one turn of the loop leave together at its end; warnings and errors, and
    records written outside a running loop, are flushed at once.
    """

    def __init__(self) -> None:
        # stderr flushes every line; this stream is buffered and flushed here instead.
        stream = open(  # noqa: SIM115 (lives as long as the process)
            sys.stderr.fileno(), "w", buffering=256 * 1024, encoding="utf-8", closefd=False
        )
        super().__init__(stream)
        self._flush_scheduled = False

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record; flush now or at the end of this turn."""
        try:
            self.stream.write(self.format(record) + self.terminator)
        except Exception:
            self.handleError(record)
            return
        if record.levelno >= logging.WARNING:
            self.flush()
            return
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._flush_scheduled = True
        loop.call_soon(self._flush_turn)

    def _flush_turn(self) -> None:
        self._flush_scheduled = False
        self.flush()


def configure(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON."""
    handler = TurnFlushingHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiormq", "aio_pika", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger(service).debug("logging configured")


def get_logger(name: str) -> logging.Logger:
    """A named logger."""
    return logging.getLogger(name)
