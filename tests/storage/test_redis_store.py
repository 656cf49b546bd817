"""RedisStore against real redis-server processes: the key scheme and hash slots, server-side
expiry, Redis down and back, a connection killed mid-SET, damaged values, borrowed and owned
clients, lock leases (dead holders, live holders) and one lock attempt per process."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis_servers import RedisClusterNodes, RedisServer, redis_binaries

from authflow.protocol.errors import ValidationError
from authflow.storage import (
    CorruptRecordError,
    RedisStore,
    StoreError,
    StoreLockTimeoutError,
    StoreUnavailableError,
)

from .conftest import unique_prefix
from .processes import child, kill, wait_line

KEY = "authflow:us-east-1_Pool:client1:session:user-1"


@pytest.fixture
async def admin(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
async def rstore(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    store = RedisStore.from_url(redis_server.url, prefix=unique_prefix())
    yield store
    await store.close()


async def test_key_scheme_values_and_ttl(rstore: RedisStore, admin: aioredis.Redis) -> None:
    prefix = rstore.record_name("x").split(":")[0]
    assert rstore.record_name(KEY) == f"{prefix}:{{{KEY}}}"
    assert rstore.lock_name(KEY) == f"{prefix}:{{{KEY}}}:lock"
    assert rstore.record_name("a{b}%c") == f"{prefix}:{{a%7Bb%7D%25c}}"
    await rstore.set(KEY, {"b": 1, "a": [1.5, None]}, ttl=60)
    raw = await admin.get(rstore.record_name(KEY))
    assert raw == b'{"a":[1.5,null],"b":1}'  # canonical JSON: sorted, compact
    assert 0 < await admin.pttl(rstore.record_name(KEY)) <= 60_000
    await rstore.set(KEY, {"a": 1})
    assert await admin.pttl(rstore.record_name(KEY)) == -1  # no TTL: no expiry
    async with rstore.lock(KEY):
        assert 0 < await admin.pttl(rstore.lock_name(KEY)) <= 30_000  # a lease, never forever
    assert not await admin.exists(rstore.lock_name(KEY))


async def test_record_and_lock_of_a_key_share_a_cluster_slot(
    redis_cluster: RedisClusterNodes,
) -> None:
    store = RedisStore.from_url(redis_cluster.url, cluster=True, prefix=unique_prefix())
    client = RedisCluster.from_url(redis_cluster.url)
    try:
        slots = set()
        for key in (KEY, "a}b", "{x}", "}{", "%7B", "plain"):
            record_slot = await client.cluster_keyslot(store.record_name(key))
            assert record_slot == await client.cluster_keyslot(store.lock_name(key))
            slots.add(record_slot)
            await store.set(key, {"k": key})
            async with store.lock(key):
                assert await store.get(key) == {"k": key}
        assert len(slots) > 1  # keys spread over the cluster
        owners = {n.port for n in redis_cluster.nodes if await _holds_any(n, store)}
        assert len(owners) > 1
    finally:
        await store.close()
        await client.aclose()


async def _holds_any(node: RedisServer, store: RedisStore) -> bool:
    direct = aioredis.Redis.from_url(node.url)
    try:
        prefix = store.record_name("x").split(":")[0]
        return bool([k async for k in direct.scan_iter(match=f"{prefix}:*")])
    finally:
        await direct.aclose()


async def test_server_side_expiry(rstore: RedisStore) -> None:
    await rstore.set("short", {"x": 1}, ttl=0.05)
    await rstore.set("long", {"x": 2}, ttl=600)
    for _ in range(500):
        if await rstore.get("short") is None:
            break
        await asyncio.sleep(0.01)
    assert await rstore.get("short") is None
    assert await rstore.get("long") == {"x": 2}
    assert await rstore.compare_and_set("short", None, {"x": 3})  # expired = absent


async def test_redis_down_is_typed_and_the_store_recovers_without_a_new_client(
    own_redis: RedisServer,
) -> None:
    store = RedisStore.from_url(own_redis.url, socket_connect_timeout=2)
    try:
        await store.set("k", {"v": 1})
        own_redis.stop()
        calls: list[Any] = [
            lambda: store.get("k"),
            lambda: store.set("k", {"v": 2}),
            lambda: store.delete("k"),
            lambda: store.compare_and_set("k", {"v": 1}, {"v": 2}),
        ]
        for call in calls:
            with pytest.raises(StoreUnavailableError) as info:
                await call()
            assert info.value.retryable and info.value.key == "k"
            assert isinstance(info.value, StoreError) and isinstance(info.value, ConnectionError)
        with pytest.raises(StoreUnavailableError):
            async with store.lock("k", timeout=1):
                pass
        own_redis.start()  # same port; no persistence, so the data is gone
        assert await store.get("k") is None
        await store.set("k", {"v": 3})
        assert await store.get("k") == {"v": 3}
        async with store.lock("k", timeout=5):
            assert await store.compare_and_set("k", {"v": 3}, {"v": 4})
        assert await store.get("k") == {"v": 4}
    finally:
        await store.close()


async def _kill_client_when_paused(admin: aioredis.Redis, name: str) -> None:
    for _ in range(1000):
        victims = [c for c in await admin.client_list() if c.get("name") == name
                   and c.get("cmd") in ("set", "evalsha")]
        if victims:
            for victim in victims:
                await admin.client_kill_filter(_id=victim["id"])
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the paused write never showed up")


@pytest.mark.parametrize("write", ["set", "compare_and_set"])
async def test_connection_killed_mid_write_is_typed_and_never_torn(
    redis_server: RedisServer, admin: aioredis.Redis, write: str
) -> None:
    """Writes are paused (CLIENT PAUSE WRITE) so the SET has reached Redis but not run; its
    connection is then killed: the caller gets StoreUnavailableError and the old record stays."""
    store = RedisStore.from_url(redis_server.url, prefix=unique_prefix(),
                                client_name="victim", retry=Retry(NoBackoff(), 0))
    old = {"v": "old", "blob": "o" * 100_000}
    new = {"v": "new", "blob": "n" * 3_000_000}
    try:
        await store.set("k", old)
        await admin.client_pause(10_000, all=False)
        try:
            if write == "set":
                pending = asyncio.ensure_future(store.set("k", new))
            else:
                pending = asyncio.ensure_future(store.compare_and_set("k", old, new))
            await _kill_client_when_paused(admin, "victim")
        finally:
            await admin.client_unpause()
        with pytest.raises(StoreUnavailableError):
            await pending
        assert await store.get("k") == old
        await store.set("k", new)  # the same store reconnects
        assert await store.get("k") == new
    finally:
        await store.close()


async def test_damaged_values_are_corrupt_records_of_their_key_only(
    rstore: RedisStore, admin: aioredis.Redis
) -> None:
    secret = "refresh-token-do-not-print"
    bad = {"trunc": b'{"token":"' + secret.encode(), "nan": b'{"x":NaN}', "list": b"[1]",
           "utf8": b"\xff" + secret.encode(), "deep": b'{"a":' * 100 + b"1" + b"}" * 100}
    for key, value in bad.items():
        await admin.set(rstore.record_name(key), value)
    await rstore.set("good", {"token": secret})
    for key in bad:
        with pytest.raises(CorruptRecordError) as info:
            await rstore.get(key)
        assert info.value.key == key and secret not in str(info.value)
    assert await rstore.get("good") == {"token": secret}
    await admin.set(rstore.record_name("spaced"), b'{ "b" : 1, "a" : 2 }')  # valid, not ours
    assert await rstore.get("spaced") == {"a": 2, "b": 1}
    assert not await rstore.compare_and_set("spaced", {"a": 2, "b": 1}, None)  # not canonical


async def test_borrowed_client_stays_open_and_owned_client_closes(
    redis_server: RedisServer,
) -> None:
    client = aioredis.Redis.from_url(redis_server.url, decode_responses=True)
    store = RedisStore(client, prefix=unique_prefix())
    await store.set("k", {"é": "🙂"})
    assert await store.get("k") == {"é": "🙂"}
    assert await store.compare_and_set("k", {"é": "🙂"}, {"n": 1})
    async with store.lock("k"):
        pass
    await store.close()
    assert await client.ping()  # borrowed: still usable
    with pytest.raises(StoreError, match="closed"):
        await store.get("k")
    await client.aclose()
    owned = RedisStore.from_url(redis_server.url)
    await owned.close()
    with pytest.raises(StoreError, match="closed"):
        await owned.set("k", {})


def test_bad_construction_is_a_validation_error_without_the_url() -> None:
    with pytest.raises(ValidationError):
        RedisStore("redis://localhost")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        RedisStore.from_url("nonsense://user:hunter2-secret@host/0")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValidationError):
        RedisStore.from_url(42)  # type: ignore[arg-type]
    client = aioredis.Redis.from_url("redis://:hunter2-secret@127.0.0.1:1/0")
    for bad in ({"prefix": ""}, {"prefix": "a{b"}, {"lock_lease": 0}, {"lock_poll": float("nan")}):
        with pytest.raises(ValidationError):
            RedisStore(client, **bad)
    store = RedisStore(client)
    assert "hunter2" not in repr(store) and "RedisStore(" in repr(store)


async def test_password_is_not_in_unavailable_errors() -> None:
    store = RedisStore.from_url("redis://:hunter2-secret@127.0.0.1:1/0",
                                retry=Retry(NoBackoff(), 0))
    with pytest.raises(StoreUnavailableError) as info:
        await store.get("k")
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)
    await store.close()


HOLDER = """
    import asyncio
    from authflow.storage import RedisStore

    async def main():
        store = RedisStore.from_url({url!r}, prefix={prefix!r}, lock_lease=1.0)
        async with store.lock("L"):
            print("held", flush=True)
            await asyncio.sleep(3600)

    asyncio.run(main())
"""


async def test_a_dead_holders_lock_expires_with_its_lease(redis_server: RedisServer) -> None:
    prefix = unique_prefix()
    proc = child(HOLDER.format(url=redis_server.url, prefix=prefix))
    store = RedisStore.from_url(redis_server.url, prefix=prefix)
    try:
        wait_line(proc, "held")
        with pytest.raises(StoreLockTimeoutError):
            async with store.lock("L", timeout=0.1):
                pass
    finally:
        kill(proc)  # SIGKILL: no release runs
    async with store.lock("L", timeout=30):  # the 1 s lease runs out, the fleet goes on
        assert await store.get("L") is None
    await store.close()


async def test_a_live_holder_keeps_its_lock_beyond_the_lease(redis_server: RedisServer) -> None:
    prefix = unique_prefix()
    holder = RedisStore.from_url(redis_server.url, prefix=prefix, lock_lease=0.3)
    other = RedisStore.from_url(redis_server.url, prefix=prefix)  # another "process"
    try:
        async with holder.lock("L"):
            with pytest.raises(StoreLockTimeoutError):
                async with other.lock("L", timeout=1.0):  # > 3 leases
                    pass
        async with other.lock("L", timeout=5):
            pass
    finally:
        await holder.close()
        await other.close()


async def test_two_stores_exclude_each_other(redis_server: RedisServer) -> None:
    prefix = unique_prefix()
    stores = [RedisStore.from_url(redis_server.url, prefix=prefix) for _ in range(3)]
    await stores[0].set("n", {"n": 0})

    async def bump(store: RedisStore) -> None:
        async with store.lock("L", timeout=60):
            cur = await store.get("n")
            assert cur is not None
            await asyncio.sleep(0)
            await store.set("n", {"n": cur["n"] + 1})

    await asyncio.gather(*(bump(stores[i % 3]) for i in range(30)))
    assert await stores[0].get("n") == {"n": 30}
    for store in stores:
        await store.close()


async def test_250_waiters_fit_in_a_pool_of_two_connections(redis_server: RedisServer) -> None:
    prefix = unique_prefix()
    store = RedisStore.from_url(redis_server.url, prefix=prefix, max_connections=2,
                                lock_poll=0.01)
    other = RedisStore.from_url(redis_server.url, prefix=prefix)
    entered: list[int] = []

    async def caller(i: int) -> None:
        async with store.lock("L", timeout=120):
            entered.append(i)
            await store.set("last", {"i": i})

    try:
        async with other.lock("L"):  # held elsewhere: every caller has to wait
            callers = asyncio.gather(*(caller(i) for i in range(250)))
            await asyncio.sleep(0.2)
        await callers
        assert sorted(entered) == list(range(250))
        last = await store.get("last")
        assert last is not None and last["i"] == entered[-1]
    finally:
        await store.close()
        await other.close()


def test_records_stay_json_text_readable_by_other_tools(redis_server: RedisServer) -> None:
    async def main() -> bytes:
        store = RedisStore.from_url(redis_server.url, prefix=unique_prefix())
        await store.set(KEY, {"k": [1, "two"]})
        name = store.record_name(KEY)
        await store.close()
        return name.encode()

    name = asyncio.run(main())
    binaries = redis_binaries()
    assert binaries is not None
    out = subprocess.run([binaries[1], "-p", str(redis_server.port), "--no-raw", "GET", name],
                         capture_output=True, check=True)
    assert json.loads(json.loads(out.stdout)) == {"k": [1, "two"]}
