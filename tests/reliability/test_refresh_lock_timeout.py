"""The refresh lock: typed when it times out, never shorter than a holder's legitimate retrying,
and a killed holder delays the others by at most its lease (regression).

A waiter used to wait a fixed 30 s whatever the transport's retry budget, so it could give up
while the holder was still legitimately retrying; a store whose lock raised a plain TimeoutError
surfaced an untyped error.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from emulated_cognito import FLOWS, PASSWORD, START, confirmed_user
from redis_servers import RedisServer
from storage.conftest import private_dir, unique_prefix
from storage.processes import child, kill, wait_line

from authflow import AuthClient, CognitoConfig
from authflow.emulator import Emulator, ManualClock
from authflow.sessions import SessionEvent
from authflow.storage import FileStore, MemoryStore, Store, StoreLockTimeoutError
from authflow.transport import AiohttpTransport, RetryPolicy


class LockSpy(MemoryStore):
    """A MemoryStore that notes the timeout of every lock asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float] = []

    def lock(self, key: str, *, timeout: float = 30.0) -> AbstractAsyncContextManager[None]:
        self.timeouts.append(timeout)
        return super().lock(key, timeout=timeout)


class PlainTimeoutLock(MemoryStore):
    """A third-party store whose lock raises the builtin TimeoutError."""

    def lock(self, key: str, *, timeout: float = 30.0) -> AbstractAsyncContextManager[None]:
        @asynccontextmanager
        async def never() -> AsyncIterator[None]:
            raise TimeoutError("somebody else holds it")
            yield  # pragma: no cover

        return never()


async def _expired_session(emu: Emulator, clock: ManualClock, store: Store,
                           transport: AiohttpTransport | None = None) -> tuple[AuthClient, str]:
    """A signed-in session whose access token has expired (the client owns its transport
    unless one is given)."""
    pool = emu.create_user_pool("locks")
    app = emu.create_user_pool_client(pool.id, explicit_auth_flows=FLOWS)
    config = CognitoConfig(user_pool_id=pool.id, client_id=app.id, endpoint=emu.endpoint)
    auth = AuthClient(config, transport=transport, store=store, clock=clock)
    await confirmed_user(auth, "lou")
    flow = auth.sign_in("lou", PASSWORD, auth_flow="USER_PASSWORD_AUTH")
    await flow.step()
    assert flow.session_key is not None
    clock.advance(3700)
    return auth, flow.session_key


@pytest.mark.parametrize(("policy", "total_timeout", "worst"), [
    (RetryPolicy(max_attempts=4, max_total_time=100.0), 20.0, 4 * 20.0 + 0.1 + 0.2 + 0.4),
    (RetryPolicy(max_attempts=4, max_total_time=None, base_delay=0.5, max_delay=1.0,
                 jitter="none"), 20.0, 4 * 20.0 + 0.5 + 1.0 + 1.0),
])
async def test_a_waiter_outlasts_the_holders_worst_case_retrying(
        emu: Emulator, clock: ManualClock, policy: RetryPolicy, total_timeout: float,
        worst: float) -> None:
    spy = LockSpy()
    transport = AiohttpTransport(emu.endpoint, total_timeout=total_timeout, retry=policy)
    auth, key = await _expired_session(emu, clock, spy, transport)
    async with auth:
        await auth.access_token(key)
        assert spy.timeouts, "the refresh took no lock"
        assert min(spy.timeouts) > worst
        assert auth.sessions.refresh_lock_timeout == spy.timeouts[-1]
    await transport.close()


async def test_a_plain_timeout_from_a_store_lock_surfaces_typed(emu: Emulator,
                                                                clock: ManualClock) -> None:
    store = PlainTimeoutLock()
    auth, key = await _expired_session(emu, clock, store)
    async with auth:
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        with pytest.raises(StoreLockTimeoutError) as info:
            await auth.access_token(key)
        assert info.value.key == key
        assert await store.get(key) is not None  # not signed out
        assert [(e.kind, e.reason) for e in events] == [("refresh_failed", "lock_timeout")]


HOLD = """
import asyncio, sys
from authflow.storage import FileStore

async def main():
    store = FileStore(sys.argv[1])
    async with store.lock(sys.argv[2]):
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_lock_held_past_the_timeout_is_typed_and_keeps_the_session(
        emu: Emulator, clock: ManualClock, tmp_path: Path) -> None:
    directory = private_dir(tmp_path)
    store = FileStore(directory)
    auth, key = await _expired_session(emu, clock, store)
    # a client that waits for the lock no longer than its quick transport's worst case allows
    quick = AiohttpTransport(emu.endpoint, total_timeout=0.2,
                             retry=RetryPolicy(max_attempts=1, max_total_time=0.2))
    impatient = AuthClient(auth.config, transport=quick, store=store, clock=clock)
    holder = child(HOLD, str(directory), key)
    try:
        await asyncio.to_thread(wait_line, holder, "held")
        async with auth, impatient:
            events: list[SessionEvent] = []
            impatient.on_event(events.append)
            with pytest.raises(StoreLockTimeoutError) as info:
                await impatient.access_token(key)
            assert info.value.key == key
            assert [(e.kind, e.reason) for e in events] == [("refresh_failed", "lock_timeout")]
            assert await store.get(key) is not None  # not signed out
            kill(holder)
            token = await auth.access_token(key)  # the dead holder's flock is gone
            assert (await auth.transport.send("GetUser", {"AccessToken": token}))["Username"]
    finally:
        kill(holder)
        await quick.close()


REFRESHING_CHILD = """
import asyncio, sys
from authflow import AuthClient, CognitoConfig
from authflow.storage import FileStore, RedisStore
from authflow.transport import AiohttpTransport

endpoint, pool, client, key, kind, where, prefix, now = sys.argv[1:9]

class Announcing(AiohttpTransport):
    async def send(self, operation, payload):
        if payload.get("AuthFlow") == "REFRESH_TOKEN_AUTH":
            print("refreshing", flush=True)
        return await super().send(operation, payload)

async def main():
    store = (FileStore(where) if kind == "file"
             else RedisStore.from_url(where, prefix=prefix, lock_lease=1.0))
    cfg = CognitoConfig(user_pool_id=pool, client_id=client, endpoint=endpoint)
    async with AuthClient(cfg, transport=Announcing(endpoint), store=store,
                          clock=lambda: float(now)) as auth:
        await auth.access_token(key)
    print("finished", flush=True)

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["file", "redis"])
async def test_a_holder_killed_mid_refresh_delays_the_others_only_by_its_lease(
        emu: Emulator, clock: ManualClock, tmp_path: Path, kind: str,
        request: pytest.FixtureRequest) -> None:
    prefix = unique_prefix()
    if kind == "file":
        where = str(private_dir(tmp_path))
        store: Store = FileStore(where)
    else:
        from authflow.storage import RedisStore

        server: RedisServer = request.getfixturevalue("redis_server")
        where = server.url
        store = RedisStore.from_url(where, prefix=prefix, lock_lease=1.0)
    auth, key = await _expired_session(emu, clock, store)
    emu.faults.add("latency", operation="InitiateAuth", delay=3.0)  # the holder hangs
    holder = child(
        REFRESHING_CHILD, emu.endpoint, auth.config.user_pool_id, auth.config.client_id,
        key, kind, where, prefix, str(START + 3700))
    try:
        await asyncio.to_thread(wait_line, holder, "refreshing")  # it holds the lock now
        holder.send_signal(signal.SIGKILL)
        await asyncio.to_thread(holder.wait)
        async with auth:
            token = await auth.access_token(key)  # waits at most the lease, never times out
            me = await auth.transport.send("GetUser", {"AccessToken": token})
            assert me["Username"] == "lou"
    finally:
        kill(holder)
        await store.close()
