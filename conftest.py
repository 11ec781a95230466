"""Every package's tests share the fixtures of tests/support, registered once here."""

pytest_plugins = [
    "tests.support.stack",
    "tests.support.databases",
    "tests.support.bus",
    "tests.support.accounts",
    "tests.support.web_sessions",
    "tests.support.cases",
    "tests.support.documents",
]
