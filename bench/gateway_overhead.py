"""Gateway overhead: a cheap endpoint called directly and through the gateway, in one run.

Both targets run under gunicorn with the same worker count (PORTAL_WORKERS); the load comes
from wrk on this machine. Results are printed and written to bench/results/ as JSON.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.upstream_clients import compare

from portalstack.settings import StackSettings

RESULTS = Path(__file__).resolve().parent / "results"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Measurement:
    """One wrk run against one URL."""

    name: str
    url: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian package)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"unexpected latency {text!r}")
    return float(match[1]) * UNITS[match[2]]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 ms, p99 ms, requests and errors from wrk --latency output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    requests = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx[1])
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(value) for value in socket_errors.groups())
    return rps, p50, p99, requests, errors


def measure(
    wrk: str, name: str, url: str, *, seconds: int, connections: int, threads: int
) -> Measurement:
    """Warm up, then run wrk once against the URL."""
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
    subprocess.run(
        [wrk, "-t", str(threads), "-c", str(connections), "-d", "2s", url],
        check=True,
        capture_output=True,
    )
    run = subprocess.run(
        [
            wrk,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    rps, p50, p99, requests, errors = parse_wrk(run.stdout)
    return Measurement(name, url, rps, p50, p99, requests, errors)


def main() -> int:
    """Measure, print and record the gateway's overhead."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--authority", default="watford")
    arguments = parser.parse_args()

    stack = StackSettings.from_env()
    host = stack.connect_host
    ports = stack.service_ports
    direct = f"http://{host}:{ports['cases']}/healthz"
    through = f"http://{host}:{ports['gateway']}/{arguments.authority}/api/cases/healthz"
    wrk = ensure_wrk()
    options = {
        "seconds": arguments.seconds,
        "connections": arguments.connections,
        "threads": arguments.threads,
    }
    results = [
        measure(wrk, "direct", direct, **options),
        measure(wrk, "gateway", through, **options),
    ]
    clients = compare(direct, seconds=arguments.seconds / 2)
    ratio = results[1].requests_per_second / results[0].requests_per_second
    print(f"{'target':<10}{'req/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for result in results:
        print(
            f"{result.name:<10}{result.requests_per_second:>12.0f}"
            f"{result.p50_ms:>10.2f}{result.p99_ms:>10.2f}{result.errors:>8}"
        )
    print(f"gateway / direct throughput: {ratio:.2f}")
    print("upstream client candidates, one process:")
    for client in clients:
        print(f"  {client.client:<10}{client.requests_per_second:>10.0f} req/s")
    print(f"fastest: {clients[0].client} (the gateway uses aiohttp)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "benchmark": "gateway_overhead",
        "at": stamp,
        "machine": {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()},
        "workers_per_service": stack.workers,
        "wrk": options,
        "results": [asdict(result) for result in results],
        "gateway_to_direct_throughput": round(ratio, 3),
        "upstream_clients": [asdict(client) for client in clients],
    }
    path = RESULTS / f"gateway-overhead-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(RESULTS.parent.parent)}")
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
