"""The command's session cache: a :class:`~authflow.storage.FileStore` under the configuration
directory, encrypted with :class:`~authflow.storage.encrypted.EncryptedStore`.

Layout (directory 0700)::

    ~/.config/authflow/
        config.toml      your profiles (optional)
        store.key        the cache's AES-256 key, 0600, made on first use (unless
                         AUTHFLOW_STORE_KEY is set)
        sessions/        FileStore: one 0600 file per record, every one encrypted

Per profile the store holds a small record ``cli:profile:<name>`` naming the session key of the
profile's last sign-in (whatever :attr:`SignInFlow.session_key` gave: its format is the session
manager's business) and the pool, client and endpoint it was made with; the session record itself
is the session manager's.

What the encryption protects against, and what it does not: the key file sits beside the records
with the same owner, so anyone who can read your files (you, root, malware running as you) can
read the sessions, exactly as without encryption. It keeps tokens out of plain sight (a backup or
sync of ``sessions/`` without ``store.key``, a ``grep`` over your home directory, a file copied to
another record's name) and, with ``AUTHFLOW_STORE_KEY`` supplied from elsewhere (a password
manager, a keyring, a CI secret) instead of the key file, the files on disk are useless alone.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from authflow.cli.errors import CONFIG, CliError
from authflow.storage import FileStore, Store

__all__ = ["KEY_ENV", "KEY_FILE", "SessionCache", "open_store", "store_key"]

#: The environment variable holding the cache key (urlsafe base64 of 32 bytes).
KEY_ENV = "AUTHFLOW_STORE_KEY"
#: The key file's name in the configuration directory.
KEY_FILE = "store.key"
_INDEX = "cli:profiles"


def _private_dir(path: Path) -> None:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {path}: {exc.strerror}", CONFIG) from None


def _decode_key(text: str, origin: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        raise CliError(
            f"{origin} is not a key (urlsafe base64 of 32 bytes; make one with "
            "`python -c \"import os,base64;print(base64.urlsafe_b64encode(os.urandom(32))"
            ".decode())\"`)",
            CONFIG,
        )
    return key


def store_key(directory: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The cache key: ``$AUTHFLOW_STORE_KEY``, else ``directory/store.key``, created (0600,
    atomically: a fully written file appears or none) on first use."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return _decode_key(env[KEY_ENV], KEY_ENV)
    path = directory / KEY_FILE
    if not path.exists():
        _private_dir(directory)
        text = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii") + "\n"
        tmp = directory / f".{KEY_FILE}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            try:
                os.write(fd, text.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process made one first
                os.link(tmp, path)
        except OSError as exc:
            raise CliError(f"cannot create {path}: {exc.strerror}", CONFIG) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
                raise CliError(f"{path} is readable by other users: chmod 600 {path}", CONFIG)
            data = os.read(fd, 256)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", CONFIG) from None
    return _decode_key(data.decode("ascii", "replace"), str(path))


def open_store(directory: Path, environ: Mapping[str, str] | None = None) -> Store:
    """The encrypted FileStore under ``directory/sessions``. Without the ``cryptography`` package
    (``pip install 'authflow-cognito[cli]'``) the records are stored unencrypted (0600 files in a
    0700 directory) unless a key was asked for explicitly."""
    _private_dir(directory)
    env = os.environ if environ is None else environ
    try:
        inner = FileStore(directory / "sessions")
    except Exception as exc:
        raise CliError(f"cannot use {directory / 'sessions'}: {exc}", CONFIG) from None
    try:
        from authflow.storage.encrypted import EncryptedStore
    except ImportError:
        if env.get(KEY_ENV):
            raise CliError(
                f"{KEY_ENV} is set but encryption needs the cryptography package: "
                "pip install 'authflow-cognito[cli]'",
                CONFIG,
            ) from None
        return inner
    return EncryptedStore(inner, [store_key(directory, env)])


class SessionCache:
    """The profile records in a store: which session each profile's last sign-in opened."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _key(profile: str) -> str:
        return f"cli:profile:{profile}"

    async def get(self, profile: str) -> dict[str, Any] | None:
        """The profile's record, or ``None``."""
        record = await self.store.get(self._key(profile))
        if record is None or not isinstance(record.get("session_key"), str):
            return None
        return record

    async def put(
        self, profile: str, *, session_key: str, username: str, pool_id: str, client_id: str,
        endpoint: str | None,
    ) -> None:
        """Record the profile's new session (one atomic write), and list the profile."""
        await self.store.set(
            self._key(profile),
            {
                "session_key": session_key,
                "username": username,
                "pool_id": pool_id,
                "client_id": client_id,
                "endpoint": endpoint,
                "signed_in_at": time.time(),
            },
        )
        await self._update_index(add=profile)

    async def drop(self, profile: str) -> None:
        """Forget the profile's record."""
        await self.store.delete(self._key(profile))
        await self._update_index(remove=profile)

    async def names(self) -> list[str]:
        """Profiles that have a record here."""
        return _names_of(await self.store.get(_INDEX))

    async def _update_index(self, *, add: str | None = None, remove: str | None = None) -> None:
        for _ in range(20):  # compare-and-set: concurrent commands lose no name
            current = await self.store.get(_INDEX)
            names = set(_names_of(current))
            if add:
                names.add(add)
            if remove:
                names.discard(remove)
            if await self.store.compare_and_set(_INDEX, current, {"names": sorted(names)}):
                return


def _names_of(index: Mapping[str, Any] | None) -> list[str]:
    names = index.get("names") if index else None
    return sorted(n for n in names if isinstance(n, str)) if isinstance(names, list) else []
