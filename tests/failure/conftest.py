"""Fixtures for the failure scenarios: each gets its own services, databases and queues."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.failure.harness import Scenario

from portalstack.endpoints import Stack


@pytest.fixture
async def scenario(stack: Stack, tmp_path: Path) -> AsyncIterator[Scenario]:
    """A publishing and a consuming service of this test's own, cleaned up afterwards."""
    setup = Scenario(stack, logs_dir=tmp_path)
    yield setup
    await setup.close()
