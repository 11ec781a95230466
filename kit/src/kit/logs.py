"""JSON logs that carry the request id, authority and user id."""

import asyncio
import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from kit import context

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}
_encode = json.JSONEncoder(default=str).encode


def _entry(created: float, level: str, logger: str, message: str) -> dict[str, Any]:
    """The fields every line starts with, the request's context included."""
    entry: dict[str, Any] = {
        "time": datetime.fromtimestamp(created, UTC).isoformat(timespec="microseconds"),
        "level": level,
        "logger": logger,
        "message": message,
    }
    for key, var in (
        ("request_id", context.request_id),
        ("authority", context.authority),
        ("user_id", context.user_id),
    ):
        value = var.get()
        if value:
            entry[key] = value
    return entry


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = _entry(record.created, record.levelname.lower(), record.name, record.getMessage())
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _encode(entry)


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
        else:
            self._flush_by_end_of_turn()

    def write_line(self, line: str) -> None:
        """Write an already formatted INFO line, flushed at the end of this turn."""
        with self.lock:  # type: ignore[union-attr]  # made by the Handler constructor
            self.stream.write(line + self.terminator)
        self._flush_by_end_of_turn()

    def _flush_by_end_of_turn(self) -> None:
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


_handler: TurnFlushingHandler | None = None


def info_line(logger: logging.Logger, message: str, fields: dict[str, Any]) -> None:
    """An INFO record with these fields, as `logger.info(message, extra=fields)` writes it.

    With the handler `configure` installs alone in place, the line is formatted and written
    directly, without building a LogRecord: the access log writes one per request.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    handler = _handler
    if handler is None or logger.handlers or logging.getLogger().handlers != [handler]:
        logger.handle(
            logger.makeRecord(logger.name, logging.INFO, "", 0, message, (), None, extra=fields)
        )
        return
    entry = _entry(time.time(), "info", logger.name, message)
    entry.update(fields)
    handler.write_line(_encode(entry))


def configure(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON."""
    # The JSON lines show no thread or process names: spare every record looking them up.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    global _handler
    handler = _handler = TurnFlushingHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiormq", "aio_pika", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True
    # In a gunicorn worker these two write through gunicorn's own formatter, which needs the
    # process id turned off above: each of their records became a "Logging error" trace.
    for server in ("gunicorn.error", "uvicorn.error"):
        named = logging.getLogger(server)
        named.handlers.clear()
        named.propagate = True
    logging.getLogger(service).debug("logging configured")


def get_logger(name: str) -> logging.Logger:
    """A named logger."""
    return logging.getLogger(name)
