"""Redis unreachable mid-session: StoreUnavailableError, typed, and the session is never signed
out (no delete, no ``signed_out`` event, the flow stays Authenticated); once Redis answers again
the same session refreshes. Redis is paused for 8 s (``CLIENT PAUSE ... ALL``) rather than
stopped, so what it holds survives, as it would behind a network partition."""

from __future__ import annotations

import redis
from emulated_cognito import PASSWORD, client, confirmed_user
from redis_servers import RedisServer
from storage.conftest import unique_prefix

from authflow import AuthClient
from authflow.emulator import Emulator, ManualClock
from authflow.sessions import SessionEvent
from authflow.storage import RedisStore, StoreUnavailableError


async def test_redis_unreachable_is_typed_and_never_signs_out(
        emu: Emulator, clock: ManualClock, own_redis: RedisServer) -> None:
    store = RedisStore.from_url(own_redis.url, prefix=unique_prefix(), socket_timeout=0.5)
    async with client(emu, clock) as base:
        auth = AuthClient(base.config, store=store, clock=clock)
    async with auth:
        await confirmed_user(auth, "una")
        flow = auth.sign_in("una", PASSWORD)
        await flow.step()
        key = flow.session_key
        assert key is not None
        events: list[SessionEvent] = []
        auth.on_event(events.append)
        clock.advance(3700)
        admin = redis.Redis(port=own_redis.port)
        admin.execute_command("CLIENT", "PAUSE", "8000", "ALL")  # ends on its own
        try:
            for attempt in (auth.access_token(key), flow.refresh(), auth.sign_out(key)):
                try:
                    await attempt
                except StoreUnavailableError as exc:
                    assert exc.key is not None and "redis://" not in str(exc)
                else:
                    raise AssertionError("Redis is paused")
            assert flow.state == "Authenticated"
            assert not [e for e in events if e.kind == "signed_out"]
            assert {e.reason for e in events} <= {"store_unavailable"}
        finally:
            admin.close()
        for _ in range(100):  # until Redis answers again (0.5 s per try)
            try:
                token = await auth.access_token(key)  # the session was kept
                break
            except StoreUnavailableError:
                continue
        else:
            raise AssertionError("Redis did not answer again")
        assert (await auth.transport.send("GetUser", {"AccessToken": token}))["Username"] == "una"
        assert flow.state == "Authenticated"
    await store.close()
