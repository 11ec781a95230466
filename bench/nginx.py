"""nginx (Debian's nginx-light) as a plain reverse proxy, the yardstick for the gateway."""

import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CONFIG = """
worker_processes {workers};
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    upstream service {{
        server {upstream};
        keepalive 128;
    }}
    server {{
        listen 127.0.0.1:{port};
        location {prefix} {{
            proxy_pass http://service/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian's nginx-light package when missing."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found:
        return found
    print("installing nginx-light (Debian package)", flush=True)
    env_install = ["apt-get", "install", "-y", "-q", "nginx-light"]
    if subprocess.run(env_install, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(env_install, check=True, capture_output=True)
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        raise SystemExit("nginx could not be installed")
    return found


@contextmanager
def reverse_proxy(*, upstream: str, prefix: str, port: int, workers: int) -> Iterator[str]:
    """Run nginx in front of `upstream` (host:port) for `prefix`; yield its base URL."""
    binary = ensure_nginx()
    with tempfile.TemporaryDirectory(prefix="portal-bench-nginx-") as folder:
        home = Path(folder)
        config = home / "nginx.conf"
        config.write_text(
            CONFIG.format(workers=workers, home=home, upstream=upstream, port=port, prefix=prefix),
            encoding="utf-8",
        )
        process = subprocess.Popen(
            [binary, "-c", str(config), "-p", str(home), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with urllib.request.urlopen(f"{base}{prefix}healthz", timeout=1):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise SystemExit(
                            f"nginx did not start: {(home / 'error.log').read_text()}"
                        ) from None
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
