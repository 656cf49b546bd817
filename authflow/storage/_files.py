"""The synchronous file operations behind :class:`~authflow.storage.file.FileStore`.

Run in worker threads. Layout of a store directory (mode 0700, files 0600), ``<h>`` being the
SHA-256 hex digest of the key's UTF-8 bytes:

* ``<h>.json``: the record, as ``{"expires_at": <unix time>|null, "key": <key>, "record": {...},
  "v": 1}`` in canonical JSON (the key inside detects a collision or a file copied to another
  name);
* ``<h>.wlock``: taken (flock) around every write, delete and compare-and-set of the key, so a
  compare-and-set reads and writes with no other writer in between;
* ``<h>.lock``: the caller-visible ``lock(key)``;
* ``.tmp-<h>-<random>``: a record being written; renamed over ``<h>.json`` once complete.

Readers take no lock: ``rename`` replaces the file atomically, so they read the old file or the
new one, complete (it was fsynced before the rename).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import math
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from authflow.storage._codec import (
    MAX_KEY_BYTES,
    MAX_RECORD_BYTES,
    corrupt,
    encode_record,
    parse_json,
    stored_record,
)
from authflow.storage._flock import lock_file, try_lock_file, unlock_file
from authflow.storage.base import Record
from authflow.storage.errors import StoreError

__all__ = ["SCHEMA_VERSION", "STALE_TEMP_SECONDS", "TEMP_PREFIX", "Directory", "io_error"]

log = logging.getLogger("authflow.storage")

#: The version of the file format above.
SCHEMA_VERSION = 1
#: Name prefix of records being written.
TEMP_PREFIX = ".tmp-"
#: A temporary file this old was left by a killed writer (a write takes milliseconds).
STALE_TEMP_SECONDS = 3600.0
_MAX_FILE = MAX_RECORD_BYTES + 4 * MAX_KEY_BYTES + 256
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_FIELDS = {"expires_at", "key", "record", "v"}


def io_error(action: str, key: str | None, exc: OSError) -> StoreError:
    """A :class:`StoreError` for an ``OSError`` (its errno name and text, no path or content)."""
    name = errno.errorcode.get(exc.errno or 0, "OSError")
    about = "" if key is None else f" of {key!r}"
    return StoreError(f"file store {action}{about} failed: {name} ({exc.strerror})", key=key)


def _envelope(key: str, data: bytes, expires_at: float | None) -> bytes:
    """The file's canonical JSON, around the record's canonical JSON ``data``."""
    return b"".join(
        (
            b'{"expires_at":',
            json.dumps(expires_at).encode(),
            b',"key":',
            json.dumps(key, ensure_ascii=False).encode("utf-8"),
            b',"record":',
            data,
            b',"v":%d}' % SCHEMA_VERSION,
        )
    )


def _read_raw(file: Path, key: str | None) -> bytes | None:
    try:
        fd = os.open(file, _READ)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise io_error("read", key, exc) from None
    try:
        with os.fdopen(fd, "rb") as stream:
            return stream.read(_MAX_FILE + 1)
    except OSError as exc:
        raise io_error("read", key, exc) from None


class Directory:
    """One store directory: read, write, delete, compare-and-set, sweep (blocking calls)."""

    def __init__(self, root: Path, clock: Callable[[], float]) -> None:
        self.root = root
        self.clock = clock

    def path(self, key: str, suffix: str) -> Path:
        """``<root>/<sha256(key)><suffix>``: any key is a safe file name."""
        return self.root / (hashlib.sha256(key.encode("utf-8")).hexdigest() + suffix)

    @contextlib.contextmanager
    def _writing(self, key: str) -> Iterator[None]:
        wlock = self.path(key, ".wlock")
        try:
            fd = lock_file(wlock)
        except OSError as exc:
            raise io_error("write lock", key, exc) from None
        try:
            yield
        finally:
            unlock_file(wlock, fd)

    def _sync_dir(self, key: str | None) -> None:
        try:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise io_error("directory sync", key, exc) from None

    # -- reading ------------------------------------------------------------------------------

    def read(self, key: str) -> tuple[Record, float | None] | None:
        """(record, expiry) stored for ``key`` (expired or not), or ``None`` if there is none."""
        raw = _read_raw(self.path(key, ".json"), key)
        return None if raw is None else self._parse(key, raw)

    def _parse(self, key: str, raw: bytes) -> tuple[Record, float | None]:
        if len(raw) > _MAX_FILE:
            raise corrupt(key, "is too large")
        try:
            envelope = parse_json(raw)
        except (ValueError, RecursionError):
            raise corrupt(key, "is not valid JSON (truncated or damaged file)") from None
        if not isinstance(envelope, dict) or set(envelope) != _FIELDS:
            raise corrupt(key, "is not a record file")
        if envelope["v"] != SCHEMA_VERSION or isinstance(envelope["v"], bool):
            raise corrupt(key, "has an unsupported schema version")
        if envelope["key"] != key:
            raise corrupt(key, "is stored in a file that belongs to another key")
        expires_at = envelope["expires_at"]
        if expires_at is not None and (
            isinstance(expires_at, bool)
            or not isinstance(expires_at, int | float)
            or not math.isfinite(expires_at)
        ):
            raise corrupt(key, "has an invalid expiry")
        record = stored_record(key, envelope["record"])
        return record, None if expires_at is None else float(expires_at)

    def _expired(self, expires_at: float | None) -> bool:
        return expires_at is not None and self.clock() >= expires_at

    def live(self, key: str) -> Record | None:
        """The unexpired record under ``key``, removing it if it has expired."""
        found = self.read(key)
        if found is None:
            return None
        record, expires_at = found
        if not self._expired(expires_at):
            return record
        try:
            self.remove_if_expired(key)
        except StoreError as exc:  # e.g. a read-only directory: the read still answers
            log.debug("could not remove an expired record: %s", exc)
        return None

    # -- writing ------------------------------------------------------------------------------

    def remove_if_expired(self, key: str) -> bool:
        """Delete ``key``'s file if (re-read under the write lock) it has expired."""
        with self._writing(key):
            try:
                found = self.read(key)
            except StoreError:
                return False
            if found is None or not self._expired(found[1]):
                return False
            self._unlink(key)
            return True

    def _replace(self, key: str, data: bytes, expires_at: float | None) -> None:
        final = self.path(key, ".json")
        tmp = self.root / f"{TEMP_PREFIX}{final.stem}-{secrets.token_hex(6)}"
        try:
            fd = os.open(tmp, _CREATE, 0o600)
            try:
                view = memoryview(_envelope(key, data, expires_at))
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise io_error("write", key, exc) from None
        self._sync_dir(key)

    def _unlink(self, key: str) -> None:
        try:
            os.unlink(self.path(key, ".json"))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise io_error("delete", key, exc) from None
        self._sync_dir(key)

    def write(self, key: str, data: bytes, expires_at: float | None) -> None:
        """Replace ``key``'s record by the canonical JSON ``data``."""
        with self._writing(key):
            self._replace(key, data, expires_at)

    def delete(self, key: str) -> None:
        """Remove ``key``'s record if there is one."""
        with self._writing(key):
            self._unlink(key)

    def compare_and_set(
        self, key: str, want: bytes | None, data: bytes | None, expires_at: float | None
    ) -> bool:
        """Store ``data`` (delete if ``None``) if the live record's canonical JSON is ``want``
        (``None``: absent or expired)."""
        with self._writing(key):
            found = self.read(key)
            live = None if found is None or self._expired(found[1]) else found[0]
            if (None if live is None else encode_record(live)) != want:
                return False
            if data is None:
                self._unlink(key)
            else:
                self._replace(key, data, expires_at)
            return True

    # -- housekeeping -------------------------------------------------------------------------

    def sweep(self) -> int:
        """Remove expired records, temporary files of killed writers and lock files of dead
        holders; return how many files went. Damaged records are left for their readers."""
        removed = 0
        try:
            entries = list(os.scandir(self.root))
        except OSError as exc:
            raise io_error("sweep", None, exc) from None
        for entry in entries:
            try:
                removed += self._sweep_one(entry)
            except (OSError, ValueError, RecursionError, StoreError) as exc:
                log.debug("sweep skipped a file: %s", type(exc).__name__)
        return removed

    def _sweep_one(self, entry: os.DirEntry[str]) -> int:
        name = entry.name
        if name.startswith(TEMP_PREFIX):
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_SECONDS:
                return 0
            os.unlink(entry.path)
            return 1
        if name.endswith((".lock", ".wlock")):
            fd = try_lock_file(Path(entry.path))
            if fd is None:
                return 0  # held
            unlock_file(Path(entry.path), fd)
            return 1
        if not name.endswith(".json"):
            return 0
        raw = _read_raw(Path(entry.path), None)
        envelope = None if raw is None or len(raw) > _MAX_FILE else parse_json(raw)
        key = envelope.get("key") if isinstance(envelope, dict) else None
        if not isinstance(key, str) or self.path(key, ".json").name != name:
            return 0
        return int(self.remove_if_expired(key))
