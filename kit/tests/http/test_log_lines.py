"""Log lines written by a running service: the direct access line and per-turn flushing."""

import json
import subprocess
import sys
from typing import Any


def run_python(script: str) -> list[dict[str, Any]]:
    """Run a script in a fresh interpreter; its stderr lines, parsed."""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return [json.loads(line) for line in run.stderr.splitlines()]


class TestAccessLine:
    def test_is_what_the_formatter_writes_for_the_same_record(self) -> None:
        fast, formatted = run_python(
            """
import logging
from kit import context, logs
logs.configure("check")
context.request_id.set("rid-1")
context.authority.set("rugby")
log = logging.getLogger("kit.access")
logs.info_line(log, "request", {"method": "GET", "status": 200, "duration_ms": 1.5})
log.info("request", extra={"method": "GET", "status": 200, "duration_ms": 1.5})
"""
        )

        assert fast.pop("time")[:4] == formatted.pop("time")[:4] != ""
        assert fast == formatted
        assert fast == {
            "level": "info",
            "logger": "kit.access",
            "message": "request",
            "request_id": "rid-1",
            "authority": "rugby",
            "method": "GET",
            "status": 200,
            "duration_ms": 1.5,
        }

    def test_is_not_written_when_info_is_off(self) -> None:
        lines = run_python(
            """
import logging
from kit import logs
logs.configure("check", level="WARNING")
logs.info_line(logging.getLogger("kit.access"), "request", {"status": 200})
logging.getLogger("kit.access").warning("kept")
"""
        )

        assert [line["message"] for line in lines] == ["kept"]


class TestFlushing:
    def test_lines_of_a_turn_are_out_by_its_end(self) -> None:
        # The process ends without logging's own flush at exit: only lines flushed by the end
        # of their event-loop turn reach stderr, before the marker written after that turn.
        lines = run_python(
            """
import asyncio, logging, os
from kit import logs
logs.configure("check")

async def main():
    logging.getLogger("check").info("first")
    logs.info_line(logging.getLogger("kit.access"), "request", {"status": 200})
    await asyncio.sleep(0.05)
    os.write(2, b'{"message": "marker"}\\n')
    os._exit(0)

asyncio.run(main())
"""
        )

        assert [line["message"] for line in lines] == ["first", "request", "marker"]
