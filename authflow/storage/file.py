"""FileStore: one file per key in a private directory, shared by the processes of one host.

Guarantees (each proved by a test in ``tests/storage/test_file_store.py``; see docs/storage.md):

* a reader sees the old record or the new one, never a torn one, even when the writer is killed
  mid-write (write to a temporary file, fsync, atomic rename, fsync the directory);
* ``compare_and_set`` is atomic across processes and threads (a per-key flock around every
  write);
* ``lock(key)`` excludes across processes (a per-key flock) and is released when its holder dies;
* expired records read as absent and are removed (on read and by an occasional sweep);
* disk full or a read-only directory raises :class:`~authflow.storage.errors.StoreError` and
  leaves the previous record intact; a damaged file raises
  :class:`~authflow.storage.errors.CorruptRecordError` for its key only.

File I/O runs in worker threads (``asyncio.to_thread``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from authflow.protocol.errors import ValidationError
from authflow.storage._codec import (
    check_key,
    check_seconds,
    check_timeout,
    check_ttl,
    encode_record,
)
from authflow.storage._files import Directory, io_error
from authflow.storage._flock import try_lock_file, unlock_file
from authflow.storage._locks import KeyedLocks, lock_timeout
from authflow.storage.base import Record
from authflow.storage.errors import StoreError

__all__ = ["FileStore"]

_FIRST_POLL = 0.002
_MAX_POLL = 0.05


def _prepare(directory: object) -> Path:
    if not isinstance(directory, str | os.PathLike):
        raise ValidationError("directory must be a path", field="directory")
    root = Path(directory)
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = os.stat(root).st_mode
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError):
            raise io_error("open", None, exc) from None
        raise ValidationError("directory is not a valid path", field="directory") from None
    if not stat.S_ISDIR(mode):
        raise ValidationError("directory is not a directory", field="directory")
    if mode & 0o077:
        raise ValidationError(
            f"directory is open to other users (mode {stat.S_IMODE(mode):o}); session records "
            "hold tokens: use a private directory (chmod 700)",
            field="directory",
        )
    return root


class FileStore:
    """Records as files under ``directory`` (created 0700 if missing; an existing directory must
    not be readable by group or others). Many processes and threads may share one directory.

    ``clock`` is wall-clock time (TTL expiry is shared between processes). Every
    ``sweep_interval`` seconds a call starts a background :meth:`sweep`; ``None`` turns that off.

    >>> store = FileStore("/var/lib/myapp/sessions")
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        clock: Callable[[], float] = time.time,
        sweep_interval: float | None = 600.0,
    ) -> None:
        self._files = Directory(_prepare(directory), clock)
        self._clock = clock
        self._locks = KeyedLocks()
        self._sweep_interval = (
            None if sweep_interval is None else check_seconds(sweep_interval, "sweep_interval")
        )
        self._last_sweep = clock()
        self._sweeping: asyncio.Task[int] | None = None
        self._closed = False

    @property
    def directory(self) -> Path:
        """The store's directory."""
        return self._files.root

    def __repr__(self) -> str:
        return f"FileStore({str(self._files.root)!r})"

    def _check(self, key: object) -> str:
        if self._closed:
            raise StoreError("the file store is closed")
        checked = check_key(key)
        self._maybe_sweep()
        return checked

    def _expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self._clock() + ttl

    async def get(self, key: str) -> Record | None:
        """The unexpired record under ``key``, or ``None``; :class:`CorruptRecordError` if its
        file is damaged."""
        key = self._check(key)
        return await asyncio.to_thread(self._files.live, key)

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Atomically replace the record under ``key`` (durable when this returns)."""
        key = self._check(key)
        data, ttl = encode_record(record), check_ttl(ttl)
        await asyncio.to_thread(self._files.write, key, data, self._expiry(ttl))

    async def compare_and_set(
        self, key: str, expected: Record | None, new: Record | None, *, ttl: float | None = None
    ) -> bool:
        """Replace the record under ``key`` by ``new`` (delete if ``None``) only if it is still
        ``expected`` (``None``: absent or expired); atomic across processes. See
        :meth:`Store.compare_and_set <authflow.storage.base.Store.compare_and_set>`."""
        key = self._check(key)
        want = None if expected is None else encode_record(expected)
        data = None if new is None else encode_record(new)
        ttl = check_ttl(ttl)
        return await asyncio.to_thread(
            self._files.compare_and_set, key, want, data, self._expiry(ttl)
        )

    async def delete(self, key: str) -> None:
        """Remove ``key``'s record if there is one."""
        key = self._check(key)
        await asyncio.to_thread(self._files.delete, key)

    @asynccontextmanager
    async def lock(self, key: str, *, timeout: float = 30.0) -> AsyncIterator[None]:  # noqa: ASYNC109
        """Hold the lock named ``key`` across the processes of this host (``flock`` on a lock
        file; the kernel releases it if the holder dies). Callers of this process queue locally
        first; :class:`StoreLockTimeoutError` after ``timeout`` seconds."""
        key = self._check(key)
        timeout = check_timeout(timeout)
        deadline = asyncio.get_running_loop().time() + timeout
        path = self._files.path(key, ".lock")
        async with self._locks.hold(key, timeout):
            fd = await self._flock(key, path, timeout, deadline)
            try:
                yield
            finally:
                await asyncio.shield(asyncio.to_thread(unlock_file, path, fd))

    async def _flock(self, key: str, path: Path, timeout: float, deadline: float) -> int:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        delay = _FIRST_POLL
        while True:
            fd = await _try_lock(key, path)
            if fd is not None:
                return fd
            left = deadline - loop.time()
            if left <= 0:
                raise lock_timeout(key, timeout)
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, _MAX_POLL)

    def _maybe_sweep(self) -> None:
        if self._sweep_interval is None or self._sweeping is not None:
            return
        if self._clock() - self._last_sweep < self._sweep_interval:
            return
        self._last_sweep = self._clock()
        self._sweeping = asyncio.ensure_future(asyncio.to_thread(self._files.sweep))
        self._sweeping.add_done_callback(self._swept)

    def _swept(self, task: asyncio.Task[int]) -> None:
        self._sweeping = None
        if not task.cancelled():
            task.exception()  # retrieved: a failed opportunistic sweep is not an error

    async def sweep(self) -> int:
        """Remove expired records, temporary files left by killed writers and lock files of dead
        holders now; return how many files were removed."""
        if self._closed:
            raise StoreError("the file store is closed")
        return await asyncio.to_thread(self._files.sweep)

    async def close(self) -> None:
        """Wait for a running sweep; the store refuses calls afterwards (files stay)."""
        self._closed = True
        sweeping = self._sweeping
        if sweeping is not None and sweeping.get_loop() is asyncio.get_running_loop():
            await asyncio.gather(sweeping, return_exceptions=True)


async def _try_lock(key: str, path: Path) -> int | None:
    """One non-blocking flock attempt in a thread. If the caller is cancelled meanwhile, a lock
    the thread still obtains is released instead of leaking."""
    attempt = asyncio.ensure_future(asyncio.to_thread(try_lock_file, path))
    try:
        return await asyncio.shield(attempt)
    except OSError as exc:
        raise io_error("lock", key, exc) from None
    except asyncio.CancelledError:
        attempt.add_done_callback(lambda done: _release_late(path, done))
        raise


def _release_late(path: Path, done: asyncio.Future[int | None]) -> None:
    if not done.cancelled() and done.exception() is None:
        fd = done.result()
        if fd is not None:
            unlock_file(path, fd)
