"""Machine-to-machine access tokens (the client-credentials grant), one request per expiry for a
whole fleet.

Cognito bills every successful client-credentials token response (docs/oauth-notes.md §A6), and
a token is good for every caller of the same app client and scopes until it expires, so
:class:`ClientCredentials` fetches as rarely as it can:

* **in memory** - the token is kept until ``refresh_leeway`` seconds before it expires;
* **in process** - concurrent callers share one fetch (single-flight: one task, everyone awaits
  it);
* **across processes** - the token is kept in the client's :class:`~authflow.storage.base.Store`
  under a key naming the pool, the app client and the sorted scope set (encrypted at rest when
  the store is an :class:`~authflow.storage.EncryptedStore`), and a fetch happens under the
  store's lock for that key, re-reading the store first: the processes sharing a
  :class:`~authflow.storage.FileStore` or :class:`~authflow.storage.RedisStore` make one request
  between them.

A token an API refused (401) is dropped with :meth:`ClientCredentials.refetch`, which fetches a
new one only if the current token is still the refused one (so a burst of 401s costs one
request). Failures are never cached: ``invalid_client`` (a wrong secret) raises
:class:`~authflow.protocol.errors.InvalidClientError`, ``invalid_scope``
:class:`~authflow.protocol.errors.InvalidScopeError`, every time they happen.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from authflow.config import CognitoConfig
from authflow.protocol.errors import ValidationError
from authflow.protocol.oauth import TokenResponse, check_scopes
from authflow.storage.base import Store
from authflow.transport.oauth import OAuthTransport

__all__ = ["ClientCredentials", "MachineToken"]

log = logging.getLogger("authflow.sessions.client_credentials")

_RECORD_VERSION = 1


@attrs.frozen
class MachineToken:
    """A client-credentials access token (never in a repr), when it was received and when it
    expires, on the local clock."""

    access_token: str = attrs.field(repr=False)
    received_at: float
    expires_at: float

    def usable(self, now: float, leeway: float) -> bool:
        """Whether the token has more than ``leeway`` seconds left at ``now`` (at most half its
        lifetime, so a short-lived token is still used)."""
        margin = min(leeway, (self.expires_at - self.received_at) / 2)
        return self.expires_at - now > margin

    def to_json(self) -> dict[str, Any]:
        """The store record."""
        return {
            "version": _RECORD_VERSION,
            "access_token": self.access_token,
            "received_at": self.received_at,
            "expires_at": self.expires_at,
        }

    @classmethod
    def from_json(cls, data: object) -> MachineToken | None:
        """Read a store record; ``None`` for anything that is not one (it is then replaced)."""
        if not isinstance(data, dict) or data.get("version") != _RECORD_VERSION:
            return None
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            return None
        times: list[float] = []
        for name in ("received_at", "expires_at"):
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            if not math.isfinite(value):
                return None
            times.append(float(value))
        return cls(access_token=token, received_at=times[0], expires_at=times[1])


class ClientCredentials:
    """A source of client-credentials access tokens for one app client and scope set.

    Get one from :meth:`authflow.AuthClient.client_credentials`::

        m2m = auth.client_credentials(scopes=["orders/read"])
        token = await m2m.access_token()

    ``scopes``: the custom scopes (``resource-server/scope``) to ask for; empty or ``None``
    asks for every scope the app client may have. The app client must have a secret
    (``config.client_secret``). :attr:`requests` counts the token requests this source made.
    """

    def __init__(
        self,
        config: CognitoConfig,
        oauth: OAuthTransport,
        store: Store,
        *,
        scopes: Iterable[str] | None = None,
        clock: Callable[[], float] = time.time,
        lock_timeout: float = 30.0,
    ) -> None:
        if not config.client_secret:
            raise ValidationError(
                "client credentials need the app client's secret (CognitoConfig.client_secret)",
                field="client_secret",
            )
        self._scopes = () if scopes is None else check_scopes(scopes)
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float) or not (
            0 < lock_timeout <= 3600
        ):
            raise ValidationError("lock_timeout must be in (0, 3600] seconds", field="lock_timeout")
        self._config = config
        self._oauth = oauth
        self._store = store
        self._clock = clock
        self._lock_timeout = float(lock_timeout)
        scope_set = "\n".join(sorted(self._scopes))
        digest = hashlib.sha256(scope_set.encode("utf-8")).hexdigest()[:32]
        #: The store key of the cached token: pool, app client and the sorted scope set.
        self.key = f"authflow:{config.user_pool_id}:{config.client_id}:m2m:{digest}"
        self._token: MachineToken | None = None
        self._inflight: asyncio.Task[MachineToken] | None = None
        #: How many token requests this source sent.
        self.requests = 0

    def __repr__(self) -> str:
        return f"ClientCredentials(client={self._config.client_id!r}, scopes={self._scopes!r})"

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for (empty: all the app client's)."""
        return self._scopes

    async def access_token(self) -> str:
        """A token with more than ``refresh_leeway`` seconds left: from memory, else from the
        store, else fetched (single-flight in the process, under the store's lock across
        processes)."""
        token = self._token
        if token is not None and token.usable(self._clock(), self._config.refresh_leeway):
            return token.access_token
        return (await self._shared_fetch(rejected=None)).access_token

    async def refetch(self, rejected: str) -> str:
        """A token other than ``rejected`` (one an API answered 401 to): the current one if
        someone already replaced it, else a new one. Concurrent calls share one request."""
        token = self._token
        if token is not None and token.access_token == rejected:
            self._token = None
        for _ in range(2):
            fresh = await self._shared_fetch(rejected=rejected)
            if fresh.access_token != rejected:
                return fresh.access_token
        return fresh.access_token  # the server handed out the same token again

    async def forget(self) -> None:
        """Drop the cached token here and in the store (e.g. after the secret was rotated)."""
        self._token = None
        await self._store.delete(self.key)

    async def _shared_fetch(self, *, rejected: str | None) -> MachineToken:
        task = self._inflight
        if task is None:
            task = asyncio.ensure_future(self._obtain(rejected))
            self._inflight = task
            task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[MachineToken]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled() and task.exception() is None:
            self._token = task.result()

    def _fits(self, token: MachineToken | None, rejected: str | None) -> bool:
        return (
            token is not None
            and token.access_token != rejected
            and token.usable(self._clock(), self._config.refresh_leeway)
        )

    async def _stored(self) -> MachineToken | None:
        return MachineToken.from_json(await self._store.get(self.key))

    async def _obtain(self, rejected: str | None) -> MachineToken:
        token = await self._stored()
        if self._fits(token, rejected):
            assert token is not None
            return token
        async with self._store.lock(self.key + ":fetch", timeout=self._lock_timeout):
            token = await self._stored()  # another process may have fetched meanwhile
            if self._fits(token, rejected):
                assert token is not None
                return token
            token = await self._fetch()
            ttl = max(token.expires_at - self._clock(), 1.0)
            await self._store.set(self.key, token.to_json(), ttl=ttl)
            return token

    async def _fetch(self) -> MachineToken:
        cfg = self._config
        form = {"grant_type": "client_credentials"}
        if self._scopes:
            form["scope"] = " ".join(self._scopes)
        self.requests += 1
        received = self._clock()
        body = await self._oauth.token(
            form, client_id=cfg.client_id, client_secret=cfg.client_secret
        )
        response = TokenResponse.from_wire(body)
        log.debug("client-credentials token fetched (expires in %d s)", response.expires_in)
        return MachineToken(
            access_token=response.access_token,
            received_at=received,
            expires_at=received + response.expires_in,
        )
