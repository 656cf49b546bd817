"""Fixtures: every store kind behind one ``store`` fixture (the contract tests run against each),
and real Redis servers (a single node and a 3-node cluster, started once per test run)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from authflow.storage import FileStore, MemoryStore, Store

#: Store kinds of the ``store`` fixture.
KINDS = ["memory", "file"]


class WallClock:
    """A settable wall clock for expiry tests: ``now`` starts at a real time stamp."""

    def __init__(self, now: float = 1_767_225_600.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


def private_dir(tmp_path: Path) -> Path:
    directory = tmp_path / f"store-{uuid.uuid4().hex[:8]}"
    directory.mkdir(mode=0o700)
    return directory


async def make_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path,
                     clock: Callable[[], float] | None = None) -> Store:
    """A fresh, empty store of ``kind``."""
    if kind == "memory":
        return MemoryStore(clock=clock) if clock else MemoryStore()
    if kind == "file":
        return FileStore(private_dir(tmp_path), clock=clock) if clock else FileStore(
            private_dir(tmp_path))
    raise AssertionError(kind)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    made = await make_store(request.param, request, tmp_path)
    yield made
    await made.close()


@pytest.fixture(params=KINDS)
async def clocked_store(request: pytest.FixtureRequest, tmp_path: Path,
                        wall: WallClock) -> AsyncIterator[tuple[Store, WallClock]]:
    made = await make_store(request.param, request, tmp_path, clock=wall)
    yield made, wall
    await made.close()
