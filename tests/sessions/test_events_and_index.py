"""Session events (callbacks, bounded streams, drop-oldest policy) and the per-user session index
(compare-and-set updates that lose nothing, hostile index records)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storage.conftest import private_dir

from authflow import CognitoConfig
from authflow.protocol.errors import ValidationError
from authflow.sessions import SessionEvent, SessionEvents, SessionIndex, SessionInfo, SessionKeys
from authflow.storage import FileStore, MemoryStore, Store

CONFIG = CognitoConfig(user_pool_id="us-east-1_AbCdEf123", client_id="clientid123")
KEYS = SessionKeys(CONFIG)


def _event(i: int, kind: Any = "refreshed") -> SessionEvent:
    return SessionEvent(kind, f"k{i}", username="u", at=float(i))


async def test_a_stream_drops_the_oldest_when_its_consumer_falls_behind() -> None:
    hub = SessionEvents()
    slow = hub.stream(maxsize=3)
    fast = hub.stream(maxsize=100)
    for i in range(10):
        hub.emit(_event(i))
    assert [(await slow.__anext__()).key for _ in range(3)] == ["k7", "k8", "k9"]
    assert slow.dropped == 7
    assert [(await fast.__anext__()).key for _ in range(10)] == [f"k{i}" for i in range(10)]
    assert fast.dropped == 0
    async with slow:  # closing ends the iteration once the queue is empty
        hub.emit(_event(10))
    assert [event.key async for event in slow] == ["k10"]
    hub.emit(_event(11))  # a closed stream receives nothing more
    assert [event.key async for event in slow] == []


async def test_a_waiting_consumer_wakes_for_the_next_event() -> None:
    hub = SessionEvents()
    stream = hub.stream()
    waiter = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0)
    assert not waiter.done()
    hub.emit(_event(1, "signed_out"))
    assert (await waiter).kind == "signed_out"


async def test_callbacks_plain_and_async_faulty_ones_are_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    hub = SessionEvents()
    got: list[str] = []

    async def later(event: SessionEvent) -> None:
        got.append("async " + event.key)

    def broken(event: SessionEvent) -> None:
        raise RuntimeError("listener bug")

    async def broken_later(event: SessionEvent) -> None:
        raise RuntimeError("async listener bug")

    hub.subscribe(broken)
    hub.subscribe(broken_later)
    unsubscribe = hub.subscribe(lambda e: got.append(e.key))
    hub.subscribe(later)
    with caplog.at_level(logging.ERROR, "authflow.sessions"):
        hub.emit(_event(1))
        await hub.drain()
    assert got == ["k1", "async k1"]
    assert len([r for r in caplog.records if "listener failed" in r.getMessage()]) == 2
    unsubscribe()
    unsubscribe()  # twice is harmless
    hub.emit(_event(2))
    await hub.drain()
    assert got == ["k1", "async k1", "async k2"]


@pytest.mark.parametrize("maxsize", [0, -1, True, 1.5, "10", 10**7])
def test_bad_stream_sizes_and_listeners_are_validation_errors(maxsize: Any) -> None:
    hub = SessionEvents()
    with pytest.raises(ValidationError) as info:
        hub.stream(maxsize)
    assert info.value.field == "maxsize"
    with pytest.raises(ValidationError):
        hub.subscribe("not callable")  # type: ignore[arg-type]


def test_hub_names_follow_amplify() -> None:
    assert [SessionEvent(k, "k").hub_event for k in (  # type: ignore[arg-type]
        "signed_in", "refreshed", "refresh_failed", "signed_out")] == [
        "signedIn", "tokenRefresh", "tokenRefresh_failure", "signedOut"]


# -- the index ------------------------------------------------------------------------------------


def _info(i: int, username: str = "uid-1") -> SessionInfo:
    return SessionInfo(KEYS.session(f"{i:022d}"), username, "al@example.com", float(i), 1e10)


@pytest.mark.parametrize("kind", ["memory", "file"])
async def test_concurrent_index_updates_lose_nothing(kind: str, tmp_path: Path) -> None:
    store: Store = MemoryStore() if kind == "memory" else FileStore(private_dir(tmp_path))
    indexes = [SessionIndex(store, KEYS, retention=3600) for _ in range(4)]
    await asyncio.gather(*(indexes[i % 4].add(_info(i), now=0.0) for i in range(40)))
    listed = await indexes[0].sessions("uid-1", now=0.0)
    assert [info.created_at for info in listed] == [float(i) for i in reversed(range(40))]
    await asyncio.gather(*(indexes[i % 4].remove("uid-1", [_info(i).key]) for i in range(0, 40, 2)))
    assert len(await indexes[1].sessions("uid-1", now=0.0)) == 20
    await indexes[2].remove("uid-1", [info.key for info in listed])
    assert await store.get(KEYS.user_index("uid-1")) is None  # an empty index is deleted
    await store.close()


async def test_expired_entries_are_pruned_and_a_global_sign_out_is_remembered() -> None:
    store = MemoryStore()
    index = SessionIndex(store, KEYS, retention=3600)
    old = SessionInfo(KEYS.session("A" * 22), "u", "u", 1.0, expires_at=100.0)
    await index.add(old, now=50.0)
    assert await index.sessions("u", now=99.0) == [old]
    assert await index.sessions("u", now=100.0) == []
    new = SessionInfo(KEYS.session("B" * 22), "u", "u", 150.0, expires_at=None)
    assert await index.add(new, now=150.0) == [new]  # the expired one was dropped on write
    assert await index.mark_global_sign_out("u", 160.0) == [new]
    assert await index.sessions("u", now=0) == []
    assert await index.global_sign_out_at("u") == 160.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(
    st.sampled_from(["version", "username", "sessions", "global_sign_out_at", "x"]),
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.dictionaries(st.sampled_from(["A" * 22, "bad", "B" * 22]),
                      st.none() | st.integers() | st.dictionaries(
                          st.sampled_from(["login", "created_at", "expires_at"]),
                          st.none() | st.integers() | st.text(max_size=3)
                          | st.floats(allow_nan=False, allow_infinity=False))),
    max_size=5))
def test_any_stored_index_reads_as_an_index(raw: dict[str, Any]) -> None:
    async def run() -> None:
        store = MemoryStore()
        await store.set(KEYS.user_index("u"), raw)
        index = SessionIndex(store, KEYS, retention=3600)
        listed = await index.sessions("u", now=0.0)
        assert all(isinstance(info.created_at, float) for info in listed)
        await index.add(_info(1, "u"), now=0.0)  # a foreign index is replaced, never a crash
        assert _info(1, "u").key in {info.key for info in await index.sessions("u", now=0.0)}

    asyncio.run(run())


def test_keys_are_scoped_and_ids_checked() -> None:
    other = SessionKeys(CognitoConfig(user_pool_id="us-east-1_Other1", client_id="clientid123"))
    key = KEYS.session("C" * 22)
    assert KEYS.session_id_of(key) == "C" * 22
    assert other.session_id_of(key) is None
    for bad in (KEYS.session("C" * 21), KEYS.session("C" * 23), KEYS.session("C" * 21 + "/"),
                KEYS.pending("C" * 22), None, 5, ""):
        assert KEYS.session_id_of(bad) is None
    assert KEYS.is_pending(KEYS.pending("D" * 22)) and not KEYS.is_pending(key)
