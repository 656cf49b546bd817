"""The Redis test fixtures' own rules: a missing redis-server skips the Redis tests (and says so),
or fails them when AUTHFLOW_REQUIRE_REDIS is set; free ports are never 6379 and, for cluster
nodes, leave the bus port (+10000) free."""

from __future__ import annotations

import socket

import pytest
import redis_servers

from . import conftest


def test_missing_redis_skips_or_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "missing_reason", lambda: "no redis here")
    monkeypatch.setattr(conftest, "_SKIPPED", [])
    monkeypatch.delenv(redis_servers.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no redis here"):
        conftest.need_redis()
    assert conftest._SKIPPED == ["no redis here"]  # printed in the terminal summary
    monkeypatch.setenv(redis_servers.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="AUTHFLOW_REQUIRE_REDIS"):
        conftest.need_redis()


def test_binaries_are_looked_up_and_their_absence_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_servers.os, "access", lambda path, mode: False)
    monkeypatch.setattr(redis_servers.shutil, "which", lambda name: None)
    assert redis_servers.redis_binaries() is None
    reason = redis_servers.missing_reason()
    assert reason is not None and "redis-server" in reason


def test_free_ports_skip_6379_and_keep_the_bus_port_free(monkeypatch: pytest.MonkeyPatch) -> None:
    offered = iter([6379, 6379])
    real_socket = socket.socket

    class FirstTwo6379(real_socket):  # type: ignore[misc]
        def getsockname(self) -> tuple[str, int]:
            port = next(offered, None)
            return ("127.0.0.1", port) if port else super().getsockname()

    monkeypatch.setattr(redis_servers.socket, "socket", FirstTwo6379)
    port = redis_servers.free_port(with_bus=True)
    monkeypatch.undo()
    assert port != 6379
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port + 10000))
