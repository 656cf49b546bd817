"""What every command works with: the resolved profile, the session cache, the terminal and the
output (text for people, ``--json`` for scripts)."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, TextIO

from authflow.cli.cache import SessionCache, open_store
from authflow.cli.errors import SIGN_IN_NEEDED, CliError
from authflow.cli.settings import Profile
from authflow.cli.terminal import Terminal
from authflow.client import AuthClient
from authflow.storage import Store

__all__ = ["Context"]


class Context:
    """One command's profile, store, terminal and output."""

    def __init__(
        self, profile: Profile, term: Terminal, *, as_json: bool, out: TextIO | None = None
    ) -> None:
        self.profile = profile
        self.term = term
        self.as_json = as_json
        self.out = out or sys.stdout
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The encrypted session store (opened, and its key made, on first use)."""
        if self._store is None:
            self._store = open_store(self.profile.directory)
        return self._store

    @property
    def cache(self) -> SessionCache:
        """The profile records in :attr:`store`."""
        return SessionCache(self.store)

    async def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            await self._store.close()

    def result(self, data: Mapping[str, Any], text: str | None) -> None:
        """Print the command's result: ``data`` as JSON with ``--json``, else ``text`` (if any)
        for a person on standard output."""
        if self.as_json:
            self.out.write(json.dumps(data, sort_keys=True) + "\n")
        elif text is not None:
            self.out.write(text + "\n")
        self.out.flush()

    async def last_sign_in(self) -> dict[str, Any]:
        """The profile's last sign-in record; a :class:`CliError` (exit 2) when there is none."""
        record = await self.cache.get(self.profile.name)
        if record is None:
            raise CliError(
                f"profile {self.profile.name!r} is not signed in: run `authflow sign-in`",
                SIGN_IN_NEEDED,
            )
        return record

    @asynccontextmanager
    async def client_for(self, record: Mapping[str, Any]) -> AsyncIterator[AuthClient]:
        """An :class:`AuthClient` on the profile's configuration (falling back to the pool,
        client and endpoint of ``record``), sharing the session store. A record made for
        another pool or app client than the configuration names is a sign-in-needed error."""
        config = self.profile.with_fallback(record).cognito_config()
        if (record.get("pool_id"), record.get("client_id")) != (
            config.user_pool_id,
            config.client_id,
        ):
            raise CliError(
                f"profile {self.profile.name!r} signed in to another pool or app client "
                f"({record.get('pool_id')}): run `authflow sign-in`",
                SIGN_IN_NEEDED,
            )
        async with AuthClient(config, store=self.store) as auth:
            yield auth
