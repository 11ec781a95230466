"""After a failed test run: which processes died, and what their logs said about it."""

from __future__ import annotations

from portalstack.processes import START_MARK
from portalstack.settings import StackSettings
from portalstack.stack import Stack

GUNICORN_DEATH = [
    "[2026-12-03 10:00:00 +0000] [11] [INFO] Booting worker with pid: 12",
    "[2026-12-03 10:05:00 +0000] [11] [CRITICAL] WORKER TIMEOUT (pid:12)",
    "[2026-12-03 10:05:01 +0000] [11] [ERROR] Worker (pid:13) exited with code 3.",
    "[2026-12-03 10:05:01 +0000] [11] [ERROR] Reason: Worker failed to boot.",
]


def write_log(settings: StackSettings, name: str, lines: list[str]) -> None:
    path = settings.log_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{START_MARK}2026-12-03T10:00:00+00:00 start: gunicorn\n" + "\n".join(lines))


class TestIncidents:
    def test_a_dead_service_is_named_with_the_lines_telling_why(
        self, settings: StackSettings
    ) -> None:
        write_log(settings, "documents", GUNICORN_DEATH)
        write_log(settings, "gateway", ["[INFO] Booting worker with pid: 5", '{"msg": "ok"}'])

        found = Stack(settings).incidents()

        assert [line for line in found if line.startswith("documents: ")] == [
            f"documents: {line}" for line in GUNICORN_DEATH[1:]
        ]
        assert f"documents is not running; the end of {settings.log_path('documents')}:" in found
        assert "    " + GUNICORN_DEATH[-1] in found
        # A quiet log says nothing; a service never started has no log to read.
        assert not [line for line in found if "gateway" in line and "not running" not in line]

    def test_nothing_to_say_of_a_stack_without_logs(self, settings: StackSettings) -> None:
        assert Stack(settings).incidents() == []
