from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .hostile import HostileServer


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    yield server
    await server.close()
