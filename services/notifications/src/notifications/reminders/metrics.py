"""Reminder metrics; prometheus-client keeps them per process under gunicorn."""

from prometheus_client import Counter

REMINDERS_ENDED = Counter(
    "portal_reminders_total",
    "Reminders ended by a sender: sent, or dropped (too late, nobody to tell, given up).",
    ["service", "kind", "outcome"],
)
