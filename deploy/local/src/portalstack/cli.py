"""Command line: `python -m portalstack up|start|stop|status|infra|ensure|incidents|
restart-service`."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType

from portalstack.components import StackError, say
from portalstack.settings import INFRA, StackSettings
from portalstack.stack import ALL, Stack


class Interrupted(Exception):
    """SIGTERM or SIGINT reached the foreground runner."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def _announce(stack: Stack, *, services: bool = True) -> None:
    say("Housing Portal stack is ready:" if services else "Infrastructure is ready:")
    for line in stack.addresses(services=services):
        say(line)


def cmd_up(stack: Stack, args: argparse.Namespace) -> int:
    """Start everything, stay in the foreground, stop what was started on Ctrl-C."""
    # SIGTERM behaves like Ctrl-C, so `kill` on the runner also stops its children.
    signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.signal(signal.SIGINT, _raise_interrupted)
    started: list[str] = []
    try:
        with stack.locked():
            started = stack.start(ALL)
        _announce(stack)
        kept = [name for name in ALL if name not in started]
        if kept:
            say(f"(already running before, left running on exit: {', '.join(kept)})")
        say("Press Ctrl-C to stop.")
        reported: set[str] = set()
        while True:
            time.sleep(2)
            for name in started:
                reason = stack.components[name].failure()
                if reason and name not in reported:
                    reported.add(name)
                    say(f"{name}: {reason}; see {stack.components[name].log_path}")
    except Interrupted:
        say("\nstopping...")
        # A second Ctrl-C must not cut the stop short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with stack.locked():
            stack.stop(started)
        return 0


def cmd_start(stack: Stack, args: argparse.Namespace) -> int:
    """Start everything detached; return once it is ready."""
    with stack.locked():
        stack.start(ALL)
    _announce(stack)
    return 0


def cmd_infra(stack: Stack, args: argparse.Namespace) -> int:
    """Start only the infrastructure, detached."""
    with stack.locked():
        stack.start(INFRA)
    _announce(stack, services=False)
    return 0


def cmd_ensure(stack: Stack, args: argparse.Namespace) -> int:
    """Reuse a running stack, or start one and remember that `ensure` did."""
    with stack.locked():
        if stack.gateway_ready():
            say(f"reusing the running stack (gateway {stack.settings.service_url('gateway')})")
            return 0
        started = stack.start(ALL)
        stack.remember_ensure(started)
    _announce(stack)
    return 0


def cmd_stop(stack: Stack, args: argparse.Namespace) -> int:
    """Stop what start/up/infra/ensure started (or only the named components)."""
    with stack.locked():
        if args.if_started_by_ensure:
            names = stack.ensure_started()
            if not names:
                say("the stack was not started by `ensure`: leaving it running")
                return 0
            stack.stop(names)
            stack.ensure_marker.unlink(missing_ok=True)
            return 0
        stack.stop(args.names or ALL)
        if not args.names:
            stack.ensure_marker.unlink(missing_ok=True)
    return 0


def cmd_status(stack: Stack, args: argparse.Namespace) -> int:
    """Print the state of every component."""
    for line in stack.status():
        say(line)
    return 0


def cmd_incidents(stack: Stack, args: argparse.Namespace) -> int:
    """Print what went wrong with the processes (for a failed test run's output)."""
    for line in stack.incidents() or ["no process died or was killed"]:
        say(line)
    return 0


def cmd_restart(stack: Stack, args: argparse.Namespace) -> int:
    """Stop and start one component, waiting until it is ready again."""
    with stack.locked():
        stack.stop([args.name])
        stack.start([args.name])
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    root = argparse.ArgumentParser(
        prog="python -m portalstack",
        description="Run the Housing Portal on this machine (settings: PORTAL_* variables).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("up", help="start everything and stay in the foreground")
    commands.add_parser("start", help="start everything detached; return when ready")
    commands.add_parser("infra", help="start only the infrastructure, detached")
    commands.add_parser("ensure", help="reuse a running stack or start one (for make test)")
    stop = commands.add_parser("stop", help="stop what this runner started")
    stop.add_argument("names", nargs="*", metavar="NAME", help=f"only these ({', '.join(ALL)})")
    stop.add_argument(
        "--if-started-by-ensure",
        action="store_true",
        help="stop only what `ensure` started; do nothing if it reused a running stack",
    )
    commands.add_parser("status", help="show every component's state")
    commands.add_parser("incidents", help="show the processes that died, and why if logged")
    restart = commands.add_parser("restart-service", help="stop and start one component")
    restart.add_argument("name", metavar="NAME", choices=ALL, help=", ".join(ALL))
    return root


COMMANDS = {
    "up": cmd_up,
    "start": cmd_start,
    "infra": cmd_infra,
    "ensure": cmd_ensure,
    "stop": cmd_stop,
    "status": cmd_status,
    "incidents": cmd_incidents,
    "restart-service": cmd_restart,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit status 1 with a one-line reason when the stack cannot start."""
    args = parser().parse_args(argv)
    stack = Stack(StackSettings.from_env())
    try:
        return COMMANDS[args.command](stack, args)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    except (KeyboardInterrupt, Interrupted):
        return 130
