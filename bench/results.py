"""Where benchmarks record what they measured: one JSON file per run in bench/results/."""

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def record(benchmark: str, measured: dict[str, Any]) -> Path:
    """Write one run's results with when and where it ran; return the file's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "benchmark": benchmark,
        "at": stamp,
        "machine": {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()},
        **measured,
    }
    written = RESULTS / f"{benchmark.replace('_', '-')}-{stamp}.json"
    written.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written {written.relative_to(RESULTS.parent.parent)}")
    return written
