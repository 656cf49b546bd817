"""The loop-hygiene fixture is live: a blocking call on the loop's thread raises, the same call
in an executor thread does not (that is where the emulator runs its core)."""

from __future__ import annotations

import asyncio
import time

import pytest
from blockbuster import BlockingError


async def test_a_blocking_call_on_the_loop_raises() -> None:
    with pytest.raises(BlockingError):
        time.sleep(0)  # noqa: ASYNC251 - the blocking call the fixture must catch


async def test_the_same_call_in_an_executor_thread_is_allowed() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, 0)
