"""Background processes tracked by pid files: start, probe, stop by process group."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROC = Path("/proc")
START_MARK = "--- "
# The last line of a Python traceback: "package.module.SomeError: message".
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit): ")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name, or None if there is no such process."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    return raw[raw.rindex(")") + 2 :].split()


def start_time(pid: int) -> int | None:
    """Kernel start time of a process (clock ticks since boot), to tell a reused pid apart."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (reaping it if it is our child)."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    members = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


@dataclass(frozen=True)
class PidFile:
    """A pid file holding a pid and that process's start time."""

    path: Path

    def write(self, pid: int) -> None:
        """Record a process, atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".pid.tmp")
        partial.write_text(f"{pid} {start_time(pid) or 0}\n")
        partial.replace(self.path)

    def read(self) -> tuple[int, int] | None:
        """The recorded pid and start time, or None if the file is missing or unreadable."""
        try:
            pid_text, started_text = self.path.read_text().split()[:2]
            return int(pid_text), int(started_text)
        except (FileNotFoundError, ValueError):
            return None

    def running_pid(self) -> int | None:
        """The recorded pid if that very process still runs."""
        recorded = self.read()
        if recorded is None:
            return None
        pid, started = recorded
        if not alive(pid):
            return None
        if started and start_time(pid) != started:
            return None
        return pid

    def remove(self) -> None:
        """Forget the process."""
        self.path.unlink(missing_ok=True)


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    log_path: Path,
    pid_file: PidFile,
    cwd: Path,
) -> int:
    """Start a command in its own session, output appended to a log, and record its pid."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        log.write(f"{START_MARK}{stamp} start: {' '.join(argv)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Own session: Ctrl-C in the terminal reaches only the runner, which then
            # stops every child in order; and the whole group can be signalled at once.
            start_new_session=True,
        )
    pid_file.write(process.pid)
    return process.pid


def stop_group(pid: int, *, timeout: float) -> bool:
    """SIGTERM a process group, wait, then SIGKILL what is left; True if it had to kill."""
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        return False
    # Only signal the group when the process leads it (we started it in its own session);
    # otherwise signalling the group could hit unrelated processes.
    target = pgid if pgid == pid else None

    def send(sig: signal.Signals) -> None:
        try:
            if target is not None:
                os.killpg(target, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def gone() -> bool:
        leader_gone = not alive(pid)  # also reaps the leader if it is our child
        return leader_gone and (target is None or not group_members(target))

    send(signal.SIGTERM)
    if wait_until(gone, timeout=timeout, interval=0.1):
        return False
    send(signal.SIGKILL)
    wait_until(gone, timeout=5, interval=0.1)
    return True


def stop_recorded(pid_file: PidFile, *, timeout: float) -> str:
    """Stop the process a pid file records; returns what happened, for progress lines."""
    recorded = pid_file.read()
    if recorded is None:
        pid_file.remove()
        return "not running"
    pid = pid_file.running_pid()
    if pid is None:
        pid_file.remove()
        leader = recorded[0]
        # A leader that died alone (e.g. SIGKILL) leaves its children behind, still holding
        # the port. The kernel never hands out a pid still used as a group id, so a group
        # named after a pid that no longer exists is that leader's group.
        if _stat_fields(leader) is None and group_members(leader):
            stop_group_orphans(leader, timeout=timeout)
            return "had exited; stopped the processes it left behind"
        return "had already exited (stale pid file removed)"
    killed = stop_group(pid, timeout=timeout)
    pid_file.remove()
    return f"killed (pid {pid}) after {timeout:.0f} s" if killed else f"stopped (pid {pid})"


def stop_group_orphans(pgid: int, *, timeout: float) -> None:
    """SIGTERM, then SIGKILL, a process group whose leader is gone."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        if wait_until(lambda: not group_members(pgid), timeout=wait, interval=0.1):
            return


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now, for a server started next."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def port_open(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll check until it answers True or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return True
        except Exception:  # noqa: S110 - a probe failing means "not yet"
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def tail(path: Path, lines: int = 20) -> str:
    """Last lines a log got from the latest start, led by the first exception if cut off."""
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 256 * 1024))
            text = log.read().decode(errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    run = text.splitlines()
    starts = [index for index, line in enumerate(run) if line.startswith(START_MARK)]
    if starts:
        run = run[starts[-1] + 1 :]
    shown = run[-lines:]
    # gunicorn prints its own tracebacks after the app's: the cause would scroll out of view.
    first_error = next((line for line in run if EXCEPTION_LINE.match(line)), None)
    if first_error is not None and first_error not in shown:
        shown = [f"first error: {first_error}", "...", *shown]
    return "\n".join(shown)
