"""RedisStore: records shared by a fleet, on Redis or Redis Cluster (``redis`` extra, redis-py).

Key scheme (store key ``K``, prefix ``authflow`` by default)::

    authflow:{K}        the record: canonical JSON text, with PX expiry when a TTL is given
    authflow:{K}:lock   lock(K): a redis-py Lock (token-checked release, lease with expiry)

``K`` goes inside a Redis Cluster hash tag with ``%``, ``{`` and ``}`` percent-encoded, so the
tag is all of ``K``: the record and the lock of one key always hash to one slot, and two keys
never share a name. Callers pass keys like ``authflow:<pool>:<client>:session:<id>``.

Guarantees (tests in ``tests/storage/test_redis_store.py``; see docs/storage.md): a ``set`` is one
SET command, which Redis applies whole or not at all, so a connection dropped mid-write leaves the
old or the new record; ``compare_and_set`` is one Lua script on one key (atomic, cluster-safe);
a backend that is down or restarting raises :class:`~authflow.storage.errors.StoreUnavailableError`
and the same store works again once it is back (redis-py reconnects).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis.asyncio as aioredis
import redis.exceptions as rx
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.lock import Lock

from authflow.protocol.errors import ValidationError
from authflow.storage._codec import (
    check_key,
    check_seconds,
    check_timeout,
    check_ttl,
    decode_record,
    encode_record,
)
from authflow.storage._locks import KeyedLocks, lock_timeout
from authflow.storage.base import Record
from authflow.storage.errors import StoreError, StoreUnavailableError

__all__ = ["COMPARE_AND_SET_SCRIPT", "RedisStore"]

log = logging.getLogger("authflow.storage")
T = TypeVar("T")

#: KEYS[1] record; ARGV: expected present ("1"/"0"), expected text, write ("1") or delete ("0"),
#: new text, PX milliseconds or "". Returns 1 when it wrote, 0 when the record was not expected.
COMPARE_AND_SET_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] == '' then
  redis.call('SET', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
end
return 1
"""

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    rx.ConnectionError,
    rx.TimeoutError,
    rx.ClusterDownError,
    rx.TryAgainError,
    rx.ReadOnlyError,
    rx.SlotNotCoveredError,
    OSError,
)
_NOT_UNAVAILABLE = (rx.AuthenticationError, rx.AuthorizationError)


def _escape(key: str) -> str:
    return key.replace("%", "%25").replace("{", "%7B").replace("}", "%7D")


def _px(ttl: float) -> int:
    return max(1, math.ceil(ttl * 1000))


class RedisStore:
    """A :class:`~authflow.storage.base.Store` on a ``redis.asyncio`` client, ``Redis`` or
    ``RedisCluster``. ``RedisStore(client)`` borrows the client (``close`` leaves it open);
    :meth:`from_url` makes and owns one.

    ``lock_lease`` is the lifetime of a lock in Redis: a dead holder blocks others at most that
    long; a live holder extends it every third of the lease. ``lock_poll`` is the wait between
    two attempts to take a held lock (one attempt per process and key at a time).

    >>> store = RedisStore.from_url("redis://cache.internal:6379/0")
    """

    def __init__(
        self,
        client: aioredis.Redis | RedisCluster,
        *,
        prefix: str = "authflow",
        lock_lease: float = 30.0,
        lock_poll: float = 0.05,
    ) -> None:
        if not isinstance(client, aioredis.Redis | RedisCluster):
            raise ValidationError(
                "client must be a redis.asyncio Redis or RedisCluster", field="client"
            )
        if not isinstance(prefix, str) or not prefix or "{" in prefix or "}" in prefix:
            raise ValidationError("prefix must be a non-empty str without braces", field="prefix")
        check_key(prefix)
        self._client = client
        self._prefix = prefix
        self._lease = check_seconds(lock_lease, "lock_lease", most=86400)
        self._poll = check_seconds(lock_poll, "lock_poll", most=60)
        self._cas = client.register_script(COMPARE_AND_SET_SCRIPT)
        self._locks = KeyedLocks()
        self._owned = False
        self._closed = False

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        cluster: bool = False,
        prefix: str = "authflow",
        lock_lease: float = 30.0,
        lock_poll: float = 0.05,
        **options: Any,
    ) -> RedisStore:
        """A store on a new client for ``url`` (``redis://``, ``rediss://``, ``unix://``), a
        ``RedisCluster`` when ``cluster`` is true; ``options`` go to redis-py's ``from_url``
        (e.g. ``max_connections``, ``socket_timeout``, ``retry``). ``close()`` closes it."""
        if not isinstance(url, str) or not url:
            raise ValidationError("url must be a non-empty str", field="url")
        try:
            client: aioredis.Redis | RedisCluster = (
                RedisCluster.from_url(url, **options)
                if cluster
                else aioredis.Redis.from_url(url, **options)
            )
        except (ValueError, TypeError, rx.RedisError, rx.RedisClusterException) as exc:
            # the URL may hold a password: name the problem, not the URL
            raise ValidationError(f"invalid Redis URL or options ({type(exc).__name__})",
                                  field="url") from None
        store = cls(client, prefix=prefix, lock_lease=lock_lease, lock_poll=lock_poll)
        store._owned = True
        return store

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self._prefix!r}, client={type(self._client).__name__})"

    def record_name(self, key: str) -> str:
        """The Redis key holding the record of store key ``key``."""
        return f"{self._prefix}:{{{_escape(check_key(key))}}}"

    def lock_name(self, key: str) -> str:
        """The Redis key of the lock named ``key`` (same hash slot as :meth:`record_name`)."""
        return f"{self.record_name(key)}:lock"

    async def _call(self, action: str, key: str, call: Awaitable[T]) -> T:
        if self._closed:
            if asyncio.iscoroutine(call):
                call.close()
            raise StoreError("the Redis store is closed", key=key)
        try:
            return await call
        except _NOT_UNAVAILABLE as exc:
            raise StoreError(f"Redis refused {action} of {key!r}: {type(exc).__name__}",
                             key=key) from exc
        except _UNAVAILABLE as exc:
            raise StoreUnavailableError(
                f"Redis unavailable for {action} of {key!r}: {type(exc).__name__}", key=key
            ) from exc
        except (rx.RedisError, rx.RedisClusterException) as exc:
            raise StoreError(f"Redis {action} of {key!r} failed: {type(exc).__name__}",
                             key=key) from exc

    async def get(self, key: str) -> Record | None:
        """The record under ``key`` or ``None`` (absent or expired)."""
        name = self.record_name(key)
        raw = await self._call("get", key, self._client.get(name))
        return None if raw is None else decode_record(key, raw)

    async def set(self, key: str, record: Record, *, ttl: float | None = None) -> None:
        """Store ``record`` under ``key`` with one ``SET`` (``PX`` when ``ttl`` is given)."""
        name = self.record_name(key)
        data, ttl = encode_record(record), check_ttl(ttl)
        px = None if ttl is None else _px(ttl)
        await self._call("set", key, self._client.set(name, data, px=px))

    async def compare_and_set(
        self, key: str, expected: Record | None, new: Record | None, *, ttl: float | None = None
    ) -> bool:
        """Replace the record under ``key`` by ``new`` (delete if ``None``) only if it is still
        ``expected`` (``None``: absent), atomically in one Lua script. See
        :meth:`Store.compare_and_set <authflow.storage.base.Store.compare_and_set>`."""
        name = self.record_name(key)
        want = b"" if expected is None else encode_record(expected)
        data = b"" if new is None else encode_record(new)
        ttl = check_ttl(ttl)
        args = [
            "0" if expected is None else "1",
            want,
            "0" if new is None else "1",
            data,
            "" if ttl is None else str(_px(ttl)),
        ]
        done = await self._call("compare_and_set", key, self._cas(keys=[name], args=args))
        return bool(done)

    async def delete(self, key: str) -> None:
        """Remove ``key``'s record if there is one."""
        name = self.record_name(key)
        await self._call("delete", key, self._client.delete(name))

    @asynccontextmanager
    async def lock(self, key: str, *, timeout: float = 30.0) -> AsyncIterator[None]:  # noqa: ASYNC109
        """Hold the fleet-wide lock named ``key`` (redis-py's ``Lock`` on :meth:`lock_name`).
        Callers of this process queue locally first, so one of them at a time polls Redis;
        :class:`StoreLockTimeoutError` after ``timeout`` seconds."""
        name = self.lock_name(key)
        timeout = check_timeout(timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._locks.hold(key, timeout):
            lock = self._client.lock(
                name,
                timeout=self._lease,
                sleep=self._poll,
                blocking_timeout=max(0.0, deadline - loop.time()),
                thread_local=False,
            )
            if not await self._call("lock", key, lock.acquire()):
                raise lock_timeout(key, timeout)
            keeper = asyncio.ensure_future(self._keep(lock, key))
            try:
                yield
            finally:
                keeper.cancel()
                await asyncio.gather(keeper, return_exceptions=True)
                await self._release(lock, key)

    async def _keep(self, lock: Lock, key: str) -> None:
        """Extend a held lock's lease every third of it, so only a dead holder's lock expires."""
        while True:
            await asyncio.sleep(self._lease / 3)
            try:
                await lock.reacquire()
            except rx.LockError:
                log.warning("lock %r was lost (its lease expired) while held", key)
                return
            except (rx.RedisError, OSError) as exc:
                log.warning("could not extend lock %r: %s", key, type(exc).__name__)

    async def _release(self, lock: Lock, key: str) -> None:
        try:
            await asyncio.shield(lock.release())
        except rx.LockError:
            log.warning("lock %r had expired before its release", key)
        except (rx.RedisError, OSError) as exc:  # its lease ends it
            log.warning("could not release lock %r: %s", key, type(exc).__name__)

    async def close(self) -> None:
        """Close the client if this store made it (:meth:`from_url`); the store refuses calls
        afterwards. A borrowed client stays open."""
        if self._closed:
            return
        self._closed = True
        if self._owned:
            await self._client.aclose()
