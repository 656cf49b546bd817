"""Fixtures: every store kind behind one ``store`` fixture (the contract tests run against each),
and real Redis servers (a single node and a 3-node cluster, started once per test run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from redis_servers import REQUIRE_ENV, RedisClusterNodes, RedisServer, missing_reason

from authflow.storage import FileStore, MemoryStore, Store

#: Store kinds of the ``store`` fixture.
KINDS = ["memory", "file", "redis", "cluster", "encrypted-memory", "encrypted-file",
         "encrypted-redis"]
#: Kinds whose expiry follows a clock the test sets (Redis expires on its own clock).
CLOCKED_KINDS = ["memory", "file", "encrypted-file"]
#: Fixed test keys for EncryptedStore (32 bytes each).
TEST_KEYS = [bytes(range(32)), b"\xa5" * 32]
_SKIPPED: list[str] = []


def need_redis() -> None:
    """Skip (printing why at the end of the run) when redis-server is missing, or fail when
    AUTHFLOW_REQUIRE_REDIS is set."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason}, and {REQUIRE_ENV} is set")
    if reason not in _SKIPPED:
        _SKIPPED.append(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in _SKIPPED:
        terminalreporter.write_line(f"SKIPPED Redis tests: {reason}", yellow=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the whole run (tests isolate by key prefix)."""
    need_redis()
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterNodes]:
    """One 3-node Redis Cluster for the whole run."""
    need_redis()
    cluster = RedisClusterNodes(tmp_path_factory.mktemp("redis-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server for one test (which may stop, kill and restart it)."""
    need_redis()
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


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
    if kind.startswith("encrypted-"):
        from authflow.storage import EncryptedStore

        inner = await make_store(kind.removeprefix("encrypted-"), request, tmp_path, clock)
        return EncryptedStore(inner, TEST_KEYS)
    if kind == "memory":
        return MemoryStore(clock=clock) if clock else MemoryStore()
    if kind == "file":
        return FileStore(private_dir(tmp_path), clock=clock) if clock else FileStore(
            private_dir(tmp_path))
    if kind in ("redis", "cluster"):
        from authflow.storage import RedisStore

        fixture = "redis_server" if kind == "redis" else "redis_cluster"
        server = request.getfixturevalue(fixture)
        return RedisStore.from_url(server.url, cluster=kind == "cluster", prefix=unique_prefix())
    raise AssertionError(kind)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    made = await make_store(request.param, request, tmp_path)
    yield made
    await made.close()


@pytest.fixture(params=CLOCKED_KINDS)
async def clocked_store(request: pytest.FixtureRequest, tmp_path: Path,
                        wall: WallClock) -> AsyncIterator[tuple[Store, WallClock]]:
    made = await make_store(request.param, request, tmp_path, clock=wall)
    yield made, wall
    await made.close()
