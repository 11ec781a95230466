"""Prometheus metrics, safe under gunicorn's several worker processes."""

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

REQUEST_DURATION = Histogram(
    "portal_http_request_duration_seconds",
    "Time spent answering HTTP requests.",
    ["service", "method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter(
    "portal_events_published_total", "Events published from the outbox.", ["service", "type"]
)
EVENTS_CONSUMED = Counter(
    "portal_events_consumed_total",
    "Events handled by a consumer, by outcome.",
    ["service", "consumer", "type", "outcome"],
)
EVENT_BATCHES = Counter(
    "portal_event_batches_total",
    "Batches of several events a consumer handled in one transaction.",
    ["service", "consumer"],
)
EVENTS_RETRIED = Counter(
    "portal_events_retried_total", "Events sent back for a later retry.", ["service", "consumer"]
)
EVENTS_DEAD_LETTERED = Counter(
    "portal_events_dead_lettered_total",
    "Events parked in a dead-letter queue.",
    ["service", "consumer"],
)
OUTBOX_BACKLOG = Gauge(
    "portal_outbox_backlog",
    "Outbox records not yet published.",
    ["service"],
    multiprocess_mode="max",
)
DEAD_LETTER_DEPTH = Gauge(
    "portal_dead_letter_messages",
    "Messages waiting in a consumer's dead-letter queue.",
    ["service", "consumer"],
    multiprocess_mode="max",
)


_series: dict[tuple[int, tuple[str, ...]], Any] = {}


def series(metric: Counter | Gauge | Histogram, *labels: str) -> Any:
    """One labelled series of a metric, looked up once rather than on every request."""
    key = (id(metric), labels)
    found = _series.get(key)
    if found is None:
        found = _series[key] = metric.labels(*labels)
    return found


def render(_: Request) -> Response:
    """The /metrics endpoint: every worker's samples when run under gunicorn."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
