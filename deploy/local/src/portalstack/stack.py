"""The whole local stack: start in order, wait until ready, stop what was started."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import textwrap
import time
from collections.abc import Iterable, Iterator, Sequence

from portalstack.components import Component, StackError, http_status, say
from portalstack.infra import infra_components
from portalstack.processes import tail
from portalstack.services import service_components
from portalstack.settings import INFRA, SERVICES, StackSettings

ALL = (*INFRA, *SERVICES)
INFRA_TIMEOUT = 90.0
SERVICES_TIMEOUT = 120.0
DEMO_ACCOUNTS_WAIT = 15.0
# What gunicorn logs when a worker or the server itself goes down unasked.
INCIDENT = re.compile(
    r"WORKER TIMEOUT|was sent SIG(?!TERM)|exited with code|failed to boot|Reason:|"
    r"Unhandled exception in main loop|Exception in worker process"
)
INCIDENT_LINES = 20


class Stack:
    """Every component of the local stack, by name, in start order."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        ordered: list[Component] = [
            *infra_components(settings),
            *service_components(settings),
        ]
        self.components = {component.name: component for component in ordered}
        self.ensure_marker = settings.run_dir / "ensure.started"

    def select(self, names: Iterable[str]) -> list[Component]:
        """Components by name, in start order; unknown names are an error."""
        wanted = set(names)
        unknown = wanted - set(self.components)
        if unknown:
            raise StackError(
                f"unknown component(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(self.components)}"
            )
        return [component for name, component in self.components.items() if name in wanted]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the stack's lock so two runners never start or stop it at once."""
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        with (self.settings.run_dir / "lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say("waiting for another portalstack command to finish...")
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def start(self, names: Iterable[str]) -> list[str]:
        """Start what is not running, infrastructure first; returns the names started here.

        On failure (or Ctrl-C) everything started by this call is stopped again.
        """
        chosen = self.select(names)
        # The gateway starts after the services: their queues must exist before it announces
        # the authorities, and it routes to services that are ready. The pages come last: the
        # web service reads everything through the gateway.
        phases = [
            ([c for c in chosen if c.name in INFRA], INFRA_TIMEOUT),
            (
                [c for c in chosen if c.name in SERVICES and c.name not in {"gateway", "web"}],
                SERVICES_TIMEOUT,
            ),
            ([c for c in chosen if c.name == "gateway"], SERVICES_TIMEOUT),
            ([c for c in chosen if c.name == "web"], SERVICES_TIMEOUT),
        ]
        started: list[str] = []
        try:
            for components, timeout in phases:
                for component in components:
                    if component.launch():
                        started.append(component.name)
                        if component.name == "identity":
                            # A new identity writes a fresh list once it has seeded the demo
                            # accounts, which waits for the gateway started after it.
                            (self.settings.run_dir / "demo-accounts.txt").unlink(missing_ok=True)
                self.wait_ready(components, timeout=timeout)
        except BaseException:
            if started:
                say("stopping what this command started...")
                self.stop(started)
            raise
        return started

    def wait_ready(self, components: Sequence[Component], *, timeout: float) -> None:
        """Wait until every component is ready; raise listing the failing ones with log tails."""
        begun = time.monotonic()
        pending = list(components)
        failed: dict[str, str] = {}
        last_error: dict[str, str] = {}
        while pending:
            for component in list(pending):
                try:
                    ready = component.ready()
                    if ready:
                        component.after_ready()
                except Exception as exc:  # a probe failing means "not yet"
                    ready = False
                    last_error[component.name] = f"{type(exc).__name__}: {exc}"[:300]
                if ready:
                    say(f"{component.name}: ready ({time.monotonic() - begun:.1f} s)")
                    pending.remove(component)
                elif reason := component.failure():
                    failed[component.name] = reason
                    pending.remove(component)
            if not pending or time.monotonic() - begun > timeout:
                break
            time.sleep(0.2)
        for component in pending:
            probe = last_error.get(component.name)
            failed[component.name] = f"not ready after {timeout:.0f} s" + (
                f" (last probe: {probe})" if probe else ""
            )
        if failed:
            log_paths = {component.name: component.log_path for component in components}
            for name, reason in failed.items():
                log_path = log_paths[name]
                say(f"{name}: {reason}; last lines of {log_path}:")
                say(textwrap.indent(tail(log_path), "    "))
            raise StackError(f"not ready: {', '.join(failed)}")

    def stop(self, names: Iterable[str]) -> None:
        """Stop components in reverse start order (services before what they use)."""
        for component in reversed(self.select(names)):
            say(f"{component.name}: {component.stop()}")

    def status(self) -> list[str]:
        """One line per component."""
        return [f"{name:<14} {component.state()}" for name, component in self.components.items()]

    def incidents(self) -> list[str]:
        """What went wrong with the processes since they started: the log lines telling of a
        worker or server that died, and the end of the log of a service no longer running."""
        lines: list[str] = []
        for name, component in self.components.items():
            path = component.log_path
            if not path.exists():
                continue
            with path.open(errors="replace") as log:
                found = [line.rstrip() for line in log if INCIDENT.search(line)]
            lines += [f"{name}: {line}" for line in found[-INCIDENT_LINES:]]
            if name in SERVICES and not component.state().startswith("running"):
                lines.append(f"{name} is not running; the end of {path}:")
                lines += [f"    {line}" for line in tail(path).splitlines()]
        return lines

    def gateway_ready(self) -> bool:
        """Whether a gateway already answers /readyz with 200."""
        port = self.settings.service_ports["gateway"]
        return http_status(self.settings.connect_host, port, "/readyz") == 200

    def remember_ensure(self, started: Sequence[str]) -> None:
        """Record what `ensure` started, adding to what an earlier `ensure` left running."""
        names = sorted({*self.ensure_started(), *started}, key=ALL.index)
        self.ensure_marker.write_text(json.dumps(names) + "\n")

    def ensure_started(self) -> list[str]:
        """What `ensure` started and nobody stopped yet."""
        try:
            names = json.loads(self.ensure_marker.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [name for name in names if name in self.components]

    def addresses(self, *, services: bool = True) -> list[str]:
        """Lines telling people where things are."""
        settings = self.settings
        lines = []
        if services:
            # People open the portal at the gateway's address: its pages and its API.
            gateway = settings.display_url(settings.service_ports["gateway"])
            lines.append(f"  portal        {gateway}/")
            lines.append(f"  gateway API   {gateway}/{{authority}}/api/...")
        lines.append(f"  mail catcher  {settings.display_url(settings.mail_http_port)}")
        if not services:
            lines += [
                f"  mongodb       {settings.mongo_url}",
                f"  amqp          {settings.amqp_url}",
                f"  s3            {settings.s3_endpoint}",
                f"  smtp          {settings.connect_host}:{settings.smtp_port}",
            ]
        accounts = settings.run_dir / "demo-accounts.txt"
        seeding = os.environ.get("IDENTITY_SEED_DEMO_ACCOUNTS", "true").lower()
        if services and seeding not in {"false", "0", "no"}:
            # Identity seeds the demo accounts once the gateway has announced the authorities,
            # a moment after everything is ready.
            deadline = time.monotonic() + DEMO_ACCOUNTS_WAIT
            while not accounts.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            if accounts.exists():
                lines += accounts.read_text().rstrip("\n").splitlines()
        return lines
