"""Fixtures: a throwaway stack on free ports with its data in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portalstack.processes import free_port
from portalstack.settings import SERVICES, StackSettings
from portalstack.stack import ALL, Stack


def isolated_settings(data_dir: Path) -> StackSettings:
    """Settings whose every port is free and whose data lives in data_dir."""
    names = ["MONGO", "AMQP", "S3", "SMTP", "MAIL_HTTP", "GATEWAY_OPERATIONS"]
    names += [name.upper() for name in SERVICES]
    environ = {f"PORTAL_{name}_PORT": str(free_port()) for name in names}
    environ["PORTAL_DATA_DIR"] = str(data_dir)
    return StackSettings.from_env(environ)


@pytest.fixture(scope="session")
def make_settings() -> Callable[[Path], StackSettings]:
    """Builds isolated settings for a data folder (for fixtures wider than one test)."""
    return isolated_settings


@pytest.fixture
def settings(tmp_path: Path) -> StackSettings:
    """Isolated settings for one test."""
    return isolated_settings(tmp_path / "data")


@pytest.fixture
def stack(settings: StackSettings) -> Iterator[Stack]:
    """A stack that is stopped again after the test, whatever it started."""
    stack = Stack(settings)
    yield stack
    stack.stop(ALL)
