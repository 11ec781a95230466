"""Identity's own metrics; labels never carry an address, an email, a code or a token."""

from prometheus_client import Counter

SIGN_INS = Counter(
    "portal_identity_sign_ins_total",
    "Sign-in attempts by step and outcome.",
    ["step", "outcome"],
)

WORK_AFTER_ANSWER_FAILURES = Counter(
    "portal_identity_work_after_answer_failures_total",
    "Work started after an answer had gone that failed, by kind of work.",
    ["work"],
)
