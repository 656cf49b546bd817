"""Fixtures: the hostile raw-TCP server; no blocking call on the event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from loop_hygiene import no_blocking_calls

from .hostile import HostileServer

__all__ = ["hostile", "no_blocking_calls"]


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    yield server
    await server.close()
