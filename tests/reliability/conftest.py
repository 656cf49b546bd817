from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from emulated_cognito import clock, emu

from .hostile import HostileServer

__all__ = ["clock", "emu", "hostile"]


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    yield server
    await server.close()
