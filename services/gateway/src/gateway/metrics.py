"""What the gateway measures beyond every service's request durations."""

from prometheus_client import Counter, Histogram

GATEWAY_REQUESTS = Counter(
    "portal_gateway_requests_total",
    "Requests through the gateway by authority, service and status.",
    ["authority", "service", "status"],
)
UPSTREAM_LATENCY = Histogram(
    "portal_gateway_upstream_seconds",
    "Time from forwarding a request until the service's response headers arrive.",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
