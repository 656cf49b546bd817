"""Fixtures: the hostile raw-TCP server; no blocking call on the event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from emulated_cognito import clock, emu
from loop_hygiene import no_blocking_calls
from storage.conftest import own_redis, redis_server

from .hostile import HostileServer

__all__ = ["clock", "emu", "hostile", "no_blocking_calls", "own_redis", "redis_server"]


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    yield server
    await server.close()
