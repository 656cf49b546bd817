"""The loop-hygiene fixture is live: authflow code that blocks on the loop's thread raises, the
same call in an executor thread does not (that is where the emulator runs its core and the
stores do their file I/O), and a test's own blocking set-up is not authflow's doing."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from blockbuster import BlockingError

from authflow.storage._files import Directory


async def test_authflow_blocking_on_the_loop_raises(tmp_path: Path) -> None:
    directory = Directory(tmp_path, time.time)  # FileStore's synchronous half
    await asyncio.to_thread(directory.write, "alice", b'{"a": 1}', None)
    with pytest.raises(BlockingError):
        directory.read("alice")  # file I/O on the loop's thread, from authflow's code


async def test_the_same_call_in_an_executor_thread_is_allowed(tmp_path: Path) -> None:
    directory = Directory(tmp_path, time.time)
    await asyncio.to_thread(directory.write, "alice", b'{"a": 1}', None)
    assert await asyncio.to_thread(directory.read, "alice") == ({"a": 1}, None)


async def test_a_tests_own_set_up_on_the_loop_is_not_counted(tmp_path: Path) -> None:
    (tmp_path / "fixture.txt").write_text("test data", encoding="utf-8")
    time.sleep(0)  # noqa: ASYNC251 - the test's own doing, not authflow's
