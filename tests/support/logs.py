"""The running stack's log files, read from where they stood when a test began."""

from pathlib import Path

from tests.support.polling import eventually

from portalstack.settings import StackSettings


class ServiceLog:
    """One service's log file; what it gains from now on is this test's to read."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.path: Path = StackSettings.from_env().log_path(service)
        assert self.path.is_file(), f"no {service} log at {self.path}"
        self.start = self.path.stat().st_size

    def added(self) -> str:
        """What the log gained since this reader was made."""
        with self.path.open("rb") as stream:
            stream.seek(self.start)
            return stream.read().decode("utf-8", "replace")

    async def naming(self, *markers: str, within: float = 15.0) -> str:
        """What the log gained, once it names every marker (request ids, say)."""

        def all_named() -> str | None:
            added = self.added()
            return added if all(marker in added for marker in markers) else None

        async def missing() -> str:
            added = self.added()
            return f"never written: {[marker for marker in markers if marker not in added]}"

        return await eventually(
            all_named,
            within=within,
            what=f"the {self.service} log naming",
            every=0.1,
            details=missing,
        )
