"""Cross-process locks on lock files with ``fcntl.flock`` (blocking calls: run them in threads).

A lock file is unlinked by its holder on release, so no lock file outlives its use. A waiter that
then gets the lock on the unlinked file notices (the path no longer names the file it locked) and
retries on the path's current file. The kernel drops a dead holder's lock; its file stays until the
next holder (or a sweep) takes and releases it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["lock_file", "try_lock_file", "unlock_file"]

_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


def _is_current(fd: int, path: Path) -> bool:
    mine = os.fstat(fd)
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _lock(path: Path, blocking: bool) -> int | None:
    while True:
        fd = os.open(path, _FLAGS, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        if _is_current(fd, path):
            return fd
        os.close(fd)  # its last holder unlinked it: lock the path's current file instead


def lock_file(path: Path) -> int:
    """Block until this process holds the lock ``path``; returns the descriptor to release."""
    fd = _lock(path, blocking=True)
    assert fd is not None
    return fd


def try_lock_file(path: Path) -> int | None:
    """The lock ``path`` if it is free now (a descriptor to release), else ``None``."""
    return _lock(path, blocking=False)


def unlock_file(path: Path, fd: int) -> None:
    """Release a lock taken by :func:`lock_file` or :func:`try_lock_file`: unlink, then close."""
    try:
        os.unlink(path)
    except OSError:
        pass  # already gone, or a read-only directory: the next holder reuses the file
    finally:
        os.close(fd)
