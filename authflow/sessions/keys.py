"""The store keys of the session layer, scoped by user pool and app client.

============================================  ==================================================
key                                           holds
============================================  ==================================================
``authflow:<pool>:<client>:session:<id>``      one signed-in session (a ``SessionRecord``)
``authflow:<pool>:<client>:user:<username>``   the index of a user's sessions
``authflow:<pool>:<client>:login:<login>``     the internal username a login last signed in as
``authflow:<pool>:<client>:pending:<id>``      a pending sign-in saved by ``flow.save()``
``authflow:<pool>:device:<login>``             a login's remembered device
============================================  ==================================================

``<id>`` is 128 random bits (urlsafe base64, 22 characters) drawn per sign-in and per saved
pending sign-in, so a session or pending key cannot be guessed from a username: **knowing a key is
knowing a secret** (store keys like session cookies; a key appears in store error messages, so
keep store errors out of places a user can read).
"""

from __future__ import annotations

import re
import secrets

from authflow.config import CognitoConfig

__all__ = ["ID_PATTERN", "SessionKeys", "new_id"]

#: A session or pending sign-in id: 22 urlsafe base64 characters (128 bits).
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")


def new_id() -> str:
    """A fresh 128-bit random id (urlsafe base64, no padding)."""
    return secrets.token_urlsafe(16)


class SessionKeys:
    """The key scheme of one app client (see the module docstring)."""

    def __init__(self, config: CognitoConfig) -> None:
        self._prefix = f"authflow:{config.user_pool_id}:{config.client_id}:"
        self._device_prefix = f"authflow:{config.user_pool_id}:device:"

    def __repr__(self) -> str:
        return f"SessionKeys({self._prefix!r})"

    def session(self, session_id: str) -> str:
        """The key of the session ``session_id``."""
        return f"{self._prefix}session:{session_id}"

    def pending(self, pending_id: str) -> str:
        """The key of the saved pending sign-in ``pending_id``."""
        return f"{self._prefix}pending:{pending_id}"

    def user_index(self, username: str) -> str:
        """The key of ``username``'s session index."""
        return f"{self._prefix}user:{username}"

    def login(self, login: str) -> str:
        """The key naming the internal username ``login`` last signed in as."""
        return f"{self._prefix}login:{login}"

    def device(self, login: str) -> str:
        """The key of the remembered device of the user who signs in as ``login``."""
        return f"{self._device_prefix}{login}"

    def _id_of(self, key: object, kind: str) -> str | None:
        if not isinstance(key, str) or not key.startswith(f"{self._prefix}{kind}:"):
            return None
        ident = key[len(self._prefix) + len(kind) + 1 :]
        return ident if ID_PATTERN.fullmatch(ident) else None

    def session_id_of(self, key: object) -> str | None:
        """The session id in ``key`` if it is a session key of this app client, else ``None``."""
        return self._id_of(key, "session")

    def is_pending(self, key: object) -> bool:
        """Whether ``key`` is a pending sign-in key of this app client."""
        return self._id_of(key, "pending") is not None
