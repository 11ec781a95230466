"""Stopping tracked processes: whole group, stubborn ones, dead leaders, stale pid files."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from portalstack.processes import (
    PidFile,
    alive,
    group_members,
    spawn,
    stop_recorded,
    wait_until,
)


def start_shell(script: str, tmp_path: Path) -> tuple[int, PidFile]:
    """Start a shell script the way the runner starts components."""
    pid_file = PidFile(tmp_path / "run" / "probe.pid")
    pid = spawn(
        ["sh", "-c", script],
        env=dict(os.environ),
        log_path=tmp_path / "logs" / "probe.log",
        pid_file=pid_file,
        cwd=tmp_path,
    )
    return pid, pid_file


class TestStopRecorded:
    """A stop leaves no process of the group behind and no pid file."""

    def test_stops_the_leader_and_its_children(self, tmp_path: Path) -> None:
        pid, pid_file = start_shell("sleep 30 & sleep 30 & wait", tmp_path)
        assert wait_until(lambda: len(group_members(pid)) == 3, timeout=5, interval=0.05)
        assert pid_file.running_pid() == pid

        assert stop_recorded(pid_file, timeout=5) == f"stopped (pid {pid})"

        assert group_members(pid) == []
        assert not pid_file.path.exists()

    def test_kills_a_process_that_ignores_sigterm(self, tmp_path: Path) -> None:
        armed = tmp_path / "armed"
        pid, pid_file = start_shell(
            f"trap '' TERM; touch {armed}; while :; do sleep 0.1; done", tmp_path
        )
        assert wait_until(armed.exists, timeout=5, interval=0.05)

        assert stop_recorded(pid_file, timeout=0.5).startswith(f"killed (pid {pid})")

        assert group_members(pid) == []

    def test_stops_children_left_by_a_leader_that_died(self, tmp_path: Path) -> None:
        pid, pid_file = start_shell("sleep 30 & sleep 30 & wait", tmp_path)
        assert wait_until(lambda: len(group_members(pid)) == 3, timeout=5, interval=0.05)
        os.kill(pid, signal.SIGKILL)
        assert wait_until(lambda: not alive(pid), timeout=5, interval=0.05)

        assert stop_recorded(pid_file, timeout=5) == (
            "had exited; stopped the processes it left behind"
        )
        assert group_members(pid) == []

    def test_stale_pid_file_is_removed(self, tmp_path: Path) -> None:
        finished = subprocess.Popen(["true"])
        finished.wait()
        pid_file = PidFile(tmp_path / "gone.pid")
        pid_file.path.write_text(f"{finished.pid} 12345\n")

        assert pid_file.running_pid() is None
        assert stop_recorded(pid_file, timeout=1) == "had already exited (stale pid file removed)"
        assert not pid_file.path.exists()

    def test_pid_reused_by_another_process_is_left_alone(self, tmp_path: Path) -> None:
        stranger = subprocess.Popen(["sleep", "30"], start_new_session=True)
        try:
            pid_file = PidFile(tmp_path / "reused.pid")
            # Same pid, other start time: what the file names is gone, the pid was recycled.
            pid_file.path.write_text(f"{stranger.pid} 1\n")

            assert pid_file.running_pid() is None
            assert stop_recorded(pid_file, timeout=1).startswith("had already exited")
            assert stranger.poll() is None
        finally:
            stranger.kill()
            stranger.wait()
