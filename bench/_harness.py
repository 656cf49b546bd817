"""Shared pieces of the end-to-end benchmarks: servers in child processes, users, CPU accounting.

Not a benchmark itself. The scripts run as ``python bench/<script>.py``, so this module is found
next to them on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

PASSWORD = "Correct-Horse-9!"
_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@attrs.frozen
class Server:
    """A server running in a child process of this one."""

    endpoint: str
    user_pool_id: str
    client_id: str
    pid: int


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # our own child, by its pid
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@contextlib.contextmanager
def emulator_process(niceness: int = 0) -> Iterator[Server]:
    """``python -m authflow.emulator --port 0`` in a child process (its CPU is not ours).

    ``niceness`` lowers the server's scheduling priority: on a 2-core machine it otherwise
    competes with the client under test for a core, which a real (remote) Cognito does not.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "authflow.emulator", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the emulator did not start")
        info = json.loads(line)
        yield Server(info["endpoint"], info["user_pool_id"], info["client_id"], proc.pid)
    finally:
        _stop(proc)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def moto_process() -> Iterator[str]:
    """``python -m moto.server`` on 127.0.0.1 in a child process; yields its endpoint."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        _stop(proc)


async def emulator_users(
    server: Server, usernames: Sequence[str], password: str = PASSWORD
) -> None:
    """Create confirmed users with a permanent ``password`` through the emulator's admin API."""
    from authflow.transport import AiohttpTransport

    async with AiohttpTransport(server.endpoint) as t:
        for name in usernames:
            await t.send(
                "AdminCreateUser",
                {
                    "UserPoolId": server.user_pool_id,
                    "Username": name,
                    "MessageAction": "SUPPRESS",
                    "TemporaryPassword": "Temp-Pass-1!",
                },
            )
            await t.send(
                "AdminSetUserPassword",
                {
                    "UserPoolId": server.user_pool_id,
                    "Username": name,
                    "Password": password,
                    "Permanent": True,
                },
            )


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, utime + stime in seconds) of every process visible in /proc."""
    table: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _CLK_TCK)
    return table


def _descendants_cpu(exclude: Sequence[int]) -> float:
    """CPU seconds of this process's live descendants except the subtrees rooted at ``exclude``,
    plus children that already exited (``RUSAGE_CHILDREN``)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    table = _processes()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    skip = set(exclude)
    todo = [c for c in kids.get(os.getpid(), []) if c not in skip]
    while todo:
        pid = todo.pop()
        total += table[pid][1]
        todo.extend(c for c in kids.get(pid, []) if c not in skip)
    return total


class ClientCpu:
    """Client CPU over an interval: this process (all threads, ``time.process_time``) plus its
    descendants (e.g. authflow's SRP process pool) except the server under test (``exclude``).

    Descendants are read from /proc in clock ticks (10 ms), so measure intervals of hundreds of
    milliseconds at least. The /proc scan itself is kept out of the interval.

    >>> meter = ClientCpu(exclude=[server.pid]); meter.start(); ...; seconds = meter.stop()
    """

    def __init__(self, exclude: Sequence[int] = ()) -> None:
        self.exclude = tuple(exclude)
        self._own = self._kids = 0.0

    def start(self) -> None:
        self._kids = _descendants_cpu(self.exclude)
        self._own = time.process_time()

    def stop(self) -> float:
        """Seconds since :meth:`start`."""
        own = time.process_time() - self._own
        return own + _descendants_cpu(self.exclude) - self._kids


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted values, nearest rank."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def spread(values: Sequence[float]) -> str:
    """``median (min-max)`` for printing the noise of several runs."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


@contextlib.contextmanager
def redis_process() -> Iterator[str | None]:
    """A redis-server on a free port (never 6379), or ``None`` when the binary is missing."""
    binary = "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else (
        shutil.which("redis-server"))
    if binary is None:
        yield None
        return
    port = free_port()
    while port == 6379:
        port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                        conn.sendall(b"PING\r\n")
                        if conn.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.send_signal(signal.SIGTERM)  # our own child, by its pid
            proc.wait(timeout=10)
