"""What the runner starts: a process tracked by a pid file, or the RabbitMQ broker."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from portalstack.processes import (
    START_MARK,
    PidFile,
    port_open,
    spawn,
    stop_recorded,
    wait_until,
)
from portalstack.settings import StackSettings

# How long a port may stay taken after its process was stopped or killed.
PORT_FREED_WITHIN = 10.0


class StackError(Exception):
    """The stack could not be brought to the requested state."""


def say(line: str) -> None:
    """Print one progress line at once, even when output is piped."""
    print(line, flush=True)


def http_status(host: str, port: int, path: str, *, timeout: float = 2.0) -> int | None:
    """Status code of a GET, or None if nothing answered."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


class Component(ABC):
    """One thing the stack runs, with a readiness check and a clean stop."""

    name: str
    log_path: Path

    @abstractmethod
    def launch(self) -> bool:
        """Start it unless it already runs; True if this call started it."""

    @abstractmethod
    def ready(self) -> bool:
        """Whether it serves requests now."""

    def failure(self) -> str | None:
        """Why it can no longer become ready (it exited), or None while there is hope."""
        return None

    def after_ready(self) -> None:  # noqa: B027 - optional hook, most components need nothing
        """Work to do once it is ready (e.g. create a bucket)."""

    @abstractmethod
    def stop(self) -> str:
        """Stop it if the runner started it; returns what happened."""

    @abstractmethod
    def state(self) -> str:
        """One line for `status`."""


class ProcessComponent(Component):
    """A background process started in its own session and tracked by a pid file."""

    def __init__(
        self,
        settings: StackSettings,
        *,
        name: str,
        argv: Sequence[str],
        ports: Sequence[int],
        probe: Callable[[], bool],
        env: Mapping[str, str] | None = None,
        stop_timeout: float = 15.0,
        prepare: Callable[[], None] | None = None,
        after_ready: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.name = name
        self.argv = list(argv)
        self.ports = list(ports)
        self.probe = probe
        self.env = dict(os.environ if env is None else env)
        self.stop_timeout = stop_timeout
        self.prepare = prepare
        self.after_ready_hook = after_ready
        self.log_path = settings.log_path(name)
        self.pid_file = PidFile(settings.pid_path(name))

    def launch(self) -> bool:
        """Start the process unless its pid file names a live one."""
        pid = self.pid_file.running_pid()
        if pid is not None:
            say(f"{self.name}: already running (pid {pid})")
            return False
        if self.pid_file.path.exists():
            # Stale: clean up whatever the dead process may have left holding the port.
            say(f"{self.name}: {stop_recorded(self.pid_file, timeout=self.stop_timeout)}")

        def busy() -> list[int]:
            return [port for port in self.ports if port_open(self.settings.connect_host, port)]

        # A process that was just killed holds its ports until it has finished dying.
        if busy() and not wait_until(lambda: not busy(), timeout=PORT_FREED_WITHIN):
            raise StackError(
                f"{self.name}: port {(busy() or self.ports)[0]} is already in use by a process "
                "this stack did not start (stop it or choose another PORTAL_*_PORT)"
            )
        if self.prepare is not None:
            self.prepare()
        try:
            pid = spawn(
                self.argv,
                env=self.env,
                log_path=self.log_path,
                pid_file=self.pid_file,
                cwd=self.settings.root,
            )
        except OSError as exc:
            raise StackError(f"{self.name}: cannot run {self.argv[0]}: {exc}") from exc
        say(f"{self.name}: started (pid {pid}), port {'/'.join(map(str, self.ports))}")
        return True

    def ready(self) -> bool:
        """Whether the readiness probe passes."""
        return self.probe()

    def failure(self) -> str | None:
        """Reports a process that exited."""
        if self.pid_file.running_pid() is None:
            return "exited"
        return None

    def after_ready(self) -> None:
        """Run the configured follow-up."""
        if self.after_ready_hook is not None:
            self.after_ready_hook()

    def stop(self) -> str:
        """SIGTERM its process group, then SIGKILL what is left."""
        return stop_recorded(self.pid_file, timeout=self.stop_timeout)

    def state(self) -> str:
        """Running with its pid and readiness, stopped, or port taken by a stranger."""
        pid = self.pid_file.running_pid()
        if pid is not None:
            try:
                ready = self.probe()
            except Exception:  # a probe that errors means "not ready"
                ready = False
            return f"running (pid {pid}), {'ready' if ready else 'NOT ready'}"
        if self.pid_file.path.exists():
            return "stopped (stale pid file)"
        busy = [port for port in self.ports if port_open(self.settings.connect_host, port)]
        if busy:
            return f"stopped, but port {busy[0]} is used by another process"
        return "stopped"


def _rabbitmq_env_file() -> dict[str, str]:
    """KEY=VALUE pairs of Debian's /etc/rabbitmq/rabbitmq-env.conf."""
    values: dict[str, str] = {}
    try:
        lines = Path("/etc/rabbitmq/rabbitmq-env.conf").read_text().splitlines()
    except OSError:
        return values
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and key.isidentifier():
            values[key] = value.strip().strip("\"'")
    return values


def rabbitmq_node_name() -> str:
    """Node name RabbitMQ will use: environment, then rabbitmq-env.conf, then rabbit@host."""
    configured = os.environ.get("RABBITMQ_NODENAME") or _rabbitmq_env_file().get("NODENAME")
    return configured or f"rabbit@{socket.gethostname().split('.')[0]}"


def rabbitmq_pid_path(node: str) -> Path:
    """Pid file the broker writes once it runs (its Mnesia base holds it)."""
    base = os.environ.get("RABBITMQ_MNESIA_BASE") or _rabbitmq_env_file().get("MNESIA_BASE")
    return Path(base or "/var/lib/rabbitmq/mnesia") / f"{node}.pid"


class RabbitMQ(Component):
    """The broker: reused when something already listens, otherwise Debian's package."""

    name = "rabbitmq"

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.log_path = settings.log_path(self.name)
        # Present only while a broker this stack started may be running.
        self.marker = settings.run_dir / "rabbitmq.started"
        self._waiter: subprocess.Popen[bytes] | None = None
        self._vhost_ready = False

    def _listening(self) -> bool:
        return port_open(self.settings.connect_host, self.settings.amqp_port)

    def _run_logged(
        self, argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> int:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"{START_MARK}{' '.join(argv)}\n".encode())
            log.flush()
            try:
                return subprocess.run(
                    list(argv),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    env=None if env is None else dict(env),
                    check=False,
                ).returncode
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise StackError(f"rabbitmq: `{' '.join(argv)}` failed: {exc}") from exc

    def _install(self) -> None:
        say("rabbitmq: rabbitmq-server is not installed; installing the Debian package")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "rabbitmq-server"]):
            if self._run_logged(argv, timeout=1800, env=env):
                raise StackError(f"rabbitmq: `{' '.join(argv)}` failed; see {self.log_path}")

    def launch(self) -> bool:
        """Reuse a listening broker, else install if needed and start one detached."""
        if self._listening():
            owner = "started by this stack" if self.marker.exists() else "never stopped by us"
            say(f"rabbitmq: reusing the broker on port {self.settings.amqp_port} ({owner})")
            return False
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        if shutil.which("rabbitmq-server") is None:
            self._install()
            if self._listening():  # the package's post-install may have started it
                say("rabbitmq: the freshly installed broker is running; reusing it")
                return False
        node = rabbitmq_node_name()
        # Debian's /etc/rabbitmq/rabbitmq.conf may pin `listeners.tcp.*` to 5672, which beats
        # RABBITMQ_NODE_PORT; an Erlang -rabbit argument beats the config file (measured).
        listener = f'-rabbit tcp_listeners [{{"{self.settings.host}",{self.settings.amqp_port}}}]'
        extra_args = os.environ.get("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "")
        env = {
            **os.environ,
            "RABBITMQ_NODE_PORT": str(self.settings.amqp_port),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": f"{extra_args} {listener}".strip(),
        }
        if self._run_logged(["rabbitmq-server", "-detached"], timeout=60, env=env):
            raise StackError(f"rabbitmq: `rabbitmq-server -detached` failed; see {self.log_path}")
        self.marker.write_text(node + "\n")
        pid_path = rabbitmq_pid_path(node)
        with self.log_path.open("ab") as log:
            # `rabbitmqctl await_startup` fails at once right after -detached; `wait` on the
            # pid file is what works (measured); the port check follows in ready(). Both
            # binaries come from the same package, so rabbitmqctl exists here.
            self._waiter = subprocess.Popen(
                ["rabbitmqctl", "-n", node, "wait", "--timeout", "60", str(pid_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        say(f"rabbitmq: started node {node}, port {self.settings.amqp_port}")
        return True

    def ready(self) -> bool:
        """Ready when `rabbitmqctl wait` returned, the port accepts and the vhost exists."""
        if self._waiter is not None and self._waiter.poll() is None:
            return False
        if not self._listening():
            return False
        if self.settings.amqp_vhost != "/" and not self._vhost_ready:
            self._ensure_vhost()
        return True

    def _ensure_vhost(self) -> None:
        """Create the stack's own virtual host, so two stacks can share one broker."""
        vhost = self.settings.amqp_vhost
        node = rabbitmq_node_name()
        # add_vhost fails when it exists already, which is fine; permissions are idempotent.
        self._run_logged(["rabbitmqctl", "-n", node, "add_vhost", vhost], timeout=60)
        code = self._run_logged(
            ["rabbitmqctl", "-n", node, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
            timeout=60,
        )
        if code:
            raise StackError(f"rabbitmq: could not open vhost {vhost!r}; see {self.log_path}")
        self._vhost_ready = True

    def failure(self) -> str | None:
        """Reports a failed `rabbitmqctl wait`."""
        if self._waiter is not None and self._waiter.poll():
            return f"rabbitmqctl wait failed (exit {self._waiter.returncode})"
        return None

    def stop(self) -> str:
        """Stop the broker only if this stack started it."""
        if self._waiter is not None and self._waiter.poll() is None:
            self._waiter.kill()
            self._waiter.wait()
        if not self.marker.exists():
            return (
                "left running (not started by this stack)" if self._listening() else "not running"
            )
        node = self.marker.read_text().strip() or rabbitmq_node_name()
        code = self._run_logged(["rabbitmqctl", "-n", node, "stop"], timeout=120)
        if code and self._listening():
            # Keep the marker: the broker is still ours to stop on the next try.
            return f"`rabbitmqctl stop` exited {code}; see {self.log_path}"
        self.marker.unlink(missing_ok=True)
        return "stopped"

    def state(self) -> str:
        """Whether the broker listens and who started it."""
        if self._listening():
            owner = "started by this stack" if self.marker.exists() else "not ours, left alone"
            return f"running on port {self.settings.amqp_port} ({owner})"
        return "stopped"
