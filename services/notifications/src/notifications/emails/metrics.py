"""Email delivery metrics; prometheus-client keeps them per process under gunicorn."""

from prometheus_client import Counter, Gauge

EMAIL_DELIVERIES = Counter(
    "portal_email_deliveries_total",
    "Email delivery outcomes: sent, deferred (an attempt failed, retry later) or failed.",
    ["service", "template", "status"],
)
EMAIL_BACKLOG = Gauge(
    "portal_email_backlog",
    "Email deliveries queued or being sent.",
    ["service"],
    multiprocess_mode="max",
)
