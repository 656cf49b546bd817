"""Real Redis servers for tests: a single node and a 3-node cluster, on free 127.0.0.1 ports.

``redis-server`` (``/usr/bin/redis-server`` or on PATH) runs without persistence in a temporary
directory; a server is ready once it answers PING (a cluster once every node reports
``cluster_state:ok``). Port 6379 (the machine's own Redis) is never used. Pytest fixtures built on
these live in ``tests/storage/conftest.py``.

Without the binary, :func:`missing_reason` says why; callers skip, or fail when the environment
variable ``AUTHFLOW_REQUIRE_REDIS`` is set.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

__all__ = [
    "REQUIRE_ENV",
    "RedisClusterNodes",
    "RedisServer",
    "free_port",
    "missing_reason",
    "redis_binaries",
]

#: Set this environment variable to make a missing redis-server a failure instead of a skip.
REQUIRE_ENV = "AUTHFLOW_REQUIRE_REDIS"
_DEFAULT_PORT = 6379
_START_SECONDS = 20.0


def redis_binaries() -> tuple[str, str] | None:
    """(redis-server, redis-cli) paths, or ``None`` if either is missing."""
    found = []
    for name in ("redis-server", "redis-cli"):
        path = f"/usr/bin/{name}"
        found.append(path if os.access(path, os.X_OK) else shutil.which(name))
    server, cli = found
    return (server, cli) if server and cli else None


def missing_reason() -> str | None:
    """Why Redis tests cannot run here, or ``None`` when they can."""
    if redis_binaries() is None:
        return "redis-server/redis-cli not found (/usr/bin or PATH): Redis tests not run"
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(*, with_bus: bool = False) -> int:
    """A free 127.0.0.1 port other than 6379; with ``with_bus`` also port + 10000 is free (a
    cluster node's bus port)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port in (_DEFAULT_PORT, _DEFAULT_PORT - 10000):
            continue
        if with_bus and (port + 10000 > 65535 or not _port_free(port + 10000)):
            continue
        return port
    raise RuntimeError("no free port found")


def _ping(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
        conn.sendall(b"*1\r\n$4\r\nPING\r\n")
        return conn.recv(64)


class RedisServer:
    """One ``redis-server`` child process on ``port`` (chosen free unless given), data and log
    in ``directory``. :meth:`stop` then :meth:`start` restarts it on the same port."""

    def __init__(self, directory: Path, *, port: int | None = None, cluster: bool = False) -> None:
        binaries = redis_binaries()
        if binaries is None:
            raise RuntimeError(missing_reason())
        self.binary = binaries[0]
        self.directory = directory
        self.cluster = cluster
        self.port = port if port is not None else free_port(with_bus=cluster)
        if self.port == _DEFAULT_PORT:
            raise ValueError("port 6379 belongs to the machine's own Redis")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``"""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def _args(self) -> list[str]:
        args = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.directory),
            "--logfile", str(self.directory / f"redis-{self.port}.log"),
        ]
        if self.cluster:
            args += [
                "--cluster-enabled", "yes",
                "--cluster-config-file", str(self.directory / f"nodes-{self.port}.conf"),
                "--cluster-node-timeout", "5000",
            ]
        return args

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        if self.running:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            self._args(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + _START_SECONDS
        while True:
            try:
                if _ping(self.port).startswith(b"+PONG"):
                    return
            except OSError:
                pass
            if not self.running or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (SIGTERM, SIGKILL after 10 s) and wait for it to exit."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)  # our own child, by its pid
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def kill(self) -> None:
        """SIGKILL the server (no shutdown work at all)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


class RedisClusterNodes:
    """A 3-master Redis Cluster (no replicas) of :class:`RedisServer` nodes, created with
    ``redis-cli --cluster create`` and ready once every node reports ``cluster_state:ok``."""

    def __init__(self, directory: Path, size: int = 3) -> None:
        binaries = redis_binaries()
        if binaries is None:
            raise RuntimeError(missing_reason())
        self.cli = binaries[1]
        self.nodes: list[RedisServer] = []
        for i in range(size):
            taken = {n.port for n in self.nodes}
            port = free_port(with_bus=True)
            while port in taken:
                port = free_port(with_bus=True)
            self.nodes.append(RedisServer(directory / f"node{i}", port=port, cluster=True))

    @property
    def url(self) -> str:
        """A startup node's URL (``redis.asyncio.RedisCluster.from_url`` finds the others)."""
        return self.nodes[0].url

    def _cli(self, *args: str, port: int | None = None) -> str:
        base = [self.cli, "-h", "127.0.0.1"] + ([] if port is None else ["-p", str(port)])
        done = subprocess.run(
            base + list(args), capture_output=True, text=True, timeout=60, check=True
        )
        return done.stdout

    def start(self) -> None:
        """Start the nodes, join them into a cluster and wait until it is ready."""
        for node in self.nodes:
            node.start()
        addresses = [f"127.0.0.1:{n.port}" for n in self.nodes]
        self._cli("--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes")
        deadline = time.monotonic() + 60
        while True:
            states = [self._cli("cluster", "info", port=n.port) for n in self.nodes]
            if all("cluster_state:ok" in s for s in states):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the Redis cluster did not reach cluster_state:ok")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop every node."""
        for node in self.nodes:
            node.stop()
