"""Gateway overhead: the same endpoints called directly, through the gateway and through nginx.

The services and the gateway run under gunicorn with PORTAL_WORKERS workers, and nginx with as
many worker processes; the load comes from wrk on this machine. Each target is measured
`--rounds` times, interleaved, and the median run counts. The target (the gateway reaches 0.8
of nginx's throughput) is judged on the authenticated endpoint, where the gateway checks the
token, counts the limits and routes; the public health route, where the service does nothing,
shows the gateway's own cost at its most visible. Results are printed and written to
bench/results/ as JSON.
"""

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from bench.nginx import reverse_proxy
from bench.results import record
from bench.upstream_clients import compare

from identity.config import Settings as IdentitySettings
from identity.keys import SigningKeys
from kit.mongo import Mongo
from portalstack.endpoints import current_stack
from portalstack.processes import free_port
from portalstack.settings import StackSettings

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


SPREAD_SCRIPT = """
-- Spread requests over 64 client addresses (as the gateway's trusted proxies would report
-- them) and, when tokens are given, over 64 users, so every limit is counted on every
-- request without refusing the load.
tokens = {%s}
counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["X-Forwarded-For"] = "2001:db8::" .. (counter %% 64)
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(counter %% #tokens) + 1]
  end
  return wrk.format(nil, nil, headers)
end
"""
USERS = 64
TARGET_TO_NGINX = 0.8


def measure(
    wrk: str,
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    headers: dict[str, str],
    script: Path,
) -> Measurement:
    """Warm up, then run wrk once against the URL."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
    header_args = [arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")]
    # A slow answer is measured, not dropped: wrk's default 2 s timeout would count a store
    # that falls behind as socket errors.
    common = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "--timeout",
        "30s",
        "-s",
        str(script),
        *header_args,
    ]
    subprocess.run([*common, "-d", "2s", url], check=True, capture_output=True)
    run = subprocess.run(
        [*common, "-d", f"{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    )
    rps, p50, p99, requests, errors = parse_wrk(run.stdout)
    return Measurement(name, url, rps, p50, p99, requests, errors)


def median(runs: list[Measurement]) -> Measurement:
    """The run with the median throughput (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda run: run.requests_per_second)
    return ordered[(len(ordered) - 1) // 2]


async def access_tokens(authority: str, count: int) -> list[str]:
    """Authority administrators' tokens, signed with identity's current key."""
    settings = IdentitySettings()
    stack = current_stack()
    mongo = Mongo(stack.mongo_url, settings.mongo_db)
    try:
        keys = SigningKeys(
            mongo,
            secret=settings.signing_key_secret,
            token_lifetime=timedelta(minutes=settings.access_token_minutes),
        )
        now = int(time.time())
        return [
            await keys.sign(
                {
                    "iss": settings.token_issuer,
                    "sub": f"benchmark-{number}",
                    "authority": authority,
                    "roles": ["authority_admin"],
                    "amr": ["pwd"],
                    "iat": now,
                    "exp": now + 3600,
                    "jti": uuid.uuid4().hex,
                    "sid": uuid.uuid4().hex,
                }
            )
            for number in range(count)
        ]
    finally:
        await mongo.close()


def main() -> int:
    """Measure, print and record the gateway against direct calls and against nginx."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--authority", default="watford")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()

    stack = StackSettings.from_env()
    host = stack.connect_host
    ports = stack.service_ports
    wrk = ensure_wrk()
    tokens = asyncio.run(access_tokens(arguments.authority, USERS))
    endpoints: dict[str, tuple[str, str, dict[str, str], list[str]]] = {
        # A public route: routing, limits and streaming, no token.
        "health": ("cases", "/healthz", {}, []),
        # An authenticated route: the token is checked by the gateway and again by the service.
        "authenticated": (
            "notifications",
            "/deliveries?limit=1",
            # Called directly (or through nginx) a service also needs the authority header
            # the gateway adds; the gateway replaces whatever a client sends.
            {"Authorization": f"Bearer {tokens[0]}", "X-Authority": arguments.authority},
            tokens,
        ),
    }
    options = {
        "seconds": arguments.seconds,
        "connections": arguments.connections,
        "threads": arguments.threads,
    }
    report: dict[str, object] = {}
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for endpoint, (service, path, headers, users) in endpoints.items():
            script = Path(folder) / f"{endpoint}.lua"
            quoted = ", ".join(f'"{token}"' for token in users)
            script.write_text(SPREAD_SCRIPT % quoted, encoding="utf-8")
            prefix = f"/{arguments.authority}/api/{service}/"
            with reverse_proxy(
                upstream=f"{host}:{ports[service]}",
                prefix=prefix,
                port=free_port(),
                workers=stack.workers,
            ) as nginx:
                targets = {
                    "direct": f"http://{host}:{ports[service]}{path}",
                    "gateway": f"http://{host}:{ports['gateway']}{prefix.rstrip('/')}{path}",
                    "nginx": f"{nginx}{prefix.rstrip('/')}{path}",
                }
                runs: dict[str, list[Measurement]] = {name: [] for name in targets}
                for _ in range(arguments.rounds):
                    for name, url in targets.items():
                        runs[name].append(
                            measure(wrk, name, url, headers=headers, script=script, **options)
                        )
                results = {name: median(measured) for name, measured in runs.items()}
            gateway, direct, nginx_result = results["gateway"], results["direct"], results["nginx"]
            to_direct = gateway.requests_per_second / direct.requests_per_second
            to_nginx = gateway.requests_per_second / nginx_result.requests_per_second
            print(f"\n{endpoint}: {service} {path}")
            print(f"{'target':<10}{'req/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
            for result in results.values():
                print(
                    f"{result.name:<10}{result.requests_per_second:>12.0f}"
                    f"{result.p50_ms:>10.2f}{result.p99_ms:>10.2f}{result.errors:>8}"
                )
            print(f"gateway / direct: {to_direct:.2f}   gateway / nginx: {to_nginx:.2f}")
            if endpoint == "authenticated":
                verdict = "met" if to_nginx >= TARGET_TO_NGINX else "NOT met"
                print(f"target: gateway / nginx >= {TARGET_TO_NGINX} on this endpoint: {verdict}")
            failed = failed or any(result.errors for result in results.values())
            report[endpoint] = {
                "service": service,
                "path": path,
                "results": [asdict(result) for result in results.values()],
                "runs": {name: [asdict(run) for run in done] for name, done in runs.items()},
                "gateway_to_direct_throughput": round(to_direct, 3),
                "gateway_to_nginx_throughput": round(to_nginx, 3),
            }
    direct_health = f"http://{host}:{ports['cases']}/healthz"
    clients = compare(direct_health, seconds=arguments.seconds / 2)
    print("\nupstream client candidates, one process:")
    for client in clients:
        print(f"  {client.client:<10}{client.requests_per_second:>10.0f} req/s")
    print(f"fastest: {clients[0].client} (the gateway uses its own client, 'gateway')")
    record(
        "gateway_overhead",
        {
            "workers_per_service": stack.workers,
            "wrk": options,
            "rounds": arguments.rounds,
            "target_gateway_to_nginx": TARGET_TO_NGINX,
            "endpoints": report,
            "upstream_clients": [asdict(client) for client in clients],
        },
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
