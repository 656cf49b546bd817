"""The process-local half of every store's lock: one asyncio.Lock per (loop, key), dropped when
unused, typed timeout, cancellation-safe; and the stores' other numeric options."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from authflow.protocol.errors import ValidationError
from authflow.storage import FileStore, MemoryStore, StoreLockTimeoutError
from authflow.storage._locks import KeyedLocks

from .conftest import private_dir


async def test_table_holds_only_keys_in_use() -> None:
    locks = KeyedLocks()
    for i in range(100):
        async with locks.hold(f"k{i}", 1.0):
            assert len(locks) == 1
    assert len(locks) == 0
    async with locks.hold("a", 1.0):
        waiter = asyncio.ensure_future(_hold(locks, "a", 0.05))
        with pytest.raises(StoreLockTimeoutError):
            await waiter
        cancelled = asyncio.ensure_future(_hold(locks, "a", 10))
        await asyncio.sleep(0.01)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert len(locks) == 1  # only the holder's entry
    assert len(locks) == 0


async def _hold(locks: KeyedLocks, key: str, wait: float) -> None:
    async with locks.hold(key, wait):
        pass


async def test_memory_store_lock_table_does_not_grow() -> None:
    store = MemoryStore()
    for i in range(50):
        async with store.lock(f"k{i}"):
            pass
    assert len(store._locks) == 0


def test_one_key_on_two_loops_does_not_mix_loops() -> None:
    locks = KeyedLocks()
    errors: list[BaseException] = []

    def run() -> None:
        async def main() -> None:
            for _ in range(50):
                async with locks.hold("shared", 5):
                    await asyncio.sleep(0)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(locks) == 0


@pytest.mark.parametrize("interval", [0, -5, float("nan"), "60", True])
def test_file_store_sweep_interval_is_validated(tmp_path: Path, interval: Any) -> None:
    with pytest.raises(ValidationError) as info:
        FileStore(private_dir(tmp_path), sweep_interval=interval)
    assert info.value.field == "sweep_interval"
